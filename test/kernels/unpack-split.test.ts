// nnc's wasm Unpack and SplitV (copies straight from the heap) against the cpu backend: the same
// values for every axis, uneven and zero-size splits, int32 data, and their gradients under the tape.
import { describe, expect, it } from 'vitest';

import { tf } from '../../runtime/index.js';
import { randomValues, valuesOn } from './helpers.js';

async function expectSameOnBoth(compute: () => tf.Tensor[]): Promise<void> {
  const expected = await valuesOn('cpu', compute);
  const actual = await valuesOn('wasm', compute);
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, i) => expect(Array.from(values), `output ${i}`).toEqual(Array.from(expected[i]!)));
}

const input = () => tf.tensor(randomValues(2 * 3 * 4 * 5, 1), [2, 3, 4, 5]);

describe('wasm Unpack and SplitV agree with cpu', () => {
  it('unstack along every axis', async () => {
    await expectSameOnBoth(() => [0, 1, 2, 3, -1].flatMap((axis) => tf.unstack(input(), axis)));
  });

  it('split into equal parts, sizes (one of them inferred) and an empty part, along every axis', async () => {
    await expectSameOnBoth(() => [
      ...tf.split(input(), 2, 0),
      ...tf.split(input(), [1, 2], 1),
      ...tf.split(input(), [1, 0, -1], 2),
      ...tf.split(input(), 5, -1),
    ]);
  });

  it('int32 values and a vector', async () => {
    await expectSameOnBoth(() => [...tf.unstack(tf.tensor1d([3, 1, 4], 'int32')), ...tf.split(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [2, 1], 1)].map((t) => tf.cast(t, 'float32')));
  });

  it('gradients through both (the tape stacks and concatenates back)', async () => {
    await expectSameOnBoth(() =>
      tf.grads((x: tf.Tensor) => {
        const parts = tf.unstack(x, 1);
        const [a, b] = tf.split(parts[2]!, [3, 2], -1) as [tf.Tensor, tf.Tensor];
        return tf.add(tf.sum(tf.mul(parts[0]!, 2)), tf.add(tf.sum(tf.square(a)), tf.sum(tf.mul(b, 3))));
      })([input()]),
    );
  });
});
