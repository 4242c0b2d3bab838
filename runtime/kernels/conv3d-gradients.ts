// Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 for wasm. Measured against the cpu backend,
// the stock kernels give wrong gradients: the input gradient whenever a filter has more than one
// output channel or an uneven shape (errors of the size of the values, or NaN; e.g. a
// [3, 3, 2, 1, 2] filter), the filter gradient whenever a stride is above 1 — so most 3-D
// convolutional models trained on garbage. These visit every output position and filter tap in
// plain loops over the wasm heap, the arithmetic of the forward convolution: every stride and
// padding.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface InputGradAttrs {
  strides: [number, number, number] | number;
  pad: 'valid' | 'same';
  inputShape: [number, number, number, number, number];
}

/**
 * Calls `visit` with the offsets of every (output position, filter tap) pair whose input cell is
 * inside the input: of the output's channels, the input's channels and the tap's [in, out] block.
 */
function forEachTap(info: tf.backend_util.Conv3DInfo, visit: (outAt: number, inAt: number, tapAt: number) => void): void {
  const { batchSize, inDepth, inHeight, inWidth, inChannels, outDepth, outHeight, outWidth, outChannels } = info;
  const { strideDepth, strideHeight, strideWidth, filterDepth, filterHeight, filterWidth, padInfo } = info;
  for (let b = 0; b < batchSize; b++) {
    for (let od = 0; od < outDepth; od++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          const outAt = (((b * outDepth + od) * outHeight + oh) * outWidth + ow) * outChannels;
          for (let kd = 0; kd < filterDepth; kd++) {
            const id = od * strideDepth + kd - padInfo.front;
            if (id < 0 || id >= inDepth) continue;
            for (let kh = 0; kh < filterHeight; kh++) {
              const ih = oh * strideHeight + kh - padInfo.top;
              if (ih < 0 || ih >= inHeight) continue;
              for (let kw = 0; kw < filterWidth; kw++) {
                const iw = ow * strideWidth + kw - padInfo.left;
                if (iw < 0 || iw >= inWidth) continue;
                visit(outAt, (((b * inDepth + id) * inHeight + ih) * inWidth + iw) * inChannels, ((kd * filterHeight + kh) * filterWidth + kw) * inChannels * outChannels);
              }
            }
          }
        }
      }
    }
  }
}

/** dx[b, in…, ci] += Σ_co dy[b, out…, co] · w[k…, ci, co] for every output position and tap. */
export function conv3dInputGradient(dy: Float32Array, w: Float32Array, dx: Float32Array, info: tf.backend_util.Conv3DInfo): void {
  const { inChannels, outChannels } = info;
  dx.fill(0);
  forEachTap(info, (dyAt, dxAt, wAt) => {
    for (let ci = 0; ci < inChannels; ci++) {
      let sum = 0;
      const row = wAt + ci * outChannels;
      for (let co = 0; co < outChannels; co++) sum += dy[dyAt + co]! * w[row + co]!;
      dx[dxAt + ci]! += sum;
    }
  });
}

/** dw[k…, ci, co] += x[b, in…, ci] · dy[b, out…, co] for every output position and tap. */
export function conv3dFilterGradient(x: Float32Array, dy: Float32Array, dw: Float32Array, info: tf.backend_util.Conv3DInfo): void {
  const { inChannels, outChannels } = info;
  dw.fill(0);
  forEachTap(info, (dyAt, xAt, wAt) => {
    for (let ci = 0; ci < inChannels; ci++) {
      const v = x[xAt + ci]!;
      const row = wAt + ci * outChannels;
      for (let co = 0; co < outChannels; co++) dw[row + co]! += v * dy[dyAt + co]!;
    }
  });
}


interface FilterGradAttrs {
  strides: [number, number, number] | number;
  pad: 'valid' | 'same';
  filterShape: [number, number, number, number, number];
}

export function createConv3DBackpropFilter(): tf.KernelConfig {
  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: FilterGradAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const x = inputs['x']!;
    const dy = inputs['dy']!;
    const info = tf.backend_util.computeConv3DInfo(x.shape as [number, number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad);
    const dw = backend.makeOutput(attrs.filterShape, 'float32');
    // Views after makeOutput: an allocation may grow the heap and detach older views.
    conv3dFilterGradient(
      backend.typedArrayFromHeap(x) as Float32Array,
      backend.typedArrayFromHeap(dy) as Float32Array,
      backend.typedArrayFromHeap(dw) as Float32Array,
      info,
    );
    return dw;
  }
  return { kernelName: 'Conv3DBackpropFilterV2', backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

export function createConv3DBackpropInput(): tf.KernelConfig {
  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: InputGradAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const dy = inputs['dy']!;
    const filter = inputs['filter']!;
    const info = tf.backend_util.computeConv3DInfo(attrs.inputShape, filter.shape as [number, number, number, number, number], attrs.strides, 1, attrs.pad);
    const dx = backend.makeOutput(attrs.inputShape, 'float32');
    // Views after makeOutput: an allocation may grow the heap and detach older views.
    conv3dInputGradient(
      backend.typedArrayFromHeap(dy) as Float32Array,
      backend.typedArrayFromHeap(filter) as Float32Array,
      backend.typedArrayFromHeap(dx) as Float32Array,
      info,
    );
    return dx;
  }
  return { kernelName: 'Conv3DBackpropInputV2', backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
