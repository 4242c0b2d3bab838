// The runtime's entries (runtime/package.json "exports"): the main entry bundles for a browser with
// no Node module on its import graph, the Node entry does not (it is where the Node parts went),
// and without Node's services the features that need them say which import gives them (NN4107).
import { fileURLToPath } from 'node:url';

import { build, type Metafile } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  NncRuntimeError,
  currentHost,
  loadData,
  registerHost,
  saveWeights,
  useBackend,
  type DataSpec,
  type HostServices,
} from '../../runtime/index.js';
import { currentWebGpuEnabler, registerWebGpu } from '../../runtime/platform.js';
import { TinyDense } from './helpers.js';

const runtimeDir = fileURLToPath(new URL('../../runtime/', import.meta.url));

/** Bundles `entry` (a runtime source file) as esbuild does for a browser app, without flags. */
async function browserBundle(entry: string): Promise<{ errors: string[]; inputs: string[] }> {
  try {
    const result = await build({
      entryPoints: [runtimeDir + entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // Package "imports" (#register-gradients) point into dist/; resolve them to the sources.
      plugins: [
        {
          name: 'runtime-sources',
          setup(b) {
            b.onResolve({ filter: /^#register-gradients$/ }, () => ({ path: runtimeDir + 'gradients.ts' }));
          },
        },
      ],
    });
    return { errors: [], inputs: Object.keys((result.metafile as Metafile).inputs) };
  } catch (error) {
    return { errors: ((error as { errors?: Array<{ text: string }> }).errors ?? []).map((e) => e.text), inputs: [] };
  }
}

const NODE_ONLY = /^node:|(^|\/)(cli-progress|readline|events)(\/|$)|runtime\/node\//;

describe('the browser-safe main entry', () => {
  it('bundles for a browser without any Node module, with the webgpu entry too', async () => {
    for (const entry of ['index.ts', 'webgpu-entry.ts']) {
      const { errors, inputs } = await browserBundle(entry);
      expect(errors).toEqual([]);
      expect(inputs.filter((file) => NODE_ONLY.test(file))).toEqual([]);
      expect(inputs.some((file) => file.includes('tfjs-layers'))).toBe(false);
    }
    // tfjs-core's own gradient modules come with the main entry: the tape needs them.
    const main = await browserBundle('index.ts');
    expect(main.inputs.some((file) => file.endsWith('tfjs-core/dist/register_all_gradients.js'))).toBe(true);
    const webgpu = await browserBundle('webgpu-entry.ts');
    expect(webgpu.inputs.some((file) => file.includes('tfjs-backend-webgpu'))).toBe(true);
  }, 120_000);

  it('is where the Node parts are not: the Node entry does not bundle for a browser', async () => {
    const { errors } = await browserBundle('node.ts');
    expect(errors.join('\n')).toMatch(/node:/);
  }, 120_000);
});

describe('without Node services', () => {
  let saved: HostServices | null = null;
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterEach(() => {
    registerHost(saved);
  });

  it('saving weights and reading a data file throw NN4107 naming the Node entry', async () => {
    saved = currentHost();
    expect(saved?.isNode).toBe(true);
    registerHost(null);
    const model = new TinyDense(2, 1);
    const error = await saveWeights(model, 'runs/x').catch((e: unknown) => e);
    model.dispose();
    expect(error).toBeInstanceOf(NncRuntimeError);
    expect((error as NncRuntimeError).code).toBe('NN4107');
    expect((error as Error).message).toMatch(/^Saving the weights of 'Tiny' to the folder 'runs\/x' needs Node's file system.*import from 'nnc-runtime\/node'/);
    const spec: DataSpec = { kind: 'spec', name: 'd', source: { kind: 'csv', path: 'd.csv', features: ['a'], labels: ['y'] }, transforms: [], features: ['a'], labels: ['y'] };
    await expect(loadData(spec)).rejects.toMatchObject({ code: 'NN4107', message: expect.stringMatching(/^Reading the data file 'd\.csv' of 'd'/) });
  });

  it("useBackend('webgpu') without the webgpu entry says to import it", async () => {
    const enabler = currentWebGpuEnabler();
    registerWebGpu(null);
    try {
      await expect(useBackend('webgpu')).rejects.toMatchObject({
        code: 'NN4102',
        message: expect.stringContaining("add `import 'nnc-runtime/webgpu';`"),
      });
    } finally {
      registerWebGpu(enabler);
    }
  });

  it('backend names are a union type', () => {
    // @ts-expect-error 'tpu' is not a BackendName
    const call = () => useBackend('tpu');
    expect(call).toBeTypeOf('function');
  });
});
