// MaxPool3D and MaxPool3DGrad for wasm. The stock MaxPool3D starts each window's maximum at the
// smallest positive float instead of −∞: a window whose values are all ≤ 0 comes out as
// 1.2e-38 instead of its maximum (measured: [-3, -1, -2, …] pools to 1.2e-38, not -1), and its
// gradient goes nowhere. These scan each window in plain loops over the wasm heap, keeping the
// last maximum, which is the cell the cpu backend's gradient chooses on ties.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Triple = [number, number, number];
type Shape5 = [number, number, number, number, number];

interface PoolAttrs {
  filterSize: Triple | number;
  strides: Triple | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Calls `visit(outAt, best)` for every output cell with the input offset of its window's last maximum (−1 when none). */
function forEachWindowMax(x: Float32Array, info: tf.backend_util.Conv3DInfo, visit: (outAt: number, best: number) => void): void {
  const { batchSize, inDepth, inHeight, inWidth, inChannels: channels, outDepth, outHeight, outWidth } = info;
  const { strideDepth, strideHeight, strideWidth, filterDepth, filterHeight, filterWidth, padInfo } = info;
  let outAt = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let od = 0; od < outDepth; od++) {
      const d0 = od * strideDepth - padInfo.front;
      for (let oh = 0; oh < outHeight; oh++) {
        const h0 = oh * strideHeight - padInfo.top;
        for (let ow = 0; ow < outWidth; ow++) {
          const w0 = ow * strideWidth - padInfo.left;
          for (let c = 0; c < channels; c++, outAt++) {
            let best = -1;
            let value = Number.NEGATIVE_INFINITY;
            for (let d = Math.max(0, d0); d < Math.min(inDepth, d0 + filterDepth); d++) {
              for (let h = Math.max(0, h0); h < Math.min(inHeight, h0 + filterHeight); h++) {
                for (let w = Math.max(0, w0); w < Math.min(inWidth, w0 + filterWidth); w++) {
                  const at = (((b * inDepth + d) * inHeight + h) * inWidth + w) * channels + c;
                  if (x[at]! >= value) {
                    value = x[at]!;
                    best = at;
                  }
                }
              }
            }
            visit(outAt, best);
          }
        }
      }
    }
  }
}

const poolInfo = (shape: number[], attrs: PoolAttrs) => tf.backend_util.computePool3DInfo(shape as Shape5, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);

export function createMaxPool3D(): tf.KernelConfig {
  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: PoolAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const x = inputs['x']!;
    const info = poolInfo(x.shape, attrs);
    const out = backend.makeOutput(info.outShape, 'float32');
    // Views after makeOutput: an allocation may grow the heap and detach older views.
    const values = backend.typedArrayFromHeap(x) as Float32Array;
    const pooled = backend.typedArrayFromHeap(out) as Float32Array;
    forEachWindowMax(values, info, (outAt, best) => {
      pooled[outAt] = best < 0 ? Number.NaN : values[best]!;
    });
    return out;
  }
  return { kernelName: 'MaxPool3D', backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

export function createMaxPool3DGrad(): tf.KernelConfig {
  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: PoolAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const input = inputs['input']!;
    const dy = inputs['dy']!;
    const info = poolInfo(input.shape, attrs);
    const dx = backend.makeOutput(input.shape, 'float32');
    const values = backend.typedArrayFromHeap(input) as Float32Array;
    const gradient = backend.typedArrayFromHeap(dy) as Float32Array;
    const result = backend.typedArrayFromHeap(dx) as Float32Array;
    result.fill(0);
    forEachWindowMax(values, info, (outAt, best) => {
      if (best >= 0) result[best]! += gradient[outAt]!;
    });
    return dx;
  }
  return { kernelName: 'MaxPool3DGrad', backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
