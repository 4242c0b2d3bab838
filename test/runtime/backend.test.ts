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
import { isSoftwareAdapter, prepareWebGpu } from '../../runtime/webgpu.js';
import { TinyDense } from './helpers.js';

describe('useBackend', () => {
  it('picks no backend on import', () => {
    expect(currentBackend()).toBeNull();
  });

  it('rejects webgpu where no adapter answers, naming the route, Mesa, wasm and cpu, and registers nothing', async () => {
    // A Dawn backend this platform cannot have: the adapter request answers null, as on a machine
    // without a GPU and without Mesa. (Where one exists, test/webgpu-parity.test.ts uses it.)
    const flags = process.platform === 'win32' ? 'backend=metal' : 'backend=d3d12';
    const saved = process.env['NNC_WEBGPU_FLAGS'];
    process.env['NNC_WEBGPU_FLAGS'] = flags;
    try {
      const error = await useBackend('webgpu').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NncRuntimeError);
      expect((error as NncRuntimeError).code).toBe('NN4102');
      expect((error as Error).message).toBe(
        `The 'webgpu' backend found no WebGPU adapter with NNC_WEBGPU_FLAGS=${flags}. Without a GPU, install Mesa ` +
          '(Debian: `apt-get install libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri`; see docs/performance.md); ' +
          "use 'wasm' (the fast CPU backend) or 'cpu' (the reference backend).",
      );
    } finally {
      if (saved === undefined) delete process.env['NNC_WEBGPU_FLAGS'];
      else process.env['NNC_WEBGPU_FLAGS'] = saved;
    }
    expect(currentBackend()).toBeNull();
    // Neither tfjs's backend (it would become the default) nor a navigator.gpu is left behind.
    expect(tf.findBackendFactory('webgpu')).toBeNull();
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
  });

  it('names the npm packages to install when webgpu is asked for without them', async () => {
    const missing = async (specifier: string) => {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
    };
    const error = await prepareWebGpu({ importPackage: missing, env: {}, isNode: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NncRuntimeError);
    expect((error as NncRuntimeError).code).toBe('NN4102');
    expect((error as Error).message).toBe(
      "The 'webgpu' backend needs the npm packages `webgpu` and `@tensorflow/tfjs-backend-webgpu` in Node, and they are not installed; " +
        "use 'wasm' (the fast CPU backend) or 'cpu' (the reference backend).",
    );
  });

  it("asks Dawn for the GPU first, then Mesa's OpenGL ES in compatibility mode, or only for NNC_WEBGPU_FLAGS", async () => {
    const asked: Array<{ flags: string[]; options: unknown }> = [];
    const dawn = {
      globals: {},
      create: (flags: string[]) => ({
        requestAdapter: async (options?: unknown) => {
          asked.push({ flags, options });
          return null;
        },
      }),
    };
    const importPackage = async (specifier: string) => {
      if (specifier === 'webgpu') return dawn;
      throw new Error('the backend must not load without an adapter');
    };
    const env: Record<string, string | undefined> = {};
    await expect(prepareWebGpu({ importPackage, env, isNode: true })).rejects.toMatchObject({
      code: 'NN4102',
      message: expect.stringMatching(/^The 'webgpu' backend found no WebGPU adapter on the GPU or on Mesa's OpenGL ES \(llvmpipe\)\./),
    });
    expect(asked).toEqual([
      { flags: [], options: {} },
      { flags: ['backend=opengles'], options: { featureLevel: 'compatibility' } },
    ]);
    // EGL needs no display this way; a value already set is the user's and stays.
    expect(env['EGL_PLATFORM']).toBe('surfaceless');
    asked.length = 0;
    const given = { NNC_WEBGPU_FLAGS: 'backend=vulkan, adapter=SwiftShader', EGL_PLATFORM: 'x11' };
    await expect(prepareWebGpu({ importPackage, env: given, isNode: true })).rejects.toMatchObject({ code: 'NN4102' });
    expect(asked).toEqual([{ flags: ['backend=vulkan', 'adapter=SwiftShader'], options: {} }]);
    expect(given.EGL_PLATFORM).toBe('x11');
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
    expect(cpu.history.epochs.at(-1)!.logs.loss).toBeLessThan(cpu.history.epochs[0]!.logs.loss!);
    for (let i = 0; i < cpu.weights.length; i++) expect(Math.abs(wasm.weights[i]! - cpu.weights[i]!)).toBeLessThan(1e-4);
    for (const e of [0, 19, 39]) {
      expect(Math.abs(wasm.history.epochs[e]!.logs.loss! - cpu.history.epochs[e]!.logs.loss!)).toBeLessThan(1e-4);
    }
    expect(Math.abs(wasm.history.final.loss! - cpu.history.final.loss!)).toBeLessThan(1e-4);
  });
});

describe('software WebGPU adapters', () => {
  it('are told from GPUs by name, so the benchmark never times one', () => {
    for (const name of ['llvmpipe-llvm-15-0-6-256-bits-, OpenGL ES 3.2 Mesa 22.3.6', 'SwiftShader Device (Subzero)', 'lavapipe', 'softpipe']) {
      expect(isSoftwareAdapter(name), name).toBe(true);
    }
    for (const name of ['NVIDIA GeForce RTX 4090', 'AMD Radeon Pro 5500M', 'Apple M2', 'Intel(R) Iris(R) Xe Graphics']) {
      expect(isSoftwareAdapter(name), name).toBe(false);
    }
  });
});
