import { beforeAll, describe, expect, it } from 'vitest';

import { tf, toInputTensor, useBackend } from '../../runtime/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('toInputTensor', () => {
  it('turns nested arrays into a float32 tensor and checks the fixed dimensions', () => {
    const t = toInputTensor([[0, 1], [1, 0], [1, 1]], [null, 2], 'x');
    expect(t.shape).toEqual([3, 2]);
    expect(t.dtype).toBe('float32');
    t.dispose();
  });

  it('returns a float32 tensor unchanged, so the caller knows not to dispose it', () => {
    const x = tf.tensor2d([[1, 2]]);
    expect(toInputTensor(x, [null, 2], 'x')).toBe(x);
    x.dispose();
  });

  it('rejects a wrong shape or a ragged array with NN4205, naming the input, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    expect(() => toInputTensor([[1, 2, 3]], [null, 2], 'x')).toThrow(expect.objectContaining({ code: 'NN4205' }));
    expect(() => toInputTensor([[1, 2, 3]], [null, 2], 'x')).toThrow(/`x` must have shape \[\?, 2\], found \[1, 3\]/);
    expect(() => toInputTensor([[1, 2], [3]], [null, 2], 'pixels')).toThrow(/`pixels` is not a rectangular array/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('toInputTensor on malformed arrays', () => {
  it('names where a ragged array or a non-number is', () => {
    expect(() => toInputTensor([[1, 2], [3]], [null, 2], 'x')).toThrow('input `x` is not a rectangular array of numbers: [1] has 1 elements where 2 were expected');
    expect(() => toInputTensor([[1, 2], [3, Number.NaN]], [null, 2], 'x')).toThrow('input `x` has NaN at [1][1], not a finite number');
    expect(() => toInputTensor([[[1, 2]], [3, 4]] as never, [null, 1, 2], 'x')).toThrow(/\[1\] has 2 elements where 1 were expected/);
    expect(() => toInputTensor([[[1, 2]], [3]] as never, [null, 1, 2], 'x')).toThrow(/\[1\]\[0\] has no elements where 2 were expected/);
    const t = toInputTensor([[1.5, 2], [3, 4]], [null, 2], 'x');
    expect(Array.from(t.dataSync())).toEqual([1.5, 2, 3, 4]);
    t.dispose();
    const s = toInputTensor(7, [], 'scalar');
    expect(s.shape).toEqual([]);
    s.dispose();
  });
});
