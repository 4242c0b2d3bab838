// How the derived backward pass (backward.ts) differentiates each layer: one entry per layer,
// giving the gradients of its trainable weights and of each of its inputs from dL/dz (the gradient
// at its pre-activation; backward.ts applies activations and sums the gradients of a tensor that
// several layers read), and, where the backward pass needs values the forward pass does not keep,
// the layer's own line in the derived forward pass. A layer without an entry keeps the tape;
// adding one is one entry here.
import { emitActivation, num } from '../layers/activations.js';
import { numberList, tupleOf } from '../layers/spatial.js';
import type { ActivationValue, EmitContext, WeightSpec } from '../layers/types.js';
import type { LayerNode } from '../ir.js';
import { knownSize } from '../shapes/dim.js';
import type { RuntimeImports } from './imports.js';
import { str, type CodeWriter } from './writer.js';

/** What a rule writes with. */
export interface BackwardEmitter {
  w: CodeWriter;
  rt: RuntimeImports;
  /** The expression of one of the node's weights (its owner's, for a use of a shared layer). */
  weight(node: LayerNode, name: string): string;
  /** Whether any of the node's inputs needs a gradient (not one computed only from the data). */
  inputNeeded(node: LayerNode): boolean;
}

export interface LayerBackward {
  /**
   * The layer applies its `activation:` argument last (dense, conv), so backward.ts takes the
   * activation's derivative before the rule sees dL/dz. Other layers' `activation:` (a recurrent
   * cell's) is the rule's own business.
   */
  appliesActivation?: boolean;
  /** Why this use of the layer has no derived gradient (an argument it does not cover), or null. */
  obstacle?(node: LayerNode): string | null;
  /** The layer's expression in the derived forward pass, where it must keep something for the backward pass (lines before it may be emitted). */
  forward?(node: LayerNode, e: BackwardEmitter): string;
  /**
   * The gradient of each of the layer's weights from dL/dz `d`, as expressions by weight name
   * (lines they need may be emitted first). `specs` are the weights (the owner's, when shared);
   * `pooled` is the same gradient at a max pooling's size, which sums to the same bias gradient.
   */
  weights?(node: LayerNode, d: string, e: BackwardEmitter, specs: readonly WeightSpec[], pooled: string | null): Record<string, string>;
  /**
   * dL/d(each input) from dL/dz `d`, as expressions, for the inputs marked `needed` (null for the
   * others); absent when no gradient flows to the input (embedding ids). Lines may be emitted first.
   */
  inputs?(node: LayerNode, d: string, e: BackwardEmitter, needed: readonly boolean[]): (string | null)[];
}

/** `$` cannot occur in a .nn name, so these locals never collide with the forward pass's. */
export const gradLocal = (node: LayerNode, weight: string) => `g$${node.local}$${weight}`;
const statsLocal = (node: LayerNode) => `stats$${node.local}`;
const normalisedLocal = (node: LayerNode) => `xhat$${node.local}`;
export const maskLocal = (node: LayerNode) => `mask$${node.local}`;
/** What a layer's traced forward call returns (`{ output, trace }`), and its backward call's result. */
const traceLocal = (node: LayerNode, suffix = '') => `tr$${node.local}${suffix}`;
const backLocal = (node: LayerNode, suffix = '') => `bp$${node.local}${suffix}`;

/** A rule for a layer of one input whose gradient is one expression. */
const single = (gradient: (node: LayerNode, d: string, e: BackwardEmitter) => string) => (node: LayerNode, d: string, e: BackwardEmitter, needed: readonly boolean[]) =>
  [needed[0] ? gradient(node, d, e) : null];

/** The window, strides and padding of a pooling node (strides default to the window), as emitted arguments. */
function poolArgs(node: LayerNode, n: number): { window: number[]; strides: number[]; pad: string } {
  const window = tupleOf(node.args, 'pool_size', n);
  const strides = node.args['strides'] !== undefined ? tupleOf(node.args, 'strides', n) : window;
  return { window, strides, pad: str(node.args['padding'] as string) };
}

/** The strides (one number for conv1d) and padding of a conv node, as emitted arguments. */
function convArgs(node: LayerNode, n: number): { stride: string; pad: string } {
  const strides = tupleOf(node.args, 'strides', n);
  return { stride: n === 1 ? String(strides[0]) : numberList(strides), pad: str(node.args['padding'] as string) };
}

const lastSize = (node: LayerNode, shape = node.input.shape) => knownSize(shape[shape.length - 1]) ?? 0;

const dense: LayerBackward = {
  appliesActivation: true,
  weights(node, d, e, _specs, pooled) {
    const x = node.input.id;
    if (node.input.shape.length === 2) return { kernel: `tf.matMul(tf.transpose(${x}), ${d})`, bias: `tf.sum(${d}, 0)` };
    // On a sequence the forward pass is one matmul over every step: the same here, in 2-D.
    const d2 = `tf.reshape(${d}, [-1, ${lastSize(node, node.shape)}])`;
    return { kernel: `tf.matMul(tf.transpose(tf.reshape(${x}, [-1, ${lastSize(node)}])), ${d2})`, bias: `${e.rt.use('sumToChannels')}(${pooled ?? d})` };
  },
  inputs: single((node, d, e) => {
    const kernel = e.weight(node, 'kernel');
    if (node.input.shape.length === 2) return `tf.matMul(${d}, tf.transpose(${kernel}))`;
    return `tf.reshape(tf.matMul(tf.reshape(${d}, [-1, ${lastSize(node, node.shape)}]), tf.transpose(${kernel})), ${node.input.id}.shape)`;
  }),
};

const dilatedLocal = (node: LayerNode) => `dc$${node.local}`;

function conv(n: 1 | 2 | 3, transposed = false): LayerBackward {
  const dilations = (node: LayerNode) => (transposed ? [] : tupleOf(node.args, 'dilation_rate', n));
  const dilated = (node: LayerNode) => dilations(node).some((r) => r > 1);
  return {
    appliesActivation: true,
    weights(node, d, e, specs, pooled) {
      const { stride, pad } = convArgs(node, n);
      const kernel = specs.find((s) => s.name === 'kernel')!;
      // The bias gradient sums over every axis but the channels': of dL/dz, or of the smaller
      // gradient a max pooling above routes from (see backward.ts).
      const bias = pooled === null ? `tf.sum(${d}, ${numberList(Array.from({ length: n + 1 }, (_, i) => i))})` : `${e.rt.use('sumToChannels')}(${pooled})`;
      if (dilated(node)) {
        // Both gradients from one call (runtime/dilated-conv.ts: tfjs has none for dilation > 1).
        const rates = n === 1 ? String(dilations(node)[0]) : numberList(dilations(node));
        const input = e.inputNeeded(node) ? '' : ', false';
        e.w.line(`const ${dilatedLocal(node)} = ${e.rt.use(`dilatedConv${n}dGradients`)}(${node.input.id}, ${d}, ${e.weight(node, 'kernel')}, ${pad}, ${rates}${input});`);
        return { kernel: `${dilatedLocal(node)}.dFilter`, bias };
      }
      const op = transposed ? 'conv2dTransposeKernelGradient' : `conv${n}dKernelGradient`;
      return { kernel: `${e.rt.use(op)}(${node.input.id}, ${d}, ${numberList(kernel.shape)}, ${stride}, ${pad})`, bias };
    },
    inputs: single((node, d, e) => {
      const { stride, pad } = convArgs(node, n);
      if (dilated(node)) return `${dilatedLocal(node)}.dx!`;
      if (transposed) return `${e.rt.use('conv2dTransposeInputGradient')}(${d}, ${e.weight(node, 'kernel')}, ${stride}, ${pad})`;
      return `${e.rt.use(`conv${n}dInputGradient`)}(${node.input.id}, ${d}, ${e.weight(node, 'kernel')}, ${stride}, ${pad})`;
    }),
  };
}

function pool(n: 1 | 2 | 3, kind: 'max' | 'avg'): LayerBackward {
  return {
    inputs: single((node, d, e) => {
      const { window, strides, pad } = poolArgs(node, n);
      const sizes = n === 1 ? `${window[0]}, ${strides[0]}` : `${numberList(window)}, ${numberList(strides)}`;
      return kind === 'max'
        ? `${e.rt.use(`maxPool${n}dGradient`)}(${d}, ${node.input.id}, ${node.local}, ${sizes}, ${pad})`
        : `${e.rt.use(`avgPool${n}dGradient`)}(${d}, ${node.input.id}, ${sizes}, ${pad})`;
    }),
  };
}

const globalMaxPool: LayerBackward = { inputs: single((node, d, e) => `${e.rt.use('globalMaxPoolGradient')}(${d}, ${node.input.id}, ${node.local})`) };
const globalAvgPool: LayerBackward = { inputs: single((node, d, e) => `${e.rt.use('globalAvgPoolGradient')}(${d}, ${node.input.id})`) };
const upSampling = (n: 1 | 2): LayerBackward => ({
  inputs: single((node, d, e) => `${e.rt.use('upSamplingGradient')}(${d}, ${node.input.id}, ${numberList(tupleOf(node.args, 'size', n))})`),
});
const reshaping: LayerBackward = { inputs: single((node, d) => `tf.reshape(${d}, ${node.input.id}.shape)`) };
/** An activation layer: backward.ts has applied its derivative, so `d` is already at its input. */
export const passThrough: LayerBackward = { inputs: single((_node, d) => d) };

const dropout: LayerBackward = {
  // It keeps its mask for the backward pass, drawn from the stream rt.dropout draws from.
  forward(node, e) {
    const rate = node.args['rate'] as number;
    if (rate <= 0) return node.input.id; // as rt.dropout, which draws nothing then
    e.w.line(`const ${maskLocal(node)} = ${e.rt.use('dropoutMask')}(${node.input.id}.shape, ${num(rate)});`);
    return `tf.mul(${node.input.id}, ${maskLocal(node)})`;
  },
  inputs: single((node, d) => ((node.args['rate'] as number) > 0 ? `tf.mul(${d}, ${maskLocal(node)})` : d)),
};

const batchNormalization: LayerBackward = {
  // The statistics rt.batchNormTraining computes (and its update of the moving ones), kept.
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

const layerNormalization: LayerBackward = {
  // rt.layerNorm's own ops, with the variance and x̂ kept.
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

const embedding: LayerBackward = {
  weights: (node, d, e) => ({ embeddings: `${e.rt.use('embeddingGradient')}(${d}, ${node.input.id}, ${node.args['input_dim'] as number})` }),
};

const maxout: LayerBackward = {
  inputs: single((node, d, e) => `${e.rt.use('maxoutGradient')}(${d}, ${node.input.id}, ${node.local}, ${node.args['units'] as number})`),
};

const repeatVector: LayerBackward = { inputs: single((_node, d) => `tf.sum(${d}, 1)`) };

const positionalEncoding: LayerBackward = {
  weights: (node, d, e, specs) => ({ embeddings: `${e.rt.use('learnedPositionsGradient')}(${d}, ${specs.find((s) => s.name === 'embeddings')?.shape[0] ?? 0})` }),
  inputs: single((_node, d) => d),
};


/**
 * simple_rnn, lstm, gru: the forward pass through the runtime's `…ForwardTrace` (the same ops as
 * `rt.lstm` & co., keeping every step's gates and states), backpropagation through time by
 * `rt.…Backward`. A bidirectional layer is two traces, its gradient split between them.
 */
function recurrent(kind: 'simple_rnn' | 'lstm' | 'gru'): LayerBackward {
  const fn = { simple_rnn: 'simpleRnn', lstm: 'lstm', gru: 'gru' }[kind];
  const directions = (node: LayerNode) => (node.args['bidirectional'] === true ? ['forward_', 'backward_'] : ['']);
  const suffix = (prefix: string) => (prefix === '' ? '' : prefix === 'forward_' ? '$f' : '$b');
  return {
    forward(node, e) {
      const outputs = directions(node).map((prefix) => {
        const bias = node.args['use_bias'] !== false ? e.weight(node, `${prefix}bias`) : 'undefined';
        const args = [node.input.id, e.weight(node, `${prefix}kernel`), e.weight(node, `${prefix}recurrent_kernel`), bias];
        if (kind === 'simple_rnn') args.push(`(v: tf.Tensor) => ${emitActivation(node.args['activation'] as ActivationValue, 'v', (name) => e.rt.use(name))}`);
        args.push(`{ units: ${node.args['units'] as number}, returnSequences: ${node.args['return_sequences'] === true}${prefix === 'backward_' ? ', backwards: true' : ''} }`);
        e.w.line(`const ${traceLocal(node, suffix(prefix))} = ${e.rt.use(`${fn}ForwardTrace`)}(${args.join(', ')});`);
        return `${traceLocal(node, suffix(prefix))}.output`;
      });
      return outputs.length === 1 ? outputs[0]! : `${e.rt.use('concatDirections')}(${outputs[0]}, ${outputs[1]})`;
    },
    weights(node, d, e) {
      const prefixes = directions(node);
      if (prefixes.length === 2) e.w.line(`const [${d}$f, ${d}$b] = ${e.rt.use('splitDirections')}(${d});`);
      const gradients: Record<string, string> = {};
      for (const prefix of prefixes) {
        const trace = traceLocal(node, suffix(prefix));
        const dOut = prefixes.length === 2 ? `${d}${suffix(prefix)}` : d;
        const activation = node.args['activation'] as ActivationValue | undefined;
        const args = [`${trace}.trace`, dOut];
        if (kind === 'simple_rnn') args.push(str(activation?.name ?? 'tanh'), activation?.alpha !== undefined ? num(activation.alpha) : 'undefined');
        // A first layer reads the data: nothing needs its input gradient.
        if (!e.inputNeeded(node)) args.push('{ inputGradient: false }');
        else if (kind === 'simple_rnn' && activation?.alpha === undefined) args.pop();
        e.w.line(`const ${backLocal(node, suffix(prefix))} = ${e.rt.use(`${fn}Backward`)}(${args.join(', ')});`);
        const back = backLocal(node, suffix(prefix));
        Object.assign(gradients, { [`${prefix}kernel`]: `${back}.dKernel`, [`${prefix}recurrent_kernel`]: `${back}.dRecurrentKernel`, [`${prefix}bias`]: `${back}.dBias!` });
      }
      return gradients;
    },
    inputs: single((node) => (node.args['bidirectional'] === true ? `tf.add(${backLocal(node, '$f')}.dx!, ${backLocal(node, '$b')}.dx!)` : `${backLocal(node)}.dx!`)),
  };
}

/**
 * Emits the layer's own call with runtime functions renamed to their `…ForwardTrace` versions
 * (the same ops, keeping what the backward pass needs) as `tr$<layer>`; returns its output.
 */
function tracedCall(node: LayerNode, e: BackwardEmitter, rename: (name: string) => string, training: string): string {
  const context: EmitContext = {
    input: node.input.id,
    inputs: node.inputs.map((i) => i.id),
    args: node.args,
    inputShape: node.input.shape,
    outputShape: node.shape,
    weight: (name) => e.weight(node, name),
    runtime: (name) => e.rt.use(rename(name)),
    training,
    id: node.id,
  };
  e.w.line(`const ${traceLocal(node)} = ${node.def.emit(context)};`);
  return `${traceLocal(node)}.output`;
}

/** Emits `bp$<layer> = rt.<backward>(trace, d)`; the weights' gradients are its `dWeights` fields. */
function backwardByFields(node: LayerNode, d: string, e: BackwardEmitter, specs: readonly WeightSpec[], backward: string, fields: readonly [string, string][]): Record<string, string> {
  const options = e.inputNeeded(node) ? '' : ', { inputGradient: false }';
  e.w.line(`const ${backLocal(node)} = ${e.rt.use(backward)}(${traceLocal(node)}.trace, ${d}${options});`);
  const names = new Set(specs.map((spec) => spec.name));
  return Object.fromEntries(fields.filter(([, name]) => names.has(name)).map(([field, name]) => [name, `${backLocal(node)}.dWeights.${field}!`]));
}

const ATTENTION_FIELDS: readonly [string, string][] = [
  ['queryKernel', 'query_kernel'],
  ['keyKernel', 'key_kernel'],
  ['valueKernel', 'value_kernel'],
  ['outputKernel', 'output_kernel'],
  ['queryBias', 'query_bias'],
  ['keyBias', 'key_bias'],
  ['valueBias', 'value_bias'],
  ['outputBias', 'output_bias'],
];

/**
 * multi_head_attention (self) and cross_attention: the layer's own emitted call with the runtime's
 * `…ForwardTrace` in place of the plain function (the same ops, keeping the projections and the
 * attention weights), and `rt.multiHeadAttentionBackward`.
 */
function attention(self: boolean): LayerBackward {
  const traced: Record<string, string> = { multiHeadSelfAttention: 'multiHeadSelfAttentionForwardTrace', multiHeadAttention: 'multiHeadAttentionForwardTrace' };
  return {
    forward: (node, e) => tracedCall(node, e, (name) => traced[name] ?? name, 'training'),
    weights: (node, d, e, specs) => backwardByFields(node, d, e, specs, 'multiHeadAttentionBackward', ATTENTION_FIELDS),
    inputs: (node, _d, _e, needed) =>
      self ? [needed[0] ? `tf.add(${backLocal(node)}.dQuery!, ${backLocal(node)}.dMemory!)` : null] : [needed[0] ? `${backLocal(node)}.dQuery!` : null, needed[1] ? `${backLocal(node)}.dMemory!` : null],
  };
}

const TRANSFORMER_FIELDS: readonly [string, string][] = [
  ...ATTENTION_FIELDS,
  ['norm1Gamma', 'norm1_gamma'],
  ['norm1Beta', 'norm1_beta'],
  ['ffnKernel1', 'ffn_kernel1'],
  ['ffnBias1', 'ffn_bias1'],
  ['ffnKernel2', 'ffn_kernel2'],
  ['ffnBias2', 'ffn_bias2'],
  ['norm2Gamma', 'norm2_gamma'],
  ['norm2Beta', 'norm2_beta'],
];

/**
 * transformer_encoder and transformer_decoder: the layer's own emitted call with
 * `rt.transformerBlockForwardTrace` in place of `rt.transformerBlock` (the same ops and dropout
 * draws, in training, keeping attention's trace, the masks, the layer norms' statistics and the
 * FFN's hidden layer), and `rt.transformerBlockBackward`.
 */
const transformer: LayerBackward = {
  // lossAndGradients is a training step: dropout is on.
  forward: (node, e) => tracedCall(node, e, (name) => (name === 'transformerBlock' ? 'transformerBlockForwardTrace' : name), 'true'),
  weights: (node, d, e, specs) => backwardByFields(node, d, e, specs, 'transformerBlockBackward', TRANSFORMER_FIELDS),
  inputs: single((node) => `${backLocal(node)}.dx!`),
};

/** add, subtract, multiply: element-wise over inputs of one shape. */
function elementwise(op: 'add' | 'sub' | 'mul'): LayerBackward {
  return {
    inputs: (node, d, _e, needed) =>
      node.inputs.map((_, k) => {
        if (!needed[k]) return null;
        if (op === 'add') return d;
        if (op === 'sub') return k === 0 ? d : `tf.neg(${d})`;
        const others = node.inputs.filter((_i, j) => j !== k).map((i) => i.id);
        return `tf.mul(${d}, ${others.reduce((acc, x) => `tf.mul(${acc}, ${x})`)})`;
      }),
  };
}

const concat: LayerBackward = {
  inputs(node, d, e, needed) {
    const rank = node.shape.length;
    const given = (node.args['axis'] as number | undefined) ?? -1;
    const axis = given < 0 ? rank + given : given;
    // Each input's share of the joined axis: its size where known, else read at run time.
    const sizes = node.inputs.map((i) => String(knownSize(i.shape[axis]) ?? `${i.id}.shape[${axis}]!`));
    const parts = node.inputs.map((_, k) => (needed[k] ? `d$${node.local}$${k}` : ''));
    e.w.line(`const [${parts.join(', ')}] = tf.split(${d}, [${sizes.join(', ')}], ${axis});`);
    return parts.map((p) => (p === '' ? null : p));
  },
};

/** Every layer the derived pass differentiates, by name (activation layers are handled by backward.ts). */
export const backwardRules: ReadonlyMap<string, LayerBackward> = new Map<string, LayerBackward>([
  ['dense', dense],
  ['conv1d', conv(1)],
  ['conv2d', conv(2)],
  ['conv3d', conv(3)],
  ['conv2d_transpose', conv(2, true)],
  ['max_pooling1d', pool(1, 'max')],
  ['max_pooling2d', pool(2, 'max')],
  ['average_pooling1d', pool(1, 'avg')],
  ['average_pooling2d', pool(2, 'avg')],
  ['max_pooling3d', pool(3, 'max')],
  ['average_pooling3d', pool(3, 'avg')],
  ['global_max_pooling1d', globalMaxPool],
  ['global_max_pooling2d', globalMaxPool],
  ['global_average_pooling1d', globalAvgPool],
  ['global_average_pooling2d', globalAvgPool],
  ['up_sampling1d', upSampling(1)],
  ['up_sampling2d', upSampling(2)],
  ['flatten', reshaping],
  ['reshape', reshaping],
  ['dropout', dropout],
  ['batch_normalization', batchNormalization],
  ['layer_normalization', layerNormalization],
  ['embedding', embedding],
  ['maxout', maxout],
  ['repeat_vector', repeatVector],
  ['positional_encoding', positionalEncoding],
  ['add', elementwise('add')],
  ['subtract', elementwise('sub')],
  ['multiply', elementwise('mul')],
  ['concat', concat],
  ['simple_rnn', recurrent('simple_rnn')],
  ['lstm', recurrent('lstm')],
  ['gru', recurrent('gru')],
  ['multi_head_attention', attention(true)],
  ['cross_attention', attention(false)],
  ['transformer_encoder', transformer],
  ['transformer_decoder', transformer],
]);
