// Sum for wasm over leading axes. The stock kernel reduces only innermost axes, so a sum over the
// batch and spatial axes (every bias gradient: Σ over [batch, h, w] of a [batch, h, w, c] tensor)
// first transposes the whole tensor: 5–6 ms for a [64, 26, 26, 32] gradient. One sequential pass
// over the heap, adding each row into c running totals, takes 2 ms. (ones[1, n] · x[n, c] through
// XNNPACK looks faster in a loop over one tensor, but only because XNNPACK caches the packed right
// operand by tensor: with a new gradient every step it costs 3.5 ms.) Other reductions go to the
// stock kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface SumAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** How many leading axes `axis` names, or 0 when it is not exactly the axes 0, 1, …, k − 1. */
export function leadingAxesCount(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/** out[c] = Σ_r x[r·columns + c], accumulated in doubles, row by row (reads stay sequential). */
export function sumLeadingRows(x: Float32Array, out: Float32Array, rows: number, columns: number): void {
  const total = new Float64Array(columns);
  for (let r = 0, at = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++, at++) total[c]! += x[at]!;
  }
  out.set(total);
}

export function createSum(): tf.KernelConfig {
  const stock = tf.getKernel('Sum', 'wasm');
  if (!stock) throw new Error("The wasm backend has no 'Sum' kernel");
  const stockKernel = stock.kernelFunc as unknown as (args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: SumAttrs }) => tf.TensorInfo;

  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: SumAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const x = inputs['x']!;
    const rank = x.shape.length;
    const leading = leadingAxesCount(attrs.axis, rank);
    // Leaves the innermost axes to the stock kernel, and a full reduction (nothing left to keep).
    if (x.dtype !== 'float32' || leading === 0 || leading === rank) return stockKernel(args);
    const kept = x.shape.slice(leading);
    const columns = kept.reduce((a, b) => a * b, 1);
    const rows = x.shape.slice(0, leading).reduce((a, b) => a * b, 1);
    if (rows === 0 || columns === 0) return stockKernel(args);
    const outShape = attrs.keepDims ? [...x.shape.slice(0, leading).map(() => 1), ...kept] : kept;
    const out = backend.makeOutput(outShape, 'float32');
    // Views after makeOutput: an allocation may grow the heap and detach older views.
    sumLeadingRows(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, rows, columns);
    return out;
  }

  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
