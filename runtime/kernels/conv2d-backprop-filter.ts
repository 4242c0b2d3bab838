// Conv2DBackpropFilter for wasm, which has none: without it no CNN can train on wasm.
//
// Two formulations, both ending in XNNPACK. Where the patch matrix fits in 64 MB, im2col
// (im2col.ts) and one GEMM: dW = patches(x) · dy — 1.6× faster than the convolution below on the
// MNIST convnet's first layer (one input channel) and 1.2× on its second. Otherwise:
//
// dW[kh,kw,ci,co] = Σ_{b,i,j} x[b, i·s + kh − top, j·s + kw − left, ci] · dy[b,i,j,co]. That is
// itself a convolution once the batch plays the role of the channels: convolve
// xᵀ = x transposed to [ci, H, W, b] with the filter dyᵀ = dy transposed to [oh, ow, b, co],
// stride 1 and dilation = the forward stride. The result [ci, kh, kw, co] (cut to the filter
// size when the forward pass dropped trailing rows) is transposed back to [kh, kw, ci, co].
// All the arithmetic runs in wasm's XNNPACK Conv2D.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { fillPatchRows, fillPatches } from './im2col.js';
import { explicitPad, wasmKernel, withScratch, type Shape4 } from './wasm-kernel-utils.js';

interface FilterGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: Shape4;
}

/** Above this many patch values (64 MB of floats), the patch matrix is not worth its memory. Tests lower it to reach the other formulation. */
export const filterGradientLimits = { maxPatchValues: 1 << 24 };

export function createConv2DBackpropFilter(): tf.KernelConfig {
  const transpose = wasmKernel('Transpose');
  const conv2d = wasmKernel('Conv2D');
  const slice = wasmKernel('Slice');
  const reshape = wasmKernel('Reshape');
  const matMul = wasmKernel('BatchMatMul');

  /**
   * dW = patches(x) · dy as one GEMM (see im2col.ts), in the orientation whose right operand is
   * the smaller: XNNPACK repacks the right operand of every product, and a fresh gradient is a new
   * one each step. With few patch rows (a first layer: kh·kw·cin < cout) that is the patch matrix,
   * laid out `[positions, kh·kw·cin]`, and dWᵀ = dyᵀ · patches: 2.4 ms instead of 5.3 for the MNIST
   * convnet's first layer. Otherwise dy is the smaller: dW = patches · dy.
   */
  function byPatches(x: tf.TensorInfo, dy: tf.TensorInfo, backend: BackendWasm, info: tf.backend_util.Conv2DInfo, filterShape: Shape4): tf.TensorInfo {
    const { batchSize, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
    const columns = batchSize * outHeight * outWidth;
    const patchRows = filterHeight * filterWidth * inChannels;
    return withScratch(backend, (track) => {
      const dyMatrix = track(reshape({ inputs: { x: dy }, backend, attrs: { shape: [1, columns, outChannels] } }));
      if (patchRows < outChannels) {
        const patches = track(backend.makeOutput([1, columns, patchRows], 'float32'));
        fillPatchRows(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(patches) as Float32Array, info);
        const dyT = track(transpose({ inputs: { x: dyMatrix }, backend, attrs: { perm: [0, 2, 1] } }));
        const productT = track(matMul({ inputs: { a: dyT, b: patches }, backend, attrs: { transposeA: false, transposeB: false } }));
        const product = track(transpose({ inputs: { x: productT }, backend, attrs: { perm: [0, 2, 1] } }));
        return reshape({ inputs: { x: product }, backend, attrs: { shape: filterShape } });
      }
      const channelMajor = inChannels === 1 ? x : track(transpose({ inputs: { x }, backend, attrs: { perm: [3, 0, 1, 2] } }));
      const patches = track(backend.makeOutput([1, patchRows, columns], 'float32'));
      // Views after makeOutput: an allocation may grow the heap and detach older views.
      fillPatches(backend.typedArrayFromHeap(channelMajor) as Float32Array, backend.typedArrayFromHeap(patches) as Float32Array, info);
      const product = track(matMul({ inputs: { a: patches, b: dyMatrix }, backend, attrs: { transposeA: false, transposeB: false } }));
      return reshape({ inputs: { x: product }, backend, attrs: { shape: filterShape } });
    });
  }

  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: FilterGradAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const x = inputs['x']!;
    const dy = inputs['dy']!;
    if (attrs.dataFormat === 'NCHW') throw new Error("Conv2DBackpropFilter on wasm supports only dataFormat 'NHWC'");
    const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
    // Bottom/right padding that makes the result exactly the filter's size; when the forward pass
    // never read the last rows (stride > 1), it would be negative: pad 0 and cut the extra rows.
    if (kh * kw * info.inChannels * info.batchSize * outHeight * outWidth <= filterGradientLimits.maxPatchValues) return byPatches(x, dy, backend, info, attrs.filterShape);
    const bottom = Math.max(0, kh + (outHeight - 1) * strideHeight - inHeight - padInfo.top);
    const right = Math.max(0, kw + (outWidth - 1) * strideWidth - inWidth - padInfo.left);
    return withScratch(backend, (track) => {
      const xT = track(transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }));
      const dyT = track(transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }));
      let grad = track(
        conv2d({
          inputs: { x: xT, filter: dyT },
          backend,
          attrs: {
            strides: [1, 1],
            dilations: [strideHeight, strideWidth],
            pad: explicitPad(padInfo.top, bottom, padInfo.left, right),
            dataFormat: 'NHWC',
          },
        }),
      );
      if (grad.shape[1] !== kh || grad.shape[2] !== kw) {
        grad = track(slice({ inputs: { x: grad }, backend, attrs: { begin: [0, 0, 0, 0], size: [-1, kh, kw, -1] } }));
      }
      return transpose({ inputs: { x: grad }, backend, attrs: { perm: [1, 2, 0, 3] } });
    });
  }

  return { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
