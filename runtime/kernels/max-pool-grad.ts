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

/** The common 2×2, stride 2 pool with every window inside the input: four loads, no inner loops. */
function maxPoolGrad2x2(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const rowStride = inWidth * channels;
  let out = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      let corner = (b * inHeight + oy * 2) * rowStride;
      for (let ox = 0; ox < outWidth; ox++, corner += 2 * channels) {
        for (let c = 0; c < channels; c++, out++) {
          const i0 = corner + c;
          const i1 = i0 + channels;
          const i2 = i0 + rowStride;
          const i3 = i2 + channels;
          let best = Number.NEGATIVE_INFINITY;
          let where = -1;
          if (x[i0]! > best) {
            best = x[i0]!;
            where = i0;
          }
          if (x[i1]! > best) {
            best = x[i1]!;
            where = i1;
          }
          if (x[i2]! > best) {
            best = x[i2]!;
            where = i2;
          }
          if (x[i3]! > best) where = i3;
          if (where >= 0) dx[where]! += dy[out]!;
        }
      }
    }
  }
}

export function maxPoolGradFirstMax(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  dx.fill(0);
  const inside = padInfo.top === 0 && padInfo.left === 0 && outHeight * 2 <= inHeight && outWidth * 2 <= inWidth;
  if (filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && inside) return maxPoolGrad2x2(x, dy, dx, info);
  const rowStride = inWidth * channels;
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * rowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - padInfo.top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - padInfo.left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + filterWidth);
        const dyBase = ((b * outHeight + oy) * outWidth + ox) * channels;
        // Channel by channel, the window's few values stay in cache and the running maximum in
        // registers; scanning rows then columns finds the same first maximum as the cpu backend.
        for (let c = 0; c < channels; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let where = -1;
          for (let yy = yStart; yy < yEnd; yy++) {
            const row = xBatch + yy * rowStride + c;
            for (let xx = xStart; xx < xEnd; xx++) {
              const at = row + xx * channels;
              const v = x[at]!;
              if (v > best) {
                best = v;
                where = at;
              }
            }
          }
          if (where >= 0) dx[where]! += dy[dyBase + c]!;
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
