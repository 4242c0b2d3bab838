// Normalisation layers: batch norm (per channel, with moving statistics that Keras counts as
// non-trainable parameters) and layer norm (per sample, over the last axis).
import { knownSize, showDim } from '../shapes/dim.js';
import { num } from './activations.js';
import { gradLocal, normalisedLocal, single, statsLocal, traceLocal } from '../codegen/backward-rules.js';
import { elementwise, exampleSize, times } from './flops.js';
import type { FlopsContext, LayerBackward, LayerDef, LayerFlops, ShapeContext, WeightSpec } from './types.js';

/** The statistics rt.batchNormTraining computes (and its update of the moving ones), kept. */
const batchNormBackward: LayerBackward = {
  forward(node, e) {
    const x = node.input.id;
    const w = (name: string) => e.weight(node, name);
    e.w.line(`const ${statsLocal(node)} = ${e.rt.use('batchNormStatistics')}(${x}, ${w('moving_mean')}, ${w('moving_variance')}, ${num(node.args['momentum'] as number)});`);
    return `tf.batchNorm(${x}, ${statsLocal(node)}.mean, ${statsLocal(node)}.variance, ${w('beta')}, ${w('gamma')}, ${num(node.args['epsilon'] as number)})`;
  },
  weights(node, d, e) {
    e.w.line(`const ${normalisedLocal(node)} = ${e.rt.use('normalised')}(${node.input.id}, ${statsLocal(node)}, ${num(node.args['epsilon'] as number)});`);
    return { gamma: `${e.rt.use('sumToChannels')}(tf.mul(${d}, ${normalisedLocal(node)}))`, beta: `${e.rt.use('sumToChannels')}(${d})` };
  },
  inputs: single((node, d, e) => {
    const eps = num(node.args['epsilon'] as number);
    return `${e.rt.use('batchNormInputGradient')}(${d}, ${normalisedLocal(node)}, ${e.weight(node, 'gamma')}, ${statsLocal(node)}.variance, ${eps}, ${gradLocal(node, 'gamma')}, ${gradLocal(node, 'beta')})`;
  }),
};

/** rt.layerNorm's own ops, with the variance and x̂ kept. */
const layerNormBackward: LayerBackward = {
  forward(node, e) {
    e.w.line(`const ${traceLocal(node)} = ${e.rt.use('layerNormTraced')}(${node.input.id}, ${e.weight(node, 'gamma')}, ${e.weight(node, 'beta')}, ${num(node.args['epsilon'] as number)});`);
    return `${traceLocal(node)}.output`;
  },
  weights: (node, d, e) => ({ gamma: `${e.rt.use('sumToChannels')}(tf.mul(${d}, ${traceLocal(node)}.norm.xHat))`, beta: `${e.rt.use('sumToChannels')}(${d})` }),
  inputs: single((node, d, e) => {
    const eps = num(node.args['epsilon'] as number);
    return `${e.rt.use('layerNormInputGradient')}(${d}, ${traceLocal(node)}.norm.xHat, ${e.weight(node, 'gamma')}, ${traceLocal(node)}.norm.variance, ${eps})`;
  }),
};

/** A normalisation's scale and shift: a multiply and an add per value (the statistics are not counted). */
const scaleAndShift = (ctx: FlopsContext): LayerFlops | undefined => elementwise(times(2, exampleSize(ctx.output)));

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
      { name: 'gamma', shape: [n], init: 'ones', trainable: true, regularized: false },
      { name: 'beta', shape: [n], init: 'zeros', trainable: true, regularized: false },
      { name: 'moving_mean', shape: [n], init: 'zeros', trainable: false, regularized: false },
      { name: 'moving_variance', shape: [n], init: 'ones', trainable: false, regularized: false },
    ];
  },
  emit(ctx) {
    const w = (n: string) => ctx.weight(n);
    const eps = num(ctx.args['epsilon'] as number);
    return `(${ctx.training ?? 'false'} ? ${ctx.runtime('batchNormTraining')}(${ctx.input}, ${w('gamma')}, ${w('beta')}, ${w('moving_mean')}, ${w('moving_variance')}, ${num(ctx.args['momentum'] as number)}, ${eps}) : tf.batchNorm(${ctx.input}, ${w('moving_mean')}, ${w('moving_variance')}, ${w('beta')}, ${w('gamma')}, ${eps}))`;
  },
  backward: batchNormBackward,
  flops: scaleAndShift,
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
      { name: 'gamma', shape: [n], init: 'ones', trainable: true, regularized: false },
      { name: 'beta', shape: [n], init: 'zeros', trainable: true, regularized: false },
    ];
  },
  emit: (ctx) => `${ctx.runtime('layerNorm')}(${ctx.input}, ${ctx.weight('gamma')}, ${ctx.weight('beta')}, ${num(ctx.args['epsilon'] as number)})`,
  backward: layerNormBackward,
  flops: scaleAndShift,
};
