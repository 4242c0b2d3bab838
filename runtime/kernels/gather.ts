// GatherV2 for wasm along the first axis: the rows a shuffled epoch or an embedding lookup takes.
// The stock kernel computes every element's source index in a scalar loop: 18 ms to shuffle a
// 1,024 × 784 data set, an epoch's worth of training steps for a small MLP. Rows are contiguous,
// so each is one native copy between views of the heap. Other axes go to the stock kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface GatherAttrs {
  axis: number;
  batchDims: number;
}

type Numbers = Float32Array | Int32Array | Uint8Array;

export function createGather(): tf.KernelConfig {
  const stock = tf.getKernel('GatherV2', 'wasm');
  if (!stock) throw new Error("The wasm backend has no 'GatherV2' kernel");
  const stockKernel = stock.kernelFunc as unknown as (args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: GatherAttrs }) => tf.TensorInfo;

  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: GatherAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const x = inputs['x']!;
    const indices = inputs['indices']!;
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    if (axis !== 0 || (attrs.batchDims ?? 0) !== 0 || x.dtype === 'string' || x.shape.length === 0) return stockKernel(args);
    const rows = x.shape[0]!;
    const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    // Views after makeOutput: an allocation may grow the heap and detach older views.
    const source = backend.typedArrayFromHeap(x) as Numbers;
    const target = backend.typedArrayFromHeap(out) as Numbers;
    const which = backend.typedArrayFromHeap(indices) as Int32Array | Float32Array;
    for (let i = 0; i < which.length; i++) {
      const row = which[i]!;
      if (!(row >= 0 && row < rows)) {
        backend.disposeData(out.dataId);
        // The stock kernel's check and words: the training loop says which step it failed in.
        throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
      }
      target.set(source.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
    }
    return out;
  }

  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
