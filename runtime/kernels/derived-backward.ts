// The runtime half of the backward pass the compiler derives for graphs of layers
// (compiler/codegen/backward.ts): the gradient at the output layer's pre-activation, each
// activation's derivative written from its output, and the convolution and pooling gradients as
// single kernel calls (tfjs-core exports no op for most of them). Generated code calls these
// between its straight-line ops; no gradient tape is involved except, for a loss/activation pair
// without a closed form below, a tape over the loss alone.
import * as tf from '@tensorflow/tfjs-core';

import { lossFunction } from '../losses.js';
import type { CustomLoss, LossName } from '../types.js';

/** The activations `outputGradient` folds or differentiates (derivatives from the output alone). */
export type DerivedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

/** Every activation the derived pass supports: those two take their `alpha` (a positive one). */
export type DerivedLayerActivation = DerivedActivation | 'leaky_relu' | 'elu';

/**
 * dL/dz from dL/da, for a = activation(z), written with a only. `alpha` is leaky_relu's slope or
 * elu's scale (their defaults when left out); with alpha > 0, a > 0 exactly where z > 0.
 */
export function activationBackward(activation: DerivedLayerActivation, a: tf.Tensor, da: tf.Tensor, alpha?: number): tf.Tensor {
  switch (activation) {
    case 'linear':
      return da;
    case 'relu':
      // relu'(z) = 1 where z > 0, i.e. where a > 0 (0 at z = 0, as tfjs).
      return tf.mul(da, tf.step(a));
    case 'sigmoid':
      return tf.mul(da, tf.mul(a, tf.sub(1, a)));
    case 'tanh':
      return tf.mul(da, tf.sub(1, tf.square(a)));
    case 'softmax':
      // Jᵀ·da with J = diag(a) − a·aᵀ, row by row.
      return tf.mul(a, tf.sub(da, tf.sum(tf.mul(da, a), -1, true)));
    case 'leaky_relu':
      // As tfjs's gradient: the slope is 1 where z > 0, alpha elsewhere (z = 0 included).
      return tf.where(tf.greater(a, 0), da, tf.mul(da, alpha ?? 0.2));
    case 'elu':
      // For z ≤ 0, a = alpha·(eᶻ − 1), so a' = alpha·eᶻ = a + alpha; at z = 0 that is alpha, as
      // the tape's gradients of both tf.elu (alpha 1) and rt.elu give.
      return tf.where(tf.greater(a, 0), da, tf.mul(da, tf.add(a, alpha ?? 1)));
  }
}

/**
 * The loss, computed exactly as the training loop computes it, and dL/dz at the output layer's
 * pre-activation z (where `prediction` = activation(z)). Softmax with categorical cross-entropy
 * and sigmoid with binary cross-entropy fold to (p − y) forms; these are the exact gradients of
 * the unclipped losses, so they differ from the tape only where a probability is within 1e-7 of
 * 0 or 1 (where the clipped loss has no gradient at all). A custom loss brings its own dL/dpred,
 * the derivative the compiler wrote for it (codegen/loss-derivative.ts).
 */
export function outputGradient(
  loss: LossName | CustomLoss,
  yTrue: tf.Tensor,
  prediction: tf.Tensor,
  activation: DerivedActivation,
): { loss: tf.Scalar; dz: tf.Tensor } {
  const lossFn = lossFunction(loss);
  const value = lossFn(yTrue, prediction);
  const y = yTrue.dtype === 'float32' ? yTrue : tf.cast(yTrue, 'float32');
  const batch = prediction.shape[0] ?? 1;
  if (typeof loss === 'function' && loss.gradient) {
    return { loss: value, dz: activationBackward(activation, prediction, loss.gradient(y, prediction)) };
  }
  if (loss === 'categorical_crossentropy' && activation === 'softmax') {
    // The loss renormalises each row of p to sum to 1, which the softmax already does.
    return { loss: value, dz: tf.div(tf.sub(tf.mul(prediction, tf.sum(y, -1, true)), y), batch) };
  }
  if (loss === 'binary_crossentropy' && activation === 'sigmoid') {
    return { loss: value, dz: tf.div(tf.sub(prediction, y), prediction.size) };
  }
  const dPrediction = tf.grad((p: tf.Tensor) => lossFn(y, p))(prediction);
  return { loss: value, dz: activationBackward(activation, prediction, dPrediction) };
}

type Pair = [number, number];
type Padding = 'valid' | 'same';

/**
 * dL/dkernel of a 2-D convolution (NHWC, dilation 1) from its input `x` and dL/dz at its output:
 * the `Conv2DBackpropFilter` kernel (nnc registers a fast one on wasm, which has none).
 */
export function conv2dKernelGradient(x: tf.Tensor, dz: tf.Tensor, filterShape: readonly number[], strides: Pair, pad: Padding): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dz }, { strides, pad, dataFormat: 'NHWC', filterShape: [...filterShape] }) as tf.Tensor;
}

/** dL/dx of a 2-D convolution (NHWC, dilation 1) from dL/dz at its output: the transposed convolution. */
export function conv2dInputGradient(x: tf.Tensor, dz: tf.Tensor, kernel: tf.Tensor, strides: Pair, pad: Padding): tf.Tensor {
  return tf.conv2dTranspose(dz as tf.Tensor4D, kernel as tf.Tensor4D, x.shape as [number, number, number, number], strides, pad);
}

/**
 * dL/dkernel of a transposed 2-D convolution (kernel [kh, kw, out, in]) from its input `x` and dL/dz
 * at its output: the transposed convolution is the input gradient of a convolution from its
 * output to its input, whose kernel gradient this is, with the roles of x and dz exchanged.
 */
export function conv2dTransposeKernelGradient(x: tf.Tensor, dz: tf.Tensor, filterShape: readonly number[], strides: Pair, pad: Padding): tf.Tensor {
  return conv2dKernelGradient(dz, x, filterShape, strides, pad);
}

/** dL/dx of a transposed 2-D convolution: the convolution it transposes, applied to dL/dz. */
export function conv2dTransposeInputGradient(dz: tf.Tensor, kernel: tf.Tensor, strides: Pair, pad: Padding): tf.Tensor {
  return tf.conv2d(dz as tf.Tensor4D, kernel as tf.Tensor4D, strides, pad);
}

/** A `[batch, steps, channels]` tensor as the `[batch, 1, steps, channels]` image tfjs's 1-D ops use. */
function asImage(t: tf.Tensor): tf.Tensor {
  return tf.expandDims(t, 1);
}

/** conv2dKernelGradient for a 1-D convolution (which tfjs runs as a 2-D one over a height of 1). */
export function conv1dKernelGradient(x: tf.Tensor, dz: tf.Tensor, filterShape: readonly number[], stride: number, pad: Padding): tf.Tensor {
  const grad = conv2dKernelGradient(asImage(x), asImage(dz), [1, ...filterShape], [1, stride], pad);
  return tf.reshape(grad, [...filterShape]);
}

/** conv2dInputGradient for a 1-D convolution. */
export function conv1dInputGradient(x: tf.Tensor, dz: tf.Tensor, kernel: tf.Tensor, stride: number, pad: Padding): tf.Tensor {
  return tf.squeeze(conv2dInputGradient(asImage(x), asImage(dz), tf.expandDims(kernel, 0), [1, stride], pad), [1]);
}

/**
 * dL/dinput of 2-D max pooling from its input, its output and dL/doutput: the `MaxPoolGrad`
 * kernel, which sends each window's gradient to the same maximum the tape's gradient chooses.
 */
export function maxPool2dGradient(dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor, poolSize: Pair, strides: Pair, pad: Padding): tf.Tensor {
  return tf.engine().runKernel('MaxPoolGrad', { dy, input, output }, { filterSize: poolSize, strides, pad }) as tf.Tensor;
}

/**
 * A bias gradient: the sum over every axis but the last (the channels'). The compiler passes the
 * gradient a max pooling routes, which sums to the same as the routed one, at the pooled size.
 */
export function sumToChannels(d: tf.Tensor): tf.Tensor {
  return tf.sum(d, Array.from({ length: d.rank - 1 }, (_, i) => i));
}

type Triple = [number, number, number];

/** dL/dkernel of a 3-D convolution (NDHWC, dilation 1) from its input and dL/dz at its output. */
export function conv3dKernelGradient(x: tf.Tensor, dz: tf.Tensor, filterShape: readonly number[], strides: Triple, pad: Padding): tf.Tensor {
  return tf.engine().runKernel('Conv3DBackpropFilterV2', { x, dy: dz }, { strides, pad, filterShape: [...filterShape] }) as tf.Tensor;
}

/** dL/dx of a 3-D convolution (NDHWC, dilation 1) from dL/dz at its output. */
export function conv3dInputGradient(x: tf.Tensor, dz: tf.Tensor, kernel: tf.Tensor, strides: Triple, pad: Padding): tf.Tensor {
  return tf.engine().runKernel('Conv3DBackpropInputV2', { dy: dz, filter: kernel }, { strides, pad, inputShape: x.shape }) as tf.Tensor;
}

/** dL/dinput of 3-D max pooling from its input, its output and dL/doutput (`MaxPool3DGrad`). */
export function maxPool3dGradient(dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor, poolSize: Triple, strides: Triple, pad: Padding): tf.Tensor {
  return tf.engine().runKernel('MaxPool3DGrad', { dy, input, output }, { filterSize: poolSize, strides, pad }) as tf.Tensor;
}

/** dL/dinput of 3-D average pooling (`AvgPool3DGrad`). */
export function avgPool3dGradient(dy: tf.Tensor, input: tf.Tensor, poolSize: Triple, strides: Triple, pad: Padding): tf.Tensor {
  return tf.engine().runKernel('AvgPool3DGrad', { dy, input }, { filterSize: poolSize, strides, pad }) as tf.Tensor;
}

/** dL/dinput of 2-D average pooling (padded cells left out of each mean, as the forward pass). */
export function avgPool2dGradient(dy: tf.Tensor, input: tf.Tensor, poolSize: Pair, strides: Pair, pad: Padding): tf.Tensor {
  return tf.engine().runKernel('AvgPoolGrad', { dy, input }, { filterSize: poolSize, strides, pad }) as tf.Tensor;
}

/** maxPool2dGradient for 1-D max pooling (a 2-D pool over a height of 1). */
export function maxPool1dGradient(dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor, poolSize: number, stride: number, pad: Padding): tf.Tensor {
  return tf.squeeze(maxPool2dGradient(asImage(dy), asImage(input), asImage(output), [1, poolSize], [1, stride], pad), [1]);
}

/** avgPool2dGradient for 1-D average pooling. */
export function avgPool1dGradient(dy: tf.Tensor, input: tf.Tensor, poolSize: number, stride: number, pad: Padding): tf.Tensor {
  return tf.squeeze(avgPool2dGradient(asImage(dy), asImage(input), [1, poolSize], [1, stride], pad), [1]);
}

/** The output of global pooling over `input` with its spatial axes kept at size 1, for broadcasting back. */
function keptSpatial(t: tf.Tensor, input: tf.Tensor): tf.Tensor {
  return tf.reshape(t, [-1, ...input.shape.slice(1, -1).map(() => 1), input.shape[input.rank - 1]!]);
}

/** dL/dinput of global max pooling: as the tape's gradient of `tf.max`, every position equal to its channel's maximum gets it. */
export function globalMaxPoolGradient(dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor): tf.Tensor {
  return tf.mul(keptSpatial(dy, input), tf.cast(tf.equal(input, keptSpatial(output, input)), 'float32'));
}

/** dL/dinput of global average pooling: each position gets its channel's gradient over the number of positions. */
export function globalAvgPoolGradient(dy: tf.Tensor, input: tf.Tensor): tf.Tensor {
  const positions = input.shape.slice(1, -1).reduce((a, b) => a * b, 1);
  return tf.mul(tf.div(keptSpatial(dy, input), positions), tf.onesLike(input));
}

/**
 * dL/dinput of nearest-neighbour upsampling by `factors` (one per spatial axis): each input cell's
 * gradient is the sum over the cells it was copied to.
 */
export function upSamplingGradient(dy: tf.Tensor, input: tf.Tensor, factors: readonly number[]): tf.Tensor {
  const [batch, ...rest] = input.shape;
  const spatial = rest.slice(0, -1);
  const split = spatial.flatMap((size, i) => [size, factors[i]!]);
  const copies = spatial.map((_, i) => 2 + 2 * i);
  return tf.sum(tf.reshape(dy, [batch!, ...split, rest[rest.length - 1]!]), copies);
}


/**
 * dL/dx of batch normalisation in training (statistics over the m positions of each channel), from
 * dL/dy, x̂, gamma and the gradients of gamma (Σ dy·x̂) and beta (Σ dy):
 * dx = gamma / √(variance + ε) · (dy − (dbeta + x̂·dgamma) / m).
 */
export function batchNormInputGradient(
  dy: tf.Tensor,
  xHat: tf.Tensor,
  gamma: tf.Tensor,
  variance: tf.Tensor,
  epsilon: number,
  dGamma: tf.Tensor,
  dBeta: tf.Tensor,
): tf.Tensor {
  const m = dy.size / dy.shape[dy.rank - 1]!;
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)));
  return tf.mul(scale, tf.sub(dy, tf.div(tf.add(dBeta, tf.mul(xHat, dGamma)), m)));
}

/**
 * dL/dx of layer normalisation (statistics over each sample's last axis, kept as size-1 axes),
 * from dL/dy and x̂: with g = dy·gamma, dx = (g − mean(g) − x̂·mean(g·x̂)) / √(variance + ε).
 */
export function layerNormInputGradient(dy: tf.Tensor, xHat: tf.Tensor, gamma: tf.Tensor, variance: tf.Tensor, epsilon: number): tf.Tensor {
  const g = tf.mul(dy, gamma);
  const centred = tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xHat, tf.mean(tf.mul(g, xHat), -1, true)));
  return tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon)));
}

/**
 * dL/dtable of an embedding (`tf.gather(table, ids)`): each id's row gets the sum of the gradients
 * at the positions that read it, repeated ids included.
 */
export function embeddingGradient(dy: tf.Tensor, ids: tf.Tensor, vocabulary: number): tf.Tensor {
  const dim = dy.shape[dy.rank - 1]!;
  return tf.unsortedSegmentSum(tf.reshape(dy, [-1, dim]), tf.reshape(tf.cast(ids, 'int32'), [-1]), vocabulary);
}

/**
 * dL/dx of maxout (the maximum of each of `units` groups of the last axis): as the tape's gradient
 * of `tf.max`, every value equal to its group's maximum gets the group's gradient.
 */
export function maxoutGradient(dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor, units: number): tf.Tensor {
  const groups = [...x.shape.slice(0, -1), units, x.shape[x.rank - 1]! / units];
  const hits = tf.cast(tf.equal(tf.reshape(x, groups), tf.expandDims(y, -1)), 'float32');
  return tf.reshape(tf.mul(hits, tf.expandDims(dy, -1)), x.shape);
}

/**
 * dL/dtable of a learned positional encoding (`x + table[0:steps]`): the gradient summed over the
 * batch, padded with zeros for the rows past the sequence's length.
 */
export function learnedPositionsGradient(dy: tf.Tensor, rows: number): tf.Tensor {
  const perPosition = tf.sum(dy, 0);
  return tf.pad(perPosition, [[0, rows - perPosition.shape[0]!], [0, 0]]);
}
