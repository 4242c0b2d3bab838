// `data d = csv(…) |> …`: the checker (with and without the file's text) and the runtime loader.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { loadData, NncRuntimeError, useBackend, type DataSpec } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';

const model = `model M {
  input x: [batch, 2]
  dense(1, activation: sigmoid)
}
`;

function check(source: string, files?: Record<string, string | null>) {
  const r = compile(source, { fileName: 'd.nn', ...(files ? { files } : {}) });
  return r.diagnostics.map((d) => `${d.code} ${d.message}`);
}

const csvSource = `${model}data points = csv("points.csv", features: [a, b], labels: [y])
train M on points { loss: binary_crossentropy }
`;

const goodCsv = 'a,b,y\n0.5,1,1\n-1,2e-1,0\n';

describe('data sources at compile time', () => {
  it('a CSV source compiles without its file (checked when loaded) and with it', () => {
    expect(check(csvSource)).toEqual([]);
    expect(check(csvSource, { 'points.csv': goodCsv })).toEqual([]);
  });

  it('a missing file, a missing column, a short row and a non-number are diagnostics naming the place', () => {
    expect(check(csvSource, { 'points.csv': null })).toEqual(['NN4014 the file `points.csv` does not exist']);
    expect(check(csvSource, { 'points.csv': 'a,c,y\n1,2,1\n' })[0]).toMatch(/^NN4015 points.csv has no column 'b'/);
    expect(check(csvSource, { 'points.csv': 'a,b,y\n1,2,1\n3,4\n' })).toEqual(['NN4016 line 3 of points.csv has 2 columns but the header has 3']);
    expect(check(csvSource, { 'points.csv': 'a,b,y\n1,x,1\n' })).toEqual(["NN4016 line 2 of points.csv has 'x' in column 'b'; every value must be a finite number"]);
  });

  it('labels that the loss cannot take are found in the file at compile time', () => {
    expect(check(csvSource, { 'points.csv': 'a,b,y\n1,2,3\n' })[0]).toMatch(/^NN4010 `binary_crossentropy` needs labels between 0 and 1, but row 1/);
  });

  it('one_hot checks the class numbers of a file it can read', () => {
    const src = `model C {
  input x: [batch, 1]
  dense(3, activation: softmax)
}
data d = csv("c.csv", features: [x], labels: [k]) |> one_hot(3)
train C on d { loss: categorical_crossentropy }
`;
    expect(check(src, { 'c.csv': 'x,k\n1,0\n2,2\n' })).toEqual([]);
    expect(check(src, { 'c.csv': 'x,k\n1,0\n2,3\n' })).toEqual(['NN4018 row 2 of `d` has the label 3, but `one_hot(3)` needs a class number from 0 to 2']);
  });

  it('column counts come from the source: a wrong feature count is NN4007 as for tables', () => {
    const src = `${model}data flowers = iris\ntrain M on flowers { loss: mse }\n`;
    expect(check(src)[0]).toMatch(/^NN4007 `flowers` has 4 feature columns/);
  });
});

describe('the generated module', () => {
  it("a train helper loads its data set and validation data itself", async () => {
    await useBackend('cpu');
    const mod = await loadModel(`model Species {
  input x: [batch, 4]
  dense(3, activation: softmax)
}
data flowers = iris |> standardize |> one_hot(3)
data few = iris |> standardize |> one_hot(3) |> take(10, from: 70)
train Species on flowers {
  loss: categorical_crossentropy
  epochs: 2
  metrics: accuracy
  validation: few
}
`);
    const { model, history } = await mod['trainSpecies']();
    expect(history.epochs).toHaveLength(2);
    expect(Object.keys(history.final)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(history.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(10);
    model.dispose();
  });
});

describe('data sources at load time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-data-'));
  const spec = (source: DataSpec['source'], transforms: DataSpec['transforms'] = []): DataSpec => ({
    kind: 'spec',
    name: 'd',
    source,
    transforms,
    features: source.kind === 'csv' || source.kind === 'json' ? source.features : [],
    labels: source.kind === 'csv' || source.kind === 'json' ? source.labels : [],
  });

  it('reads CSV (quoted cells too) and JSON records by column name', async () => {
    writeFileSync(join(dir, 'p.csv'), 'name,a,b,y\n"x, y",1,2,0\nz,3,4,1\n');
    writeFileSync(join(dir, 'p.json'), JSON.stringify([{ a: 1, b: 2, y: 0 }, { a: 3, b: 4, y: 1 }]));
    const csv = await loadData(spec({ kind: 'csv', path: 'p.csv', features: ['b', 'a'], labels: ['y'] }), { baseDir: dir });
    expect(csv.x).toEqual([[2, 1], [4, 3]]);
    expect(csv.y).toEqual([[0], [1]]);
    const json = await loadData(spec({ kind: 'json', path: 'p.json', features: ['a', 'b'], labels: ['y'] }), { baseDir: dir });
    expect(json.x).toEqual([[1, 2], [3, 4]]);
  });

  it('a missing file and a short row are NncRuntimeErrors naming the data, the line and the file', async () => {
    writeFileSync(join(dir, 'short.csv'), 'a,b,y\n1,2,0\n3,4\n');
    const short = loadData(spec({ kind: 'csv', path: 'short.csv', features: ['a', 'b'], labels: ['y'] }), { baseDir: dir });
    await expect(short).rejects.toThrow(NncRuntimeError);
    await expect(loadData(spec({ kind: 'csv', path: 'short.csv', features: ['a', 'b'], labels: ['y'] }), { baseDir: dir })).rejects.toThrow("Data 'd': line 3 of short.csv has 2 columns but the header has 3.");
    await expect(loadData(spec({ kind: 'csv', path: 'gone.csv', features: ['a'], labels: [] }), { baseDir: dir })).rejects.toMatchObject({ code: 'NN4206' });
  });

  it('pads and truncates sequences in JSON records (at the start, as Keras, or at the end)', async () => {
    writeFileSync(join(dir, 'seq.json'), JSON.stringify([{ tokens: [5, 6], y: 1 }, { tokens: [1, 2, 3, 4, 5], y: 0 }]));
    const src = spec({ kind: 'json', path: 'seq.json', features: ['tokens'], labels: ['y'] });
    const pre = await loadData({ ...src, features: ['t_0', 't_1', 't_2'], transforms: [{ kind: 'pad', length: 3, value: 0, at: 'pre' }] }, { baseDir: dir });
    expect(pre.x).toEqual([[0, 5, 6], [3, 4, 5]]);
    const post = await loadData({ ...src, features: ['t_0', 't_1', 't_2'], transforms: [{ kind: 'pad', length: 3, value: -1, at: 'post' }] }, { baseDir: dir });
    expect(post.x).toEqual([[5, 6, -1], [1, 2, 3]]);
    // Without pad the rows are uneven: a sentence that says what to do.
    await expect(loadData(src, { baseDir: dir })).rejects.toThrow(/row 1 has 2 feature values but the data declares 1; pad sequences/);
    const checked = `model S {
  input x: [batch, 3]
  dense(1)
}
data d = json("seq.json", features: [tokens], labels: [y]) |> pad(3)
train S on d { loss: mse }
`;
    const text = readFileSync(join(dir, 'seq.json'), 'utf8');
    expect(check(checked, { 'seq.json': text })).toEqual([]);
    expect(check(checked.replace(' |> pad(3)', ''), { 'seq.json': text })[0]).toMatch(/^NN4016 sample 1 of seq.json has 2 feature values, but `d` declares 1/);
  });

  it('iris has 150 rows of 4 features; one_hot and standardize transform it', async () => {
    const iris = await loadData(spec({ kind: 'iris' }, [{ kind: 'standardize' }, { kind: 'one_hot', classes: 3 }]));
    expect(iris.x).toHaveLength(150);
    expect(iris.y[0]).toEqual([1, 0, 0]);
    expect(iris.y[149]).toEqual([0, 0, 1]);
    const mean = iris.x.reduce((s, r) => s + r[0]!, 0) / 150;
    expect(mean).toBeCloseTo(0, 6);
  });

  it('mnist slices are deterministic and interleaved by digit; shuffle and take follow their seed', async () => {
    const a = await loadData(spec({ kind: 'mnist', from: 0, to: 1 }));
    const b = await loadData(spec({ kind: 'mnist', from: 0, to: 1 }));
    expect(a.x).toHaveLength(20);
    expect(a.x[0]).toHaveLength(784);
    expect(a.x).toEqual(b.x);
    expect(a.y.slice(0, 10).map((r) => r.indexOf(1))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const s1 = await loadData(spec({ kind: 'iris' }, [{ kind: 'shuffle', seed: 1 }, { kind: 'take', start: 0, count: 10 }]));
    const s2 = await loadData(spec({ kind: 'iris' }, [{ kind: 'shuffle', seed: 1 }, { kind: 'take', start: 0, count: 10 }]));
    const s3 = await loadData(spec({ kind: 'iris' }, [{ kind: 'shuffle', seed: 2 }, { kind: 'take', start: 0, count: 10 }]));
    expect(s1.x).toEqual(s2.x);
    expect(s1.x).not.toEqual(s3.x);
    expect(s1.x).toHaveLength(10);
  });
});

describe('class names', () => {
  it('one_hot names the columns after the classes where the source names them', () => {
    const program = compile('data flowers = iris |> one_hot(3)\ndata digits = mnist(from: 0, to: 1) \n').program;
    expect(program.data.find((d) => d.name === 'flowers')!.labels).toEqual(['species_setosa', 'species_versicolor', 'species_virginica']);
    expect(program.data.find((d) => d.name === 'digits')!.labels[3]).toBe('digit_3');
  });
});
