import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  NncRuntimeError,
  decodeWeights,
  encodeWeights,
  loadWeights,
  saveWeights,
  useBackend,
  type WeightsManifest,
} from '../../runtime/index.js';
import { TinyDense } from './helpers.js';

let root: string;

beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'nnc-checkpoint-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('checkpoints', () => {
  it('round-trips through a folder, restoring identical weights, and leaves no temp file', async () => {
    const dir = join(root, 'round-trip', 'nested');
    const a = new TinyDense(3, 2, { seed: 1, bias: [0.25, -1.5] });
    const b = new TinyDense(3, 2, { seed: 2 });
    expect(b.values()).not.toEqual(a.values());
    await saveWeights(a, dir);
    await saveWeights(a, dir); // overwriting an existing checkpoint works too
    expect((await readdir(dir)).sort()).toEqual(['weights.bin', 'weights.json']);
    await loadWeights(b, dir);
    expect(b.values()).toEqual(a.values());
    a.dispose();
    b.dispose();
  });

  it('writes a tfjs-style manifest and little-endian float32 in manifest order', async () => {
    const dir = join(root, 'format');
    const model = new TinyDense(2, 1, { kernel: [[1.5], [-2]], bias: [0.25] });
    await saveWeights(model, dir);
    const manifest = JSON.parse(await readFile(join(dir, 'weights.json'), 'utf8')) as WeightsManifest;
    expect(manifest).toEqual({
      format: 'nnc-weights',
      version: 1,
      modelName: 'Tiny',
      weightsManifest: [
        {
          paths: ['weights.bin'],
          weights: [
            { name: 'dense/kernel', shape: [2, 1], dtype: 'float32' },
            { name: 'dense/bias', shape: [1], dtype: 'float32' },
          ],
        },
      ],
    });
    const bin = await readFile(join(dir, 'weights.bin'));
    expect(bin.byteLength).toBe(12);
    expect([0, 4, 8].map((o) => bin.readFloatLE(o))).toEqual([1.5, -2, 0.25]);
    model.dispose();
  });

  it('rejects a checkpoint whose weight has another shape, naming the weight, and assigns nothing', async () => {
    const dir = join(root, 'shape');
    const small = new TinyDense(3, 2, { seed: 1 });
    const big = new TinyDense(3, 4, { seed: 2 });
    await saveWeights(small, dir);
    const before = big.values();
    const error = await loadWeights(big, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NncRuntimeError);
    expect((error as NncRuntimeError).code).toBe('NN4402');
    expect((error as Error).message).toBe(
      "The weight 'dense/kernel' has shape [3, 2] in the checkpoint but [3, 4] in the model 'Tiny'.",
    );
    expect(big.values()).toEqual(before);
    small.dispose();
    big.dispose();
  });

  it('rejects missing and extra weights, truncated data and foreign files in memory', () => {
    const model = new TinyDense(1, 1);
    const { manifest, data } = encodeWeights(model);
    const group = manifest.weightsManifest[0]!;

    const missing = { ...manifest, weightsManifest: [{ ...group, weights: [group.weights[0]] }] };
    expect(() => decodeWeights(model, missing, data.subarray(0, 4))).toThrow("The checkpoint has no weight 'dense/bias'");

    const extra = {
      ...manifest,
      weightsManifest: [{ ...group, weights: [...group.weights, { name: 'head/kernel', shape: [1], dtype: 'float32' as const }] }],
    };
    expect(() => decodeWeights(model, extra, new Uint8Array(12))).toThrow(/weights the model 'Tiny' does not: 'head\/kernel'/);

    expect(() => decodeWeights(model, manifest, data.subarray(0, 4))).toThrow(/has 4 bytes but its manifest describes 8/);
    expect(() => decodeWeights(model, { format: 'keras' }, data)).toThrow(/not an nnc checkpoint/);

    const copy = new TinyDense(1, 1, { seed: 99 });
    decodeWeights(copy, JSON.parse(JSON.stringify(manifest)), data.slice());
    expect(copy.values()).toEqual(model.values());
    model.dispose();
    copy.dispose();
  });

  it('reports a missing folder and an unreadable manifest as sentences', async () => {
    const model = new TinyDense(1, 1);
    await expect(loadWeights(model, join(root, 'nothing-here'))).rejects.toMatchObject({
      code: 'NN4401',
      message: expect.stringMatching(/^There is no readable checkpoint in '.*nothing-here'/),
    });
    const dir = join(root, 'garbage');
    await saveWeights(model, dir);
    await writeFile(join(dir, 'weights.json'), '{ not json');
    await expect(loadWeights(model, dir)).rejects.toThrow(/is not valid JSON/);
    model.dispose();
  });
});
