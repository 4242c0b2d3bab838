// Shared helpers for the kernel tests: seeded random data and the same computation on two backends.
import { createRng, tf, useBackend } from '../../runtime/index.js';
import type { WasmKernelSet } from '../../runtime/kernels/index.js';

/** `n` seeded values uniform in [-1, 1). */
export function randomValues(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

/** ‖actual − expected‖∞ / ‖expected‖∞: the error relative to the size of the values. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs `compute` inside a tidy on `backend` and reads back every result; fails on a leak. */
export async function valuesOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor[], wasmKernels: WasmKernelSet = 'fast'): Promise<Float32Array[]> {
  await useBackend(backend, { wasmKernels });
  const dataIds = tf.engine().backend.numDataIds();
  const before = tf.memory().numTensors;
  const results = tf.tidy(compute);
  const values = results.map((t) => t.dataSync() as Float32Array);
  tf.dispose(results);
  if (tf.memory().numTensors !== before) throw new Error(`leaked ${tf.memory().numTensors - before} tensors on ${backend}`);
  // Composed kernels free their scratch buffers themselves: the backend must hold no more data.
  if (tf.engine().backend.numDataIds() !== dataIds) throw new Error(`leaked ${tf.engine().backend.numDataIds() - dataIds} buffers on ${backend}`);
  return values;
}
