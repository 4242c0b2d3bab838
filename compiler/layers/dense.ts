import { activationByName, emitActivation, num } from './activations.js';
import { constDim, knownSize, showShape, type Dim } from '../shapes/dim.js';
import { single } from '../codegen/backward-rules.js';
import type { LayerNode } from '../ir.js';
import { positions, products, times } from './flops.js';
import type { ActivationValue, LayerBackward, LayerDef, TensorValue, WeightSpec } from './types.js';
import type { Span } from '../syntax/ast.js';

const lastSize = (shape: readonly Dim[]) => knownSize(shape[shape.length - 1]) ?? 0;

/** x·W over the last axis: dW = xᵀ·dz and dx = dz·Wᵀ (sequences as one 2-D matmul over every step, as the forward pass). */
const denseBackward: LayerBackward = {
  appliesActivation: true,
  weights(node: LayerNode, d, e, _specs, pooled) {
    const x = node.input.id;
    if (node.input.shape.length === 2) return { kernel: `tf.matMul(tf.transpose(${x}), ${d})`, bias: `tf.sum(${d}, 0)` };
    const d2 = `tf.reshape(${d}, [-1, ${lastSize(node.shape)}])`;
    return { kernel: `tf.matMul(tf.transpose(tf.reshape(${x}, [-1, ${lastSize(node.input.shape)}])), ${d2})`, bias: `${e.rt.use('sumToChannels')}(${pooled ?? d})` };
  },
  inputs: single((node, d, e) => {
    const kernel = e.weight(node, 'kernel');
    if (node.input.shape.length === 2) return `tf.matMul(${d}, tf.transpose(${kernel}))`;
    return `tf.reshape(tf.matMul(tf.reshape(${d}, [-1, ${lastSize(node.shape)}]), tf.transpose(${kernel})), ${node.input.id}.shape)`;
  }),
};

/** A fully connected layer: y = activation(x · kernel + bias) over the last axis. */
export const dense: LayerDef = {
  name: 'dense',
  kerasClass: 'Dense',
  doc: 'Fully connected layer: every output unit sees every input feature. y = activation(x·W + b).',
  params: [
    { name: 'units', type: 'int', positional: true, required: true, min: 1, doc: 'Number of output units (neurons).' },
    { name: 'activation', type: 'activation', default: { kind: 'activation', name: 'linear' }, doc: 'Activation applied to the output.' },
    { name: 'use_bias', type: 'bool', default: true, doc: 'Whether the layer adds a bias vector.' },
    { name: 'in', type: 'int', min: 1, doc: 'Expected size of the input’s last axis; checked, never needed (it is inferred).' },
    { name: 'kernel', type: 'tensor', doc: 'Constant initial weights, shape [in, units] (e.g. `[[0.8], [0.2]]`).' },
    { name: 'bias', type: 'tensor', doc: 'Constant initial bias, shape [units].' },
  ],

  outputShape(ctx) {
    const { input, args } = ctx;
    if (input.length < 2) {
      ctx.error('NN3101', `\`dense\` needs an input of rank 2 or more, found ${showShape(input)}`, {
        expected: '[batch, features]',
        found: showShape(input),
      });
      return undefined;
    }
    if (args['use_bias'] === false && args['bias'] !== undefined) {
      ctx.error('NN3002', '`bias` is given but `use_bias` is false, so it would be ignored', { at: 'bias', help: 'remove `bias:` or `use_bias: false`' });
      return undefined;
    }
    if (input.length >= 4) {
      // Keras would apply dense to the last axis of any rank, but after a conv stack that is
      // almost always a forgotten flatten; sequences ([batch, seq, features]) stay allowed.
      ctx.error('NN3011', `\`dense\` on a rank-${input.length} tensor ${showShape(input)} would act on its last axis only`, {
        expected: '[batch, features] (or [batch, seq, features])',
        found: showShape(input),
        help: 'add `flatten()` before `dense` to classify the whole feature map, or `global_average_pooling2d()` to average it',
        ...(ctx.span ? { fixes: [{ title: 'Insert `flatten()` before `dense`', edits: [{ span: { start: ctx.span.start, end: ctx.span.start }, newText: 'flatten() |> ' }] }] } : {}),
      });
      return undefined;
    }
    const last = input[input.length - 1]!;
    const declaredIn = args['in'] as number | undefined;
    if (declaredIn !== undefined && last.kind === 'const' && last.value !== declaredIn) {
      const expected = showShape([...input.slice(0, -1), constDim(declaredIn)]);
      ctx.error('NN3102', 'shape mismatch at the input of `dense`', {
        label: `expects ${expected}, found ${showShape(input)}`,
        expected,
        found: showShape(input),
        help: `remove \`in: ${declaredIn}\` (it is inferred), or change it to ${last.value}`,
        at: 'in',
        fixes: ctx.argSpans?.['in'] ? [
          { title: `Remove \`in: ${declaredIn}\` (it is inferred)`, edits: [{ span: argumentWithSeparator(ctx.argSpans, 'in'), newText: '' }] },
          { title: `Change to \`in: ${last.value}\``, edits: [{ span: ctx.argSpans['in'], newText: `in: ${last.value}` }] },
        ] : [],
      });
      return undefined;
    }
    if (knownSize(last) === undefined && last.kind !== 'unknown') {
      ctx.error('NN3104', `\`dense\` needs the size of its input's last axis, but it is the symbol \`${showShape([last]).slice(1, -1)}\``, {
        found: showShape(input),
        help: 'give that axis a number in the model\'s input type, e.g. `[batch, 4]`',
      });
      return undefined;
    }
    return [...input.slice(0, -1), constDim(args['units'] as number)];
  },

  weights(ctx, output) {
    const inSize = knownSize(ctx.input[ctx.input.length - 1]) ?? 0;
    const units = knownSize(output[output.length - 1]) ?? 0;
    const kernel = ctx.args['kernel'] as TensorValue | undefined;
    const bias = ctx.args['bias'] as TensorValue | undefined;
    const specs: WeightSpec[] = [{ name: 'kernel', shape: [inSize, units], init: 'glorot_uniform', trainable: true, regularized: true, ...(kernel ? { values: kernel.values } : {}) }];
    if (ctx.args['use_bias'] !== false) specs.push({ name: 'bias', shape: [units], init: 'zeros', trainable: true, regularized: false, ...(bias ? { values: bias.values } : {}) });
    return specs;
  },

  emit(ctx) {
    const activation = ctx.args['activation'] as ActivationValue;
    const useBias = ctx.args['use_bias'] !== false;
    const rank = ctx.inputShape.length;
    // tf.fused.matMul computes matMul + bias + a few activations in one kernel; it takes rank-2
    // operands, so higher ranks are flattened to 2-D around it.
    const fusedAct = activationByName.get(activation.name)?.fused?.(activation.alpha);
    const a = rank === 2 ? ctx.input : `tf.reshape(${ctx.input}, [-1, ${knownSize(ctx.inputShape[rank - 1])}])`;
    const options = [`a: ${a}`, `b: ${ctx.weight('kernel')}`];
    if (useBias) options.push(`bias: ${ctx.weight('bias')}`);
    if (fusedAct && fusedAct.activation !== 'linear') {
      options.push(`activation: '${fusedAct.activation}'`);
      if (fusedAct.leakyreluAlpha !== undefined) options.push(`leakyreluAlpha: ${num(fusedAct.leakyreluAlpha)}`);
    }
    let out = `tf.fused.matMul({ ${options.join(', ')} })`;
    if (!fusedAct) out = emitActivation(activation, out, ctx.runtime);
    // The leading sizes one by one, not spread: a tuple as long as the rank, as a rank-typed local needs.
    const leading = Array.from({ length: rank - 1 }, (_, i) => `${ctx.input}.shape[${i}]!`);
    if (rank !== 2) out = `tf.reshape(${out}, [${leading.join(', ')}, ${knownSize(ctx.outputShape[rank - 1])}])`;
    return out;
  },
  backward: denseBackward,
  // in·units multiply-adds at every position (each step of a sequence).
  flops: (ctx) => products(times(positions(ctx.input), knownSize(ctx.input[ctx.input.length - 1]), knownSize(ctx.output[ctx.output.length - 1]))),
};

/** An argument's span widened over the comma that joins it to its neighbour, so that deleting it leaves a tidy call. */
function argumentWithSeparator(spans: Readonly<Record<string, Span>>, name: string): Span {
  const own = spans[name]!;
  const others = Object.values(spans).filter((s) => s !== own);
  const before = Math.max(-1, ...others.filter((s) => s.end <= own.start).map((s) => s.end));
  if (before >= 0) return { start: before, end: own.end };
  const after = Math.min(Infinity, ...others.filter((s) => s.start >= own.end).map((s) => s.start));
  return after < Infinity ? { start: own.start, end: after } : own;
}
