// relu6 (MobileNet's activation, Keras' `relu6`): min(max(0, x), 6), as a layer and as `activation:`.
import type { ActivationDef } from './activations.js';

export const relu6: ActivationDef = {
  name: 'relu6',
  kerasClass: 'ReLU',
  doc: 'Rectified linear unit capped at 6: min(max(0, x), 6) (MobileNet). Its gradient is 1 for 0 < x < 6, else 0.',
  emit: (x) => `tf.relu6(${x})`,
  // From the output a: the input was inside (0, 6) exactly where 0 < a < 6 (tfjs's tape also
  // passes the gradient at x = 6, a single point no float input lands on in practice).
  derivative: (a, da) => `tf.mul(${da}, tf.cast(tf.logicalAnd(tf.greater(${a}, 0), tf.less(${a}, 6)), 'float32'))`,
};
