// Every example compiles, and each of its `train` blocks runs a few epochs through the generated
// module with a finite loss. (Full-length training is `nnc train`'s job; the CLI test
// trains XOR to the end.)
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingRun } from '../runtime/index.js';
import { fit, resolveData, tf, useBackend } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';

const dir = fileURLToPath(new URL('../examples/', import.meta.url));
const examples = readdirSync(dir).filter((f) => f.endsWith('.nn')).sort();

describe('examples', () => {
  beforeAll(() => useBackend('wasm'));

  it('the course examples of the walking skeleton are all here', () => {
    for (const name of ['oktoberfest.nn', 'perceptron.nn', 'xor.nn', 'regression.nn', 'pozzati.nn']) expect(examples).toContain(name);
  });

  for (const file of examples) {
    it(`${file} trains a few epochs with a finite loss and leaks no tensors`, async () => {
      const mod = await loadModel(readFileSync(dir + file, 'utf8'), `examples/${file}`);
      const runs = mod['trainings'] as readonly TrainingRun[];
      for (const run of runs) {
        const epochs = Math.min(run.plan.epochs, 20);
        // Packaged data sets are cut to their first 200 rows here: this checks the wiring, not accuracy.
        const loaded = await resolveData(run.data, { baseDir: dir });
        const data = { ...loaded, x: loaded.x.slice(0, 200), y: loaded.y.slice(0, 200) };
        const validationData = run.validationData ? await resolveData(run.validationData, { baseDir: dir }) : undefined;
        const model = run.createModel(run.plan.seed ?? 1);
        const before = tf.memory().numTensors;
        const history = await fit(model, data, { ...run.plan, epochs, earlyStopping: undefined }, validationData ? { validationData } : {});
        const losses = history.epochs.map((e) => e.logs['loss']!);
        expect(losses).toHaveLength(epochs);
        for (const l of losses) expect(Number.isFinite(l)).toBe(true);
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
      }
    });
  }
});
