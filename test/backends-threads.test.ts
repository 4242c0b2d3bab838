// Multi-threaded wasm in Node (runtime/wasm-threads.ts). A file of its own: the thread count is
// fixed for the life of a process, and vitest runs each file in its own process.
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';

import { NncRuntimeError, tf, useBackend } from '../runtime/index.js';
import { randomValues, relativeError, valuesOn } from './kernels/helpers.js';

describe('wasm with a thread pool', () => {
  it('rejects a thread count that is not a whole number from 1 to 8', async () => {
    await expect(useBackend('wasm', { threads: 0 })).rejects.toMatchObject({ code: 'NN4105' });
    await expect(useBackend('wasm', { threads: 1.5 })).rejects.toMatchObject({ code: 'NN4105' });
    await expect(useBackend('wasm', { threads: 9 })).rejects.toMatchObject({ code: 'NN4105', message: expect.stringMatching(/from 1 to 8, got 9/) });
    await expect(useBackend('cpu', { threads: 2 })).rejects.toMatchObject({ code: 'NN4105', message: expect.stringMatching(/option of the 'wasm' backend/) });
  });

  it('starts with two threads and computes what cpu computes', async () => {
    await useBackend('wasm', { threads: 2 });
    expect(getThreadsCount()).toBe(2);
    // Large enough for XNNPACK to split the work across the pool.
    const compute = () => {
      const a = tf.tensor(randomValues(256 * 300, 31), [256, 300]) as tf.Tensor2D;
      const b = tf.tensor(randomValues(300 * 200, 32), [300, 200]) as tf.Tensor2D;
      const x = tf.tensor(randomValues(8 * 12 * 12 * 3, 33), [8, 12, 12, 3]) as tf.Tensor4D;
      const w = tf.tensor(randomValues(3 * 3 * 3 * 16, 34), [3, 3, 3, 16]) as tf.Tensor4D;
      return [tf.matMul(a, b), ...tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'same'))))([x, w])];
    };
    const wasm = await valuesOn('wasm', compute);
    const cpu = await valuesOn('cpu', compute);
    wasm.forEach((values, i) => expect(relativeError(values, cpu[i]!)).toBeLessThan(1e-4));
    // Back on wasm, still with its two threads.
    await useBackend('wasm');
    expect(getThreadsCount()).toBe(2);
  });

  it('refuses another thread count once wasm has started', async () => {
    const error = await useBackend('wasm', { threads: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NncRuntimeError);
    expect((error as NncRuntimeError).message).toBe(
      "The wasm backend already runs with 2 threads in this process; the thread count can only be chosen before its first use.",
    );
  });
});
