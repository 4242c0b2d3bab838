// Normalisation layers: batch norm (per channel, with moving statistics that Keras counts as
// non-trainable parameters) and layer norm (per sample, over the last axis).
import { knownSize, showDim } from '../shapes/dim.js';
import { num } from './activations.js';
import type { LayerDef, ShapeContext, WeightSpec } from './types.js';

function lastAxis(ctx: ShapeContext, layer: string): number | undefined {
  const last = ctx.input[ctx.input.length - 1];
  if (ctx.input.length < 2) {
    ctx.error('NN3101', `\`${layer}\` needs an input of rank 2 or more, found ${ctx.input.length}`, { expected: '[batch, …, features]' });
    return undefined;
  }
  const n = knownSize(last);
  if (n === undefined && last?.kind !== 'unknown') {
    ctx.error('NN3104', `\`${layer}\` needs the size of its input's last axis, but it is \`${showDim(last!)}\``, { help: "give that axis a number in the model's input type" });
    return undefined;
  }
  return n ?? 0;
}

export const batchNormalization: LayerDef = {
  name: 'batch_normalization',
  kerasClass: 'BatchNormalization',
  doc: 'Normalises each channel (last axis) with the batch mean and variance in training and with moving averages of them in inference, then scales by gamma and shifts by beta. Shape unchanged. Parameters: 4 per channel; the moving mean and variance (2 per channel) are non-trainable, as Keras counts them.',
  params: [
    { name: 'momentum', type: 'float', default: 0.99, min: 0, max: 1, doc: 'How slowly the moving statistics follow the batches.' },
    { name: 'epsilon', type: 'float', default: 0.001, greaterThan: 0, doc: 'Added to the variance before the square root.' },
  ],
  usesTraining: true,
  outputShape: (ctx) => (lastAxis(ctx, 'batch_normalization') === undefined ? undefined : ctx.input),
  weights(ctx): WeightSpec[] {
    const n = knownSize(ctx.input[ctx.input.length - 1]) ?? 0;
    return [
      { name: 'gamma', shape: [n], init: 'ones', trainable: true },
      { name: 'beta', shape: [n], init: 'zeros', trainable: true },
      { name: 'moving_mean', shape: [n], init: 'zeros', trainable: false },
      { name: 'moving_variance', shape: [n], init: 'ones', trainable: false },
    ];
  },
  emit(ctx) {
    const w = (n: string) => ctx.weight(n);
    const eps = num(ctx.args['epsilon'] as number);
    return `(${ctx.training ?? 'false'} ? ${ctx.runtime('batchNormTraining')}(${ctx.input}, ${w('gamma')}, ${w('beta')}, ${w('moving_mean')}, ${w('moving_variance')}, ${num(ctx.args['momentum'] as number)}, ${eps}) : tf.batchNorm(${ctx.input}, ${w('moving_mean')}, ${w('moving_variance')}, ${w('beta')}, ${w('gamma')}, ${eps}))`;
  },
};

export const layerNormalization: LayerDef = {
  name: 'layer_normalization',
  kerasClass: 'LayerNormalization',
  doc: 'Normalises each sample over its last axis to mean 0 and variance 1, then scales by gamma and shifts by beta (transformers use it). Shape unchanged. Parameters: 2 per feature (gamma, beta).',
  params: [{ name: 'epsilon', type: 'float', default: 0.001, greaterThan: 0, doc: 'Added to the variance before the square root.' }],
  outputShape: (ctx) => (lastAxis(ctx, 'layer_normalization') === undefined ? undefined : ctx.input),
  weights(ctx): WeightSpec[] {
    const n = knownSize(ctx.input[ctx.input.length - 1]) ?? 0;
    return [
      { name: 'gamma', shape: [n], init: 'ones', trainable: true },
      { name: 'beta', shape: [n], init: 'zeros', trainable: true },
    ];
  },
  emit: (ctx) => `${ctx.runtime('layerNorm')}(${ctx.input}, ${ctx.weight('gamma')}, ${ctx.weight('beta')}, ${num(ctx.args['epsilon'] as number)})`,
};
