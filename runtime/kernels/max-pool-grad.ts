// MaxPoolGrad for wasm. The stock kernel is a naive C loop that, for every input pixel, searches
// every window covering it; here each output window is visited once, channels innermost (NHWC
// keeps them contiguous), and its gradient goes to the window's first maximum — the position
// the cpu backend chooses, so both backends agree exactly on ties (e.g. the zeros after a relu).
// Padding positions are never chosen, and a window whose values are all −∞ or NaN passes nothing.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import type { Shape4 } from './wasm-kernel-utils.js';

interface PoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function maxPoolGradFirstMax(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  dx.fill(0);
  const best = new Float32Array(channels);
  const where = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * channels;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - padInfo.top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - padInfo.left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        where.fill(-1);
        for (let yy = yStart; yy < yEnd; yy++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const base = xBatch + (yy * inWidth + xx) * channels;
            for (let c = 0; c < channels; c++) {
              const v = x[base + c]!;
              if (v > best[c]!) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        const dyBase = ((b * outHeight + oy) * outWidth + ox) * channels;
        for (let c = 0; c < channels; c++) {
          const at = where[c]!;
          if (at >= 0) dx[at] += dy[dyBase + c]!;
        }
      }
    }
  }
}

export function createMaxPoolGrad(): tf.KernelConfig {
  const stock = tf.getKernel('MaxPoolGrad', 'wasm');
  if (!stock) throw new Error("The wasm backend has no 'MaxPoolGrad' kernel");

  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: PoolGradAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const input = inputs['input']!;
    const dy = inputs['dy']!;
    const info = tf.backend_util.computePool2DInfo(input.shape as Shape4, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const dx = backend.makeOutput(input.shape, 'float32');
    // Views are taken after makeOutput: an allocation may grow the heap and detach older views.
    maxPoolGradFirstMax(
      backend.typedArrayFromHeap(input) as Float32Array,
      backend.typedArrayFromHeap(dy) as Float32Array,
      backend.typedArrayFromHeap(dx) as Float32Array,
      info,
    );
    return dx;
  }

  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
