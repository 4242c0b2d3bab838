// BatchMatMul for wasm: with transposeA or transposeB the stock kernel is about ten times slower
// than without (both gradients of every dense layer use a transposed operand). Transposing the
// operand explicitly first, then multiplying untransposed, costs one copy and wins that back.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { wasmKernel, withScratch } from './wasm-kernel-utils.js';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** The permutation that swaps the last two axes of a tensor of rank `rank`. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

export function createBatchMatMul(): tf.KernelConfig {
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  if (!stock) throw new Error("The wasm backend has no 'BatchMatMul' kernel");
  const stockKernel = stock.kernelFunc as unknown as (args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: MatMulAttrs }) => tf.TensorInfo;
  const transpose = wasmKernel('Transpose');

  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: MatMulAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    if (!attrs.transposeA && !attrs.transposeB) return stockKernel(args);
    return withScratch(backend, (track) => {
      const explicit = (t: tf.TensorInfo, flag: boolean) =>
        flag ? track(transpose({ inputs: { x: t }, backend, attrs: { perm: swapLastTwo(t.shape.length) } })) : t;
      return stockKernel({
        inputs: { a: explicit(inputs['a']!, attrs.transposeA), b: explicit(inputs['b']!, attrs.transposeB) },
        backend,
        attrs: { transposeA: false, transposeB: false },
      });
    });
  }

  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
