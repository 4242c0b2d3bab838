// Transfer learning from a `.nn` file: load a pretrained layer into a new model with a new head,
// freeze it, fine-tune the head.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { fit, saveWeights, useBackend, type TrainingRun } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';

beforeAll(() => useBackend('cpu'));

const values = (run: TrainingRun, model: ReturnType<TrainingRun['createModel']>) =>
  Object.fromEntries(model.weights().map((w) => [w.name, Array.from(w.variable.dataSync())]));

describe('transfer learning', () => {
  it('loads a pretrained layer, keeps it frozen while a new head trains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-transfer-'));
    const base = await loadModel(`model Base {
  input x: [batch, 2]
  dense(4, activation: tanh)
  dense(1, activation: sigmoid)
}
data d = table {
  a, b -> y
  0, 0 -> 0
  0, 1 -> 1
  1, 0 -> 1
  1, 1 -> 0
}
train Base on d { loss: binary_crossentropy\n optimizer: adam(lr: 0.05)\n batch: full\n epochs: 30\n seed: 1 }
`);
    const baseRun = (base['trainings'] as TrainingRun[])[0]!;
    const pretrained = baseRun.createModel(1);
    await fit(pretrained, baseRun.data as never, baseRun.plan);
    await saveWeights(pretrained, join(dir, 'base'));
    const baseValues = values(baseRun, pretrained);

    const head = await loadModel(`model Head {
  input x: [batch, 2]
  dense(4, activation: tanh)
  dense(2, activation: softmax)
}
data d = table {
  a, b -> no, yes
  0, 0 -> 1, 0
  0, 1 -> 0, 1
  1, 0 -> 0, 1
  1, 1 -> 1, 0
}
train Head on d {
  loss: categorical_crossentropy
  optimizer: adam(lr: 0.05)
  batch: full
  epochs: 20
  init: load("base", layers: [dense])
  freeze: [dense]
  seed: 2
}
`);
    const run = (head['trainings'] as TrainingRun[])[0]!;
    expect(run.plan.freeze).toEqual(['dense']);
    const model = run.createModel(2);
    const fresh = values(run, model);
    await fit(model, run.data as never, run.plan, { baseDir: dir });
    const tuned = values(run, model);
    expect(tuned['dense/kernel']).toEqual(baseValues['dense/kernel']);
    expect(tuned['dense/bias']).toEqual(baseValues['dense/bias']);
    expect(tuned['dense_1/kernel']).not.toEqual(fresh['dense_1/kernel']);
    pretrained.dispose();
    model.dispose();
  });

  it('a layer to freeze or load that the model does not have is NN4021 with a suggestion', () => {
    const r = compile('model M {\n  input x: [batch, 1]\n  dense(2)\n  dense(1)\n}\ndata d = table {\n x -> y\n 1 -> 1\n}\ntrain M on d { loss: mse\n freeze: [dens] }\n');
    expect(r.diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([['NN4021', '`M` has no layer with weights called `dens`', 'did you mean `dense`? Its layers with weights are `dense`, `dense_1`']]);
  });

  it('loading a layer whose shape differs is an NncRuntimeError naming the weight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-transfer-'));
    const src = (units: number) => `model M {\n  input x: [batch, 1]\n  dense(${units})\n  dense(1)\n}\ndata d = table {\n x -> y\n 1 -> 1\n}\ntrain M on d { loss: mse\n init: load("w", layers: [dense]) }\n`;
    const small = (await loadModel(src(2)))['trainings'][0] as TrainingRun;
    const m = small.createModel(1);
    await saveWeights(m, join(dir, 'w'));
    const big = (await loadModel(src(3)))['trainings'][0] as TrainingRun;
    const other = big.createModel(1);
    await expect(fit(other, big.data as never, big.plan, { baseDir: dir })).rejects.toThrow("The weight 'dense/kernel' has shape [1, 2]");
    m.dispose();
    other.dispose();
  });
});
