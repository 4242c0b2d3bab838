import { describe, expect, it } from 'vitest';

import {
  NncRuntimeError,
  currentBackend,
  fit,
  glorotUniform,
  tf,
  useBackend,
  type BackendName,
  type TableData,
  type TrainPlan,
} from '../../runtime/index.js';
import { TinyDense } from './helpers.js';

describe('useBackend', () => {
  it('picks no backend on import', () => {
    expect(currentBackend()).toBeNull();
  });

  it('rejects webgpu where it is absent with a message naming what to install, wasm and cpu', async () => {
    // The webgpu packages are optional and not installed here (see docs/performance.md).
    const error = await useBackend('webgpu').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NncRuntimeError);
    expect((error as NncRuntimeError).code).toBe('NN4102');
    expect((error as Error).message).toMatch(/'webgpu' backend needs .*`webgpu`.*'wasm'.*'cpu'/);
    expect(currentBackend()).toBeNull();
  });

  it('rejects an unknown name', async () => {
    await expect(useBackend('nope' as BackendName)).rejects.toMatchObject({
      code: 'NN4101',
      message: "There is no backend called 'nope'; choose 'wasm' (the fast CPU backend), 'cpu' (the reference backend) or 'webgpu' (where a WebGPU adapter exists).",
    });
  });

  it('switches between cpu and wasm', async () => {
    await useBackend('cpu');
    expect(currentBackend()).toBe('cpu');
    await useBackend('wasm');
    expect(currentBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('cpu and wasm give identical initial weights and the same fit within 1e-4', async () => {
    const xor: TableData = {
      features: ['x1', 'x2'],
      labels: ['y'],
      x: [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2], [0.3, 0.9]],
      y: [[0], [1], [1], [1], [0], [1]],
    };
    const plan: TrainPlan = {
      loss: 'binary_crossentropy',
      optimizer: { name: 'adam', lr: 0.05 },
      batch: 4,
      epochs: 40,
      metrics: ['accuracy'],
      shuffle: true,
      seed: 3,
    };
    const run = async (backend: BackendName) => {
      await useBackend(backend);
      const init = glorotUniform([5, 7], 11);
      const initValues = Array.from(init.dataSync());
      init.dispose();
      const model = new TinyDense(2, 1, { seed: 4, activation: (z) => tf.sigmoid(z) });
      const history = await fit(model, xor, plan);
      const weights = model.values();
      model.dispose();
      return { initValues, history, weights: [...weights.kernel, ...weights.bias] };
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.initValues).toEqual(cpu.initValues);
    expect(cpu.history.epochs.at(-1)!.logs.loss).toBeLessThan(cpu.history.epochs[0].logs.loss);
    for (let i = 0; i < cpu.weights.length; i++) expect(Math.abs(wasm.weights[i] - cpu.weights[i])).toBeLessThan(1e-4);
    for (const e of [0, 19, 39]) {
      expect(Math.abs(wasm.history.epochs[e].logs.loss - cpu.history.epochs[e].logs.loss)).toBeLessThan(1e-4);
    }
    expect(Math.abs(wasm.history.final.loss - cpu.history.final.loss)).toBeLessThan(1e-4);
  });
});
