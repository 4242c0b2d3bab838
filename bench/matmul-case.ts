// Matmul throughput of a backend, in a process of its own. Prints one JSON line: MatmulResult.
//   node dist/bench/matmul-case.js '{"backend":"wasm","wasmKernels":"fast","sizes":[1024],...}'
import * as tf from '@tensorflow/tfjs-core';

import { useBackend, type BackendName } from 'nnc-runtime/node';
import { timeSteps } from './measure.js';
import type { MatmulCase, MatmulResult } from './cases.js';

function seeded(shape: [number, number], seed: number): tf.Tensor2D {
  return tf.randomUniform(shape, -1, 1, 'float32', seed) as tf.Tensor2D;
}

async function run(spec: MatmulCase): Promise<MatmulResult> {
  try {
    await useBackend(spec.backend as BackendName, { wasmKernels: spec.wasmKernels });
  } catch (error) {
    return { square: {}, skipped: error instanceof Error ? error.message : String(error) };
  }
  const square: Record<string, number> = {};
  for (const n of spec.sizes) {
    const a = seeded([n, n], 1);
    const b = seeded([n, n], 2);
    const timing = await timeSteps(async () => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    }, spec.protocol);
    square[String(n)] = (2 * n ** 3) / (timing.msPerStep * 1e6);
    tf.dispose([a, b]);
  }
  const x = seeded([64, 784], 3);
  const dy = seeded([64, 128], 4);
  const timing = await timeSteps(async () => {
    const g = tf.matMul(x, dy, true, false);
    await g.data();
    g.dispose();
  }, spec.protocol);
  return { square, transposedMs: timing.msPerStep };
}

const spec = JSON.parse(process.argv[2] ?? '{}') as MatmulCase;
run(spec).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => process.stdout.write(`${JSON.stringify({ square: {}, skipped: String(error) })}\n`),
);
