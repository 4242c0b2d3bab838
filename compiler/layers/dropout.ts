// Dropout: in training, zeroes a random share `rate` of the values and scales the rest by
// 1/(1 - rate); in inference, the identity.
import { num } from './activations.js';
import { maskLocal, single } from '../codegen/backward-rules.js';
import { exampleSize } from './flops.js';
import type { LayerBackward, LayerDef } from './types.js';

/** It keeps its mask for the backward pass, drawn from the stream rt.dropout draws from. */
const dropoutBackward: LayerBackward = {
  forward(node, e) {
    const rate = node.args['rate'] as number;
    if (rate <= 0) return node.input.id; // as rt.dropout, which draws nothing then
    e.w.line(`const ${maskLocal(node)} = ${e.rt.use('dropoutMask')}(${node.input.id}.shape, ${num(rate)});`);
    return `tf.mul(${node.input.id}, ${maskLocal(node)})`;
  },
  inputs: single((node, d) => ((node.args['rate'] as number) > 0 ? `tf.mul(${d}, ${maskLocal(node)})` : d)),
};

export const dropout: LayerDef = {
  name: 'dropout',
  kerasClass: 'Dropout',
  doc: 'Randomly zeroes a share `rate` of the values while training (and scales the rest up), to reduce overfitting; does nothing in inference. Shape unchanged; no parameters; masks come from the run’s seed.',
  params: [{ name: 'rate', type: 'float', positional: true, required: true, min: 0, max: 0.99, doc: 'The share of values to drop, in [0, 0.99].' }],
  usesTraining: true,
  outputShape: (ctx) => ctx.input,
  weights: () => [],
  emit: (ctx) => `(${ctx.training ?? 'false'} ? ${ctx.runtime('dropout')}(${ctx.input}, ${num(ctx.args['rate'] as number)}) : ${ctx.input})`,
  backward: dropoutBackward,
  // Nothing in inference; in training a multiply by the mask each way.
  flops(ctx) {
    const size = exampleSize(ctx.output);
    return size === undefined ? undefined : { forward: 0, training: 2 * size };
  },
};
