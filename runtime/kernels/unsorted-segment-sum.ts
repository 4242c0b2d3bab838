// UnsortedSegmentSum for wasm, which has none: it is the gradient of tf.gather (an embedding
// lookup), so without it no embedding table trains on wasm by gathering. out[s] = Σ x[i] over the
// i whose segment id is s: one pass adding rows into the output, on views of the heap. Ids
// outside [0, numSegments) add nothing, as in TensorFlow.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface SegmentAttrs {
  numSegments: number;
}

export function createUnsortedSegmentSum(): tf.KernelConfig {
  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: SegmentAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const x = inputs['x']!;
    const ids = inputs['segmentIds']!;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum on wasm supports float32 and int32, not ${x.dtype}`);
    const rowShape = x.shape.slice(ids.shape.length);
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    const out = backend.makeOutput([attrs.numSegments, ...rowShape], x.dtype);
    // Views after makeOutput: an allocation may grow the heap and detach older views.
    const source = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
    const target = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
    const segments = backend.typedArrayFromHeap(ids) as Int32Array | Float32Array;
    target.fill(0);
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      if (!(s >= 0 && s < attrs.numSegments)) continue;
      const from = i * rowSize;
      const to = s * rowSize;
      for (let k = 0; k < rowSize; k++) target[to + k]! += source[from + k]!;
    }
    return out;
  }

  return { kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
