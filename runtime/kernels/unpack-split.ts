// Unpack (tf.unstack) and SplitV (tf.split) for wasm. The stock kernels take each output with the
// stock Slice, which copies the whole input out of the wasm heap first: unstacking a recurrent
// layer's input projection into its 20 steps copied the projection 20 times. Here each output is
// copied straight from a view of the heap, as nnc's Slice does.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { copyBox } from './slice.js';

type Numbers = Float32Array | Int32Array | Uint8Array;

interface Args<A> {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: A;
}

/** Copies the boxes of `x` that start at `begins` (each of `sizes`) into new outputs of `shapes`. */
function copyBoxes(backend: BackendWasm, x: tf.TensorInfo, begins: number[][], sizes: number[][], shapes: number[][]): tf.TensorInfo[] {
  const outs = shapes.map((shape) => backend.makeOutput(shape, x.dtype));
  // Views after every makeOutput: an allocation may grow the heap and detach older views.
  const source = backend.typedArrayFromHeap(x) as Numbers;
  outs.forEach((out, i) => {
    if (tf.util.sizeFromShape(out.shape) > 0) copyBox(source, x.shape, begins[i]!, sizes[i]!, backend.typedArrayFromHeap(out) as Numbers);
  });
  return outs;
}

function usable(x: tf.TensorInfo): boolean {
  return x.dtype !== 'string' && x.shape.length > 0;
}

export function createUnpack(): tf.KernelConfig {
  const stock = tf.getKernel('Unpack', 'wasm');
  if (!stock) throw new Error("The wasm backend has no 'Unpack' kernel");
  const stockKernel = stock.kernelFunc as unknown as (args: Args<{ axis: number }>) => tf.TensorInfo[];

  function kernelFunc(args: Args<{ axis: number }>): tf.TensorInfo[] {
    const x = args.inputs['value']!;
    if (!usable(x)) return stockKernel(args);
    const axis = args.attrs.axis < 0 ? args.attrs.axis + x.shape.length : args.attrs.axis;
    const count = x.shape[axis]!;
    const size = x.shape.map((n, a) => (a === axis ? 1 : n));
    const shape = x.shape.filter((_, a) => a !== axis);
    const begins = Array.from({ length: count }, (_, i) => x.shape.map((_, a) => (a === axis ? i : 0)));
    return copyBoxes(args.backend, x, begins, begins.map(() => size), begins.map(() => shape));
  }

  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

export function createSplitV(): tf.KernelConfig {
  const stock = tf.getKernel('SplitV', 'wasm');
  if (!stock) throw new Error("The wasm backend has no 'SplitV' kernel");
  type SplitAttrs = { numOrSizeSplits: number | number[]; axis: number };
  const stockKernel = stock.kernelFunc as unknown as (args: Args<SplitAttrs>) => tf.TensorInfo[];

  function kernelFunc(args: Args<SplitAttrs>): tf.TensorInfo[] {
    const x = args.inputs['x']!;
    if (!usable(x)) return stockKernel(args);
    const axis = tf.util.parseAxisParam(args.attrs.axis, x.shape)[0]!;
    const splits = tf.backend_util.prepareSplitSize(x as tf.Tensor, args.attrs.numOrSizeSplits, axis);
    let at = 0;
    const begins = splits.map((n) => {
      const begin = x.shape.map((_, a) => (a === axis ? at : 0));
      at += n;
      return begin;
    });
    const sizes = splits.map((n) => x.shape.map((m, a) => (a === axis ? n : m)));
    return copyBoxes(args.backend, x, begins, sizes, sizes);
  }

  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
