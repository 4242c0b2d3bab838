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

/** dL/dx (unless `inputGradient` is false) and dL/dfilter of a stride-1 dilated 2-D convolution (NHWC) from dL/dy. */
export function dilatedConv2dGradients(x: tf.Tensor, dy: tf.Tensor, filter: tf.Tensor, pad: Padding, dilations: [number, number], inputGradient = true): { dx: tf.Tensor | undefined; dFilter: tf.Tensor } {
  const spread = spreadFilter(filter, dilations);
  const dx = inputGradient
    ? (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: spread }, { strides: [1, 1], pad, dataFormat: 'NHWC', inputShape: x.shape }) as tf.Tensor)
    : undefined;
  const dSpread = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: spread.shape }) as tf.Tensor;
  return { dx, dFilter: atTaps(dSpread, dilations) };
}

/** dilatedConv2dGradients for 1-D (NWC): a 2-D convolution of height 1. */
export function dilatedConv1dGradients(x: tf.Tensor, dy: tf.Tensor, filter: tf.Tensor, pad: Padding, dilation: number, inputGradient = true): { dx: tf.Tensor | undefined; dFilter: tf.Tensor } {
  const g = dilatedConv2dGradients(tf.expandDims(x, 1), tf.expandDims(dy, 1), tf.expandDims(filter, 0), pad, [1, dilation], inputGradient);
  return { dx: g.dx && tf.squeeze(g.dx, [1]), dFilter: tf.squeeze(g.dFilter, [0]) };
}

/** dL/dx (unless `inputGradient` is false) and dL/dfilter of a stride-1 dilated 3-D convolution (NDHWC) from dL/dy. */
export function dilatedConv3dGradients(x: tf.Tensor, dy: tf.Tensor, filter: tf.Tensor, pad: Padding, dilations: [number, number, number], inputGradient = true): { dx: tf.Tensor | undefined; dFilter: tf.Tensor } {
  const spread = spreadFilter(filter, dilations);
  const dx = inputGradient ? (tf.engine().runKernel('Conv3DBackpropInputV2', { dy, filter: spread }, { strides: [1, 1, 1], pad, inputShape: x.shape }) as tf.Tensor) : undefined;
  const dSpread = tf.engine().runKernel('Conv3DBackpropFilterV2', { x, dy }, { strides: [1, 1, 1], pad, filterShape: spread.shape }) as tf.Tensor;
  return { dx, dFilter: atTaps(dSpread, dilations) };
}

/** A convolution whose gradient tfjs's tape takes from `gradients`. */
function withGradients<T extends tf.Tensor>(
  forward: (x: tf.Tensor, filter: tf.Tensor) => T,
  gradients: (x: tf.Tensor, dy: tf.Tensor, filter: tf.Tensor) => { dx: tf.Tensor | undefined; dFilter: tf.Tensor },
): (x: tf.Tensor, filter: tf.Tensor) => T {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([input, w]);
    return {
      value: forward(input, w),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const g = gradients(saved[0]!, dy as tf.Tensor, saved[1]!);
        return [g.dx!, g.dFilter];
      },
    };
  }) as (x: tf.Tensor, filter: tf.Tensor) => T;
}

/** tf.conv2d with `dilations` (stride 1, NHWC), with gradients. */
export function dilatedConv2d(x: tf.Tensor, filter: tf.Tensor, pad: Padding, dilations: [number, number]): tf.Tensor4D {
  return withGradients(
    (input, w) => tf.conv2d(input as tf.Tensor4D, w as tf.Tensor4D, 1, pad, 'NHWC', dilations),
    (input, dy, w) => dilatedConv2dGradients(input, dy, w, pad, dilations),
  )(x, filter);
}

/** tf.conv1d with a dilation (stride 1, NWC), with gradients: a 2-D convolution of height 1. */
export function dilatedConv1d(x: tf.Tensor, filter: tf.Tensor, pad: Padding, dilation: number): tf.Tensor3D {
  const y = dilatedConv2d(tf.expandDims(x, 1), tf.expandDims(filter, 0), pad, [1, dilation]);
  return tf.squeeze(y, [1]) as tf.Tensor3D;
}

/** tf.conv3d with `dilations` (stride 1, NDHWC), with gradients. */
export function dilatedConv3d(x: tf.Tensor, filter: tf.Tensor, pad: Padding, dilations: [number, number, number]): tf.Tensor5D {
  return withGradients(
    (input, w) => tf.conv3d(input as tf.Tensor5D, w as tf.Tensor5D, 1, pad, 'NDHWC', dilations),
    (input, dy, w) => dilatedConv3dGradients(input, dy, w, pad, dilations),
  )(x, filter);
}
