// Dilated ("atrous") convolutions that train. tfjs computes them forward, but its gradients stop
// at dilation 1 ("dilation rates greater than 1 are not yet supported in gradients"), so a layer
// with `dilation_rate` could not train on any backend. A dilated convolution is an ordinary one
// whose filter has dilation − 1 zeros between its taps: its gradients are the ordinary ones for
// that spread filter — the input gradient through it, and the filter gradient taken for it and
// read at its taps. The forward pass stays tfjs's own dilated convolution.
import * as tf from '@tensorflow/tfjs-core';

type Padding = 'valid' | 'same';

/**
 * The filter `w` ([k₁, …, kₙ, in, out]) with dilation − 1 zeros between its taps along each
 * spatial axis: [(k₁ − 1)·d₁ + 1, …, in, out].
 */
export function spreadFilter(w: tf.Tensor, dilations: readonly number[]): tf.Tensor {
  const n = dilations.length;
  const k = w.shape.slice(0, n);
  return tf.tidy(() => {
    let spread = w;
    // One spatial axis at a time (ranks stay ≤ 6): [.., k, ..] → [.., k, d, ..] padded → merged, cut.
    for (let axis = 0; axis < n; axis++) {
      const d = dilations[axis]!;
      if (d === 1) continue;
      const shape = spread.shape;
      const withGap = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
      const padding = withGap.map((_, i): [number, number] => (i === axis + 1 ? [0, d - 1] : [0, 0]));
      const padded = tf.pad(tf.reshape(spread, withGap), padding);
      const merged = tf.reshape(padded, [...shape.slice(0, axis), shape[axis]! * d, ...shape.slice(axis + 1)]);
      const size = merged.shape.map((s, i) => (i === axis ? (k[axis]! - 1) * d + 1 : s));
      spread = tf.slice(merged, merged.shape.map(() => 0), size);
    }
    return spread;
  });
}

/** The filter gradient of the spread filter, read at the taps: the dilated filter's gradient. */
function atTaps(spreadGradient: tf.Tensor, dilations: readonly number[]): tf.Tensor {
  const rank = spreadGradient.rank;
  const strides = spreadGradient.shape.map((_, i) => (i < dilations.length ? dilations[i]! : 1));
  return tf.stridedSlice(spreadGradient, new Array(rank).fill(0), spreadGradient.shape, strides);
}

/** tf.conv2d with `dilations` (stride 1, NHWC), with gradients. */
export function dilatedConv2d(x: tf.Tensor, filter: tf.Tensor, pad: Padding, dilations: [number, number]): tf.Tensor4D {
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([input, w]);
    return {
      value: tf.conv2d(input as tf.Tensor4D, w as tf.Tensor4D, 1, pad, 'NHWC', dilations),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const spread = spreadFilter(ws, dilations) as tf.Tensor4D;
        const dy4 = dy as tf.Tensor4D;
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4, filter: spread }, { strides: [1, 1], pad, dataFormat: 'NHWC', inputShape: xs.shape }) as tf.Tensor;
        const dSpread = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dy4 }, { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: spread.shape }) as tf.Tensor;
        return [dx, atTaps(dSpread, dilations)];
      },
    };
  });
  return conv(x, filter) as tf.Tensor4D;
}

/** tf.conv1d with a dilation (stride 1, NWC), with gradients: a 2-D convolution of height 1. */
export function dilatedConv1d(x: tf.Tensor, filter: tf.Tensor, pad: Padding, dilation: number): tf.Tensor3D {
  const y = dilatedConv2d(tf.expandDims(x, 1), tf.expandDims(filter, 0), pad, [1, dilation]);
  return tf.squeeze(y, [1]) as tf.Tensor3D;
}

/** tf.conv3d with `dilations` (stride 1, NDHWC), with gradients. */
export function dilatedConv3d(x: tf.Tensor, filter: tf.Tensor, pad: Padding, dilations: [number, number, number]): tf.Tensor5D {
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([input, w]);
    return {
      value: tf.conv3d(input as tf.Tensor5D, w as tf.Tensor5D, 1, pad, 'NDHWC', dilations),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor5D, tf.Tensor5D];
        const spread = spreadFilter(ws, dilations) as tf.Tensor5D;
        const dy5 = dy as tf.Tensor5D;
        const dx = tf.engine().runKernel('Conv3DBackpropInputV2', { dy: dy5, filter: spread }, { strides: [1, 1, 1], pad, inputShape: xs.shape }) as tf.Tensor;
        const dSpread = tf.engine().runKernel('Conv3DBackpropFilterV2', { x: xs, dy: dy5 }, { strides: [1, 1, 1], pad, filterShape: spread.shape }) as tf.Tensor;
        return [dx, atTaps(dSpread, dilations)];
      },
    };
  });
  return conv(x, filter) as tf.Tensor5D;
}
