import { beforeAll, describe, expect, it } from 'vitest';

import { NncRuntimeError, tableTensors, useBackend, type TableData } from '../../runtime/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const xor: TableData = {
  features: ['x1', 'x2'],
  labels: ['y'],
  x: [[0, 0], [0, 1], [1, 0], [1, 1]],
  y: [[0], [1], [1], [0]],
};

function error(fn: () => unknown): NncRuntimeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NncRuntimeError) return e;
    throw e;
  }
  throw new Error('expected an NncRuntimeError');
}

describe('tableTensors', () => {
  it('builds [rows, features] and [rows, labels] float32 tensors', () => {
    const { x, y } = tableTensors(xor);
    expect(x.shape).toEqual([4, 2]);
    expect(y.shape).toEqual([4, 1]);
    expect(x.dtype).toBe('float32');
    expect(Array.from(x.dataSync())).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(y.dataSync())).toEqual([0, 1, 1, 0]);
    x.dispose();
    y.dispose();
  });

  it('names the row with the wrong number of features (1-based) and the declared columns', () => {
    const e = error(() => tableTensors({ ...xor, x: [[0, 0], [0, 1], [1], [1, 1]] }));
    expect(e.code).toBe('NN4201');
    expect(e.message).toBe('Row 3 of the data has 1 feature value but the table declares 2 features (x1, x2).');
  });

  it('names the row with the wrong number of labels', () => {
    expect(() => tableTensors({ ...xor, y: [[0], [1], [1], [0, 1]] })).toThrow(/^Row 4 of the data has 2 label values/);
  });

  it('rejects values that are not finite numbers, naming row and column', () => {
    const e = error(() => tableTensors({ ...xor, x: [[0, 0], [0, Number.NaN], [1, 0], [1, 1]] }));
    expect(e.code).toBe('NN4202');
    expect(e.message).toMatch(/Row 2 .* NaN in feature column 'x2'/);
  });

  it('rejects an empty table and mismatched row counts', () => {
    expect(() => tableTensors({ ...xor, x: [], y: [] })).toThrow(/no rows/);
    expect(() => tableTensors({ ...xor, y: [[0]] })).toThrow(/4 rows of features but 1 rows of labels/);
  });
});
