// Activations that tfjs-core lacks or defines differently from Keras.
import * as tf from '@tensorflow/tfjs-core';

// The perceptron's threshold unit. Its true derivative is zero almost everywhere, so we pass the
// gradient straight through (dstep/dx := 1). With that choice, one SGD step on a `step` output is
// the classic perceptron learning rule, w <- w + eta * (y - yhat) * x:
//   - loss `mae`, batch 1, learning rate eta: exactly that rule (the sign of y - yhat in {-1, 0, 1}
//     is y - yhat itself, given our `abs` whose gradient at 0 is 0);
//   - loss `mse`: the same rule with rate 2 * eta (the derivative of the square).
// Samples already classified correctly (yhat = y) give a zero update, as in Rosenblatt's rule.
const stepWithStraightThroughGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  return {
    value: tf.cast(tf.greater(x, 0), 'float32'),
    gradFunc: (dy: tf.Tensor) => dy,
  };
});

/** 1 where x > 0, else 0; gradient passed straight through (see above). */
export function step(x: tf.Tensor): tf.Tensor {
  return stepWithStraightThroughGrad(x);
}

/**
 * ELU with any alpha: x for x > 0, alpha * (exp(x) - 1) otherwise. (`tf.elu` fixes alpha = 1.)
 * Written as relu(x) + alpha * (exp(min(x, 0)) - 1) rather than with `tf.where`, because the
 * branch `where` discards would still overflow exp(x) for large x and turn its gradient into NaN.
 */
export function elu(x: tf.Tensor, alpha = 1): tf.Tensor {
  if (alpha === 1) return tf.elu(x);
  return tf.tidy(() =>
    tf.add(tf.relu(x), tf.mul(tf.scalar(alpha), tf.sub(tf.exp(tf.minimum(x, 0)), 1))),
  );
}

/** max(x, alpha * x). The default 0.2 is tfjs's and keras.activations.leaky_relu's. */
export function leakyRelu(x: tf.Tensor, alpha = 0.2): tf.Tensor {
  return tf.leakyRelu(x, alpha);
}
