// Conv2DBackpropInput for wasm: the stock kernel is a naive loop (over half of a small CNN's step).
//
// With stride 1 the input gradient is a plain convolution of dy with the filter rotated by 180°
// and its channel axes swapped: dx[b,h,w,ci] = Σ dy[b, h + top − kh, w + left − kw, co] ·
// W[kh,kw,ci,co]. Padded by (filter − 1 − forward padding) on the leading sides and whatever
// makes the output the input's size on the trailing sides, it runs in XNNPACK's Conv2D. Strides
// above 1 (and paddings this cannot express) go to the stock kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { explicitPad, wasmKernel, withScratch, type Shape4 } from './wasm-kernel-utils.js';

interface InputGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: Shape4;
}

export function createConv2DBackpropInput(): tf.KernelConfig {
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!stock) throw new Error("The wasm backend has no 'Conv2DBackpropInput' kernel");
  const stockKernel = stock.kernelFunc;
  const transpose = wasmKernel('Transpose');
  const reverse = wasmKernel('Reverse');
  const conv2d = wasmKernel('Conv2D');

  function kernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: InputGradAttrs }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const dy = inputs['dy']!;
    const filter = inputs['filter']!;
    if (attrs.dataFormat === 'NHWC') {
      const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as Shape4, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
      const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
      const top = kh - 1 - padInfo.top;
      const left = kw - 1 - padInfo.left;
      const bottom = inHeight - outHeight + kh - 1 - top;
      const right = inWidth - outWidth + kw - 1 - left;
      if (strideHeight === 1 && strideWidth === 1 && Math.min(top, left, bottom, right) >= 0) {
        return withScratch(backend, (track) => {
          const swapped = track(transpose({ inputs: { x: filter }, backend, attrs: { perm: [0, 1, 3, 2] } }));
          const rotated = track(reverse({ inputs: { x: swapped }, backend, attrs: { dims: [0, 1] } }));
          return conv2d({
            inputs: { x: dy, filter: rotated },
            backend,
            attrs: { strides: [1, 1], dilations: [1, 1], pad: explicitPad(top, bottom, left, right), dataFormat: 'NHWC' },
          });
        });
      }
    }
    return stockKernel(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }

  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
