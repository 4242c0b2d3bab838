// Several models in one loop: examples/gan.nn runs its alternating steps with both losses finite,
// and a step changes only the models after its `over`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitSteps, resolveData, tf, useBackend, type StepTrainingRun } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));

beforeAll(() => useBackend('cpu'));

const snapshot = (models: Record<string, { weights(): { name: string; variable: tf.Variable }[] }>, name: string) =>
  models[name]!.weights().map((w) => Array.from(w.variable.dataSync()));

describe('several models in one loop', () => {
  it('examples/gan.nn alternates its two steps with both losses finite, leaving no tensors behind', async () => {
    const mod = await loadModel(readFileSync(`${examples}gan.nn`, 'utf8'), 'examples/gan.nn');
    const run = (mod['stepTrainings'] as StepTrainingRun[])[0]!;
    expect(run.plan.steps.map((s) => [s.name, s.over])).toEqual([
      ['discriminator', ['Discriminator']],
      ['generator', ['Generator']],
    ]);
    const models = run.createModels(1);
    const before = tf.memory().numTensors;
    const data = await resolveData(run.data);
    const history = await fitSteps(models, data, { ...run.plan, epochs: 40 });
    expect(history.epochs).toHaveLength(40);
    for (const e of history.epochs) {
      expect(Number.isFinite(e.logs['discriminator_loss'])).toBe(true);
      expect(Number.isFinite(e.logs['generator_loss'])).toBe(true);
      // 16 rows in batches of 8, two steps each.
      expect(e.steps).toBe(4);
    }
    expect(tf.memory().numTensors).toBe(before);
    for (const m of Object.values(models)) m.dispose();
  });

  it('a step updates only the models after `over`, though its loss runs through the others', async () => {
    const mod = await loadModel(readFileSync(`${examples}gan.nn`, 'utf8'), 'examples/gan.nn');
    const run = (mod['stepTrainings'] as StepTrainingRun[])[0]!;
    const models = run.createModels(3);
    const d0 = snapshot(models, 'Discriminator');
    const g0 = snapshot(models, 'Generator');
    const data = await resolveData(run.data);
    await fitSteps(models, data, { ...run.plan, epochs: 2, steps: [run.plan.steps[1]!] });
    expect(snapshot(models, 'Discriminator')).toEqual(d0);
    expect(snapshot(models, 'Generator')).not.toEqual(g0);
    for (const m of Object.values(models)) m.dispose();
  });
});
