// Keras' RepeatVector: [batch, features] → [batch, n, features]. The bridge of the classic
// encoder–decoder: the encoder's last state, repeated once per step the decoder emits.
import { constDim, showShape } from '../shapes/dim.js';
import { single } from '../codegen/backward-rules.js';
import { noFlops } from './flops.js';
import type { LayerDef } from './types.js';

export const repeatVector: LayerDef = {
  name: 'repeat_vector',
  kerasClass: 'RepeatVector',
  doc: 'Repeats each sample n times along a new time axis: [batch, f] → [batch, n, f] (feeds an encoder’s summary to a decoder, once per output step).',
  params: [{ name: 'n', type: 'int', positional: true, required: true, min: 1, doc: 'How many times to repeat: the length of the new time axis.' }],
  outputShape(ctx) {
    if (ctx.input.length !== 2) {
      ctx.error('NN3101', `\`repeat_vector\` takes [batch, features], found ${showShape(ctx.input)}`, {
        expected: '[batch, features]',
        found: showShape(ctx.input),
        help: ctx.input.length > 2 ? 'take the last state first: a recurrent layer with `return_sequences: false`, or `flatten()`' : undefined,
      });
      return undefined;
    }
    return [ctx.input[0]!, constDim(ctx.args['n'] as number), ctx.input[1]!];
  },
  weights: () => [],
  emit: (ctx) => `tf.tile(tf.expandDims(${ctx.input}, 1), [1, ${ctx.args['n'] as number}, 1])`,
  // The sum over the copies.
  backward: { inputs: single((_node, d) => `tf.sum(${d}, 1)`) },
  flops: noFlops,
};
