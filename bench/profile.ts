// Where a training step's time goes, kernel by kernel: `npm run bench:profile -- cnn` trains the
// benchmark network with nnc's generated code on wasm (fast kernels, one thread) and prints each
// kernel's total milliseconds per step, largest first. A tool for choosing what to speed up next;
// the numbers are wall-clock per kernel call, so run it on a quiet machine. It profiles the
// backward pass the compiler derives where there is one; `--tape` profiles tfjs's gradient tape.
import * as tf from '@tensorflow/tfjs-core';

import { compile } from '../compiler/index.js';
import { loadGeneratedModule, runtimeUrl } from '../cli/load-module.js';
import { createOptimizer, lossFunction, useBackend, type TrainableModel } from 'nnc-runtime/node';
import { mnistSamples, CLASSES } from './data.js';
import { LEARNING_RATE, NETWORKS, nnSource, type NetName } from './networks.js';
import { BATCH } from './cases.js';

interface DerivedModel extends TrainableModel {
  lossAndGradients(x: tf.Tensor, y: tf.Tensor, loss: 'categorical_crossentropy'): { loss: tf.Scalar; gradients: Record<string, tf.Tensor> };
}

async function main(): Promise<void> {
  const net = (process.argv[2] ?? 'cnn') as NetName;
  const derived = !process.argv.includes('--tape');
  const steps = 10;
  await useBackend('wasm', { threads: 1 });
  const result = compile(nnSource(net), { fileName: NETWORKS[net].file, runtimeModule: runtimeUrl, derivedBackward: derived });
  if (!result.output) throw new Error(`cannot compile ${NETWORKS[net].file}`);
  const module = await loadGeneratedModule(result.output);
  const model = new (module[NETWORKS[net].className] as new (o: { seed: number }) => DerivedModel)({ seed: 1 });
  const samples = mnistSamples(BATCH);
  const x = tf.tensor(samples.x, [BATCH, ...NETWORKS[net].inputShape]);
  const y = tf.tensor2d(samples.y, [BATCH, CLASSES]);
  const optimizer = createOptimizer({ name: 'adam', lr: LEARNING_RATE });
  const trainable = model.weights().filter((w) => w.variable.trainable);
  const lossFn = lossFunction('categorical_crossentropy');
  const step = (): tf.Scalar => {
    if (derived && typeof model.lossAndGradients === 'function') {
      return tf.tidy(() => {
        const out = model.lossAndGradients(x, y, 'categorical_crossentropy');
        optimizer.applyGradients(Object.fromEntries(trainable.map((w) => [w.variable.name, out.gradients[w.name]!])));
        return out.loss;
      });
    }
    return optimizer.minimize(() => tf.tidy(() => lossFn(y, model.forward(x, true))), true, trainable.map((w) => w.variable))!;
  };
  for (let i = 0; i < 3; i++) await step().data();
  const totals = new Map<string, { ms: number; calls: number }>();
  let wall = 0;
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    const info = await tf.profile(() => step());
    wall += performance.now() - start;
    for (const k of info.kernels) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
      const entry = totals.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += k.kernelTimeMs as number;
      entry.calls += 1;
      totals.set(key, entry);
    }
  }
  const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
  const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0) / steps;
  console.log(`${NETWORKS[net].title}, ${derived && typeof model.lossAndGradients === 'function' ? 'derived backward pass' : 'gradient tape'}: ${(wall / steps).toFixed(1)} ms/step wall, ${kernelMs.toFixed(1)} ms in kernels`);
  for (const [key, e] of rows.slice(0, 30)) console.log(`${(e.ms / steps).toFixed(2).padStart(8)} ms  ${String(e.calls / steps).padStart(3)}×  ${key}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
