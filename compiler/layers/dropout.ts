// Dropout: in training, zeroes a random share `rate` of the values and scales the rest by
// 1/(1 - rate); in inference, the identity.
import { num } from './activations.js';
import type { LayerDef } from './types.js';

export const dropout: LayerDef = {
  name: 'dropout',
  kerasClass: 'Dropout',
  doc: 'Randomly zeroes a share `rate` of the values while training (and scales the rest up), to reduce overfitting; does nothing in inference. Shape unchanged; no parameters; masks come from the run’s seed.',
  params: [{ name: 'rate', type: 'float', positional: true, required: true, min: 0, max: 0.99, doc: 'The share of values to drop, in [0, 0.99].' }],
  usesTraining: true,
  outputShape: (ctx) => ctx.input,
  weights: () => [],
  emit: (ctx) => `(${ctx.training ?? 'false'} ? ${ctx.runtime('dropout')}(${ctx.input}, ${num(ctx.args['rate'] as number)}) : ${ctx.input})`,
};
