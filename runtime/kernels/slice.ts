// Slice for wasm. The stock kernel first copies the whole input out of the wasm heap
// (`readSync`), then copies the slice from that copy: taking a 64-row batch from a 10,000-row
// data set copies all 10,000 rows, at every step, so an epoch costs time quadratic in the data
// set. Here the slice is copied straight from a view of the heap, one contiguous run at a time.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface SliceAttrs {
  begin: number | number[];
  size: number | number[];
}

type Numbers = Float32Array | Int32Array | Uint8Array;

/**
 * Copies the box `begin`…`begin + size` of a row-major `source` of `shape` into `target`: runs
 * along the last axis, each a native copy.
 */
export function copyBox(source: Numbers, shape: readonly number[], begin: readonly number[], size: readonly number[], target: Numbers): void {
  const rank = shape.length;
  const strides = tf.util.computeStrides(shape as number[]);
  const run = size[rank - 1] ?? 1;
  const outer = size.slice(0, -1);
  const count = outer.reduce((a, b) => a * b, 1);
  if (run === 0 || count === 0) return;
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let k = 0, at = 0; k < count; k++, at += run) {
    let from = begin[rank - 1] ?? 0;
    for (let axis = 0; axis < rank - 1; axis++) from += (begin[axis]! + index[axis]!) * strides[axis]!;
    target.set(source.subarray(from, from + run), at);
    // The next index tuple, last outer axis fastest.
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis]! < outer[axis]!) break;
      index[axis] = 0;
    }
  }
}

export function createSlice(): tf.KernelConfig {
  const stock = tf.getKernel('Slice', 'wasm');
  if (!stock) throw new Error("The wasm backend has no 'Slice' kernel");
  const stockKernel = stock.kernelFunc as unknown as (args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: SliceAttrs }) => tf.TensorInfo;

  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: SliceAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const x = inputs['x']!;
    if (x.dtype === 'string' || x.shape.length === 0) return stockKernel(args);
    // parseSliceParams returns the pair [begin, size], each with one entry per axis of x.
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size) as [number[], number[]];
    const out = backend.makeOutput(size, x.dtype);
    // Views after makeOutput: an allocation may grow the heap and detach older views.
    const source = backend.typedArrayFromHeap(x) as Numbers;
    const target = backend.typedArrayFromHeap(out) as Numbers;
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
      const from = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
      target.set(source.subarray(from, from + target.length));
    } else {
      copyBox(source, x.shape, begin, size, target);
    }
    return out;
  }

  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
