// Patches of an NHWC input, laid out for a weight gradient as one matrix multiply:
// patches[(kh, kw, c), (b, oy, ox)] = x[b, oy·sh + kh − top, ox·sw + kw − left, c], zero outside
// the input. Then dW[(kh, kw, c), co] = patches · dy[(b, oy, ox), co]. Written on the wasm heap in
// plain loops: wasm's strided Slice, the op-by-op way to build it, is 5× slower than this.
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Fills `patches` ([kh·kw·channels, batch·oh·ow], row-major) from `x`. `x` is channel-major
 * ([channels, batch, h, w], an NHWC input transposed, or NHWC itself when channels = 1) so that
 * each patch row is copied from one contiguous input row.
 */
export function fillPatches(x: Float32Array, patches: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const columns = batchSize * outHeight * outWidth;
  let at = 0;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      // The output columns whose input column is inside the image, for this kw.
      const firstOx = Math.max(0, Math.ceil((padInfo.left - kw) / strideWidth));
      const endOx = Math.min(outWidth, Math.floor((inWidth - 1 + padInfo.left - kw) / strideWidth) + 1);
      for (let c = 0; c < inChannels; c++) {
        for (let b = 0; b < batchSize; b++) {
          const plane = (c * batchSize + b) * inHeight * inWidth;
          for (let oy = 0; oy < outHeight; oy++) {
            const iy = oy * strideHeight + kh - padInfo.top;
            if (iy < 0 || iy >= inHeight) {
              patches.fill(0, at, at + outWidth);
              at += outWidth;
              continue;
            }
            const row = plane + iy * inWidth + kw - padInfo.left;
            for (let ox = 0; ox < firstOx; ox++) patches[at + ox] = 0;
            for (let ox = firstOx; ox < endOx; ox++) patches[at + ox] = x[row + ox * strideWidth]!;
            for (let ox = Math.max(firstOx, endOx); ox < outWidth; ox++) patches[at + ox] = 0;
            at += outWidth;
          }
        }
      }
    }
  }
  if (at !== filterHeight * filterWidth * inChannels * columns) throw new Error('im2col filled the wrong number of values');
}

/**
 * The same patches transposed, `[batch·oh·ow, kh·kw·channels]`, filled from the NHWC input itself:
 * for each output position and filter row, the kw·channels values under the filter are one
 * contiguous run of the input (cut at its edges, zeros outside).
 */
export function fillPatchRows(x: Float32Array, rows: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const runLength = filterWidth * inChannels;
  let at = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - padInfo.left;
        // The filter's columns that fall inside the input, as offsets into the run.
        const first = Math.max(0, -x0) * inChannels;
        const end = Math.min(filterWidth, inWidth - x0) * inChannels;
        for (let kh = 0; kh < filterHeight; kh++, at += runLength) {
          const iy = oy * strideHeight + kh - padInfo.top;
          if (iy < 0 || iy >= inHeight || end <= first) {
            rows.fill(0, at, at + runLength);
            continue;
          }
          const from = ((b * inHeight + iy) * inWidth + x0) * inChannels;
          for (let k = 0; k < first; k++) rows[at + k] = 0;
          for (let k = first; k < end; k++) rows[at + k] = x[from + k]!;
          for (let k = Math.max(first, end); k < runLength; k++) rows[at + k] = 0;
        }
      }
    }
  }
}
