// Attention and transformers over [batch, steps, d]: multi-head self-attention (optionally
// causal), positional encodings (sinusoidal or learned), and transformer encoder/decoder blocks.
// tfjs has no attention layer: the computation is lowered to tfjs-core ops in runtime/attention.ts.
import { knownSize, showDim, showShape } from '../shapes/dim.js';
import { num } from './activations.js';
import { backLocal, backwardByFields, single, tracedCall } from '../codegen/backward-rules.js';
import type { RuntimeValueName } from '../codegen/runtime-contract.js';
import { elementwise, exampleSize, products, times } from './flops.js';
import type { EmitContext, FlopsContext, LayerBackward, LayerDef, ParamSpec, ShapeContext, WeightSpec } from './types.js';

/** The runtime's trace fields of attention's gradients, and the weights they belong to. */
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
 * multi_head_attention (self) and cross_attention: the layer's own emitted call with the runtime's
 * `…ForwardTrace` in place of the plain function (the same ops, keeping the projections and the
 * attention weights), and `rt.multiHeadAttentionBackward`.
 */
function attentionBackward(self: boolean): LayerBackward {
  const traced: Partial<Record<RuntimeValueName, RuntimeValueName>> = { multiHeadSelfAttention: 'multiHeadSelfAttentionForwardTrace', multiHeadAttention: 'multiHeadAttentionForwardTrace' };
  return {
    forward: (node, e) => tracedCall(node, e, (name) => traced[name] ?? name, 'training'),
    weights: (node, d, e, specs) => backwardByFields(node, d, e, specs, 'multiHeadAttentionBackward', ATTENTION_FIELDS),
    inputs: (node, _d, _e, needed) =>
      self ? [needed[0] ? `tf.add(${backLocal(node)}.dQuery!, ${backLocal(node)}.dMemory!)` : null] : [needed[0] ? `${backLocal(node)}.dQuery!` : null, needed[1] ? `${backLocal(node)}.dMemory!` : null],
  };
}

/**
 * transformer_encoder and transformer_decoder: the layer's own emitted call with
 * `rt.transformerBlockForwardTrace` in place of `rt.transformerBlock` (the same ops and dropout
 * draws, in training, keeping attention's trace, the masks, the layer norms' statistics and the
 * FFN's hidden layer), and `rt.transformerBlockBackward`.
 */
const transformerBackward: LayerBackward = {
  // lossAndGradients is a training step: dropout is on.
  forward: (node, e) => tracedCall(node, e, (name) => (name === 'transformerBlock' ? 'transformerBlockForwardTrace' : name), 'true'),
  weights: (node, d, e, specs) => backwardByFields(node, d, e, specs, 'transformerBlockBackward', TRANSFORMER_FIELDS),
  inputs: single((node) => `${backLocal(node)}.dx!`),
};

/**
 * Attention's multiply-adds, `hk` = heads·key_dim: the query projection (tq·dq·hk), the key and
 * value projections (2·tk·dk·hk), the scores and the weighted values (2·tq·tk·hk), the output
 * projection (tq·hk·dq). A causal mask hides scores but they are computed all the same.
 */
function attentionMultiplyAdds(tq: number | undefined, dq: number | undefined, tk: number | undefined, dk: number | undefined, hk: number | undefined): number | undefined {
  const [q, kv, scores, out] = [times(tq, dq, hk), times(2, tk, dk, hk), times(2, tq, tk, hk), times(tq, hk, dq)];
  return q === undefined || kv === undefined || scores === undefined || out === undefined ? undefined : q + kv + scores + out;
}

/** heads·key_dim of an attention layer (key_dim defaults to d / heads). */
function headWidth(ctx: FlopsContext, d: number | undefined): number | undefined {
  const heads = ctx.args['heads'] as number;
  const given = ctx.args['key_dim'] as number | undefined;
  return given !== undefined ? heads * given : d;
}

/** The model width d of a [batch, steps, d] input, or undefined after reporting. */
function modelWidth(ctx: ShapeContext, layer: string): number | undefined {
  if (ctx.input.length !== 3) {
    ctx.error('NN3101', `\`${layer}\` reads a sequence of vectors [batch, steps, d], found rank ${ctx.input.length} ${showShape(ctx.input)}`, {
      expected: '[batch, steps, d]',
      found: showShape(ctx.input),
      help: ctx.input.length === 2 ? 'turn token ids into vectors first, e.g. `embedding(vocab, 64)`' : 'reshape the input to [batch, steps, d]',
    });
    return undefined;
  }
  const d = ctx.input[2]!;
  if (d.kind === 'unknown') return 0;
  const n = knownSize(d);
  if (n === undefined) {
    ctx.error('NN3104', `\`${layer}\` needs the model width (the last axis), but it is \`${showDim(d)}\``, { help: "give the last axis a number in the model's input type" });
    return undefined;
  }
  return n;
}

/** key_dim, given or d / heads; heads must divide d when it is derived. */
function keyDim(ctx: ShapeContext, layer: string, d: number): number | undefined {
  const heads = ctx.args['heads'] as number;
  const given = ctx.args['key_dim'] as number | undefined;
  if (given !== undefined) return given;
  if (d % heads !== 0) {
    const divisors = Array.from({ length: d }, (_, i) => i + 1).filter((k) => d % k === 0 && k <= 16);
    ctx.error('NN3013', `${heads} attention heads do not divide the model width ${d}`, {
      label: `${d} / ${heads} is not a whole number`,
      expected: `heads dividing ${d}`,
      found: `heads: ${heads}`,
      help: `each head gets d / heads features: use ${divisors.map(String).join(', ')} heads${layer === 'multi_head_attention' ? ', or give `key_dim`' : ''}`,
      at: 'heads',
      ...(ctx.argSpans?.['heads'] && divisors.length > 0
        ? { fixes: [{ title: `Use ${nearest(divisors, heads)} heads`, edits: [{ span: ctx.argSpans['heads'], newText: ctx.argSpans['heads'].end - ctx.argSpans['heads'].start > String(heads).length ? `heads: ${nearest(divisors, heads)}` : String(nearest(divisors, heads)) }] }] }
        : {}),
    });
    return undefined;
  }
  return d / heads;
}

function nearest(candidates: number[], target: number): number {
  return candidates.reduce((best, c) => (Math.abs(c - target) < Math.abs(best - target) ? c : best));
}

/** A projection kernel (regularised) or a bias (not). */
const projection = (name: string, shape: number[], init: WeightSpec['init'] = 'glorot_uniform'): WeightSpec => ({ name, shape, init, trainable: true, regularized: init === 'glorot_uniform' });

function attentionWeights(d: number, heads: number, k: number, useBias: boolean): WeightSpec[] {
  const w = projection;
  const specs: WeightSpec[] = [];
  for (const p of ['query', 'key', 'value']) {
    specs.push(w(`${p}_kernel`, [d, heads, k]));
    if (useBias) specs.push(w(`${p}_bias`, [heads, k], 'zeros'));
  }
  specs.push(w('output_kernel', [heads, k, d]));
  if (useBias) specs.push(w('output_bias', [d], 'zeros'));
  return specs;
}

function attentionObject(ctx: EmitContext, useBias: boolean): string[] {
  const fields = [`queryKernel: ${ctx.weight('query_kernel')}`, `keyKernel: ${ctx.weight('key_kernel')}`, `valueKernel: ${ctx.weight('value_kernel')}`, `outputKernel: ${ctx.weight('output_kernel')}`];
  if (useBias) fields.push(`queryBias: ${ctx.weight('query_bias')}`, `keyBias: ${ctx.weight('key_bias')}`, `valueBias: ${ctx.weight('value_bias')}`, `outputBias: ${ctx.weight('output_bias')}`);
  return fields;
}

const headsParam: ParamSpec = { name: 'heads', type: 'int', positional: true, required: true, min: 1, doc: 'Number of attention heads.' };

export const multiHeadAttention: LayerDef = {
  name: 'multi_head_attention',
  kerasClass: 'MultiHeadAttention',
  doc: 'Multi-head self-attention: every position attends to every position (or, with `causal: true`, to itself and earlier ones). [batch, steps, d] → the same shape. Parameters: 3·(d·heads·key_dim + heads·key_dim) + heads·key_dim·d + d.',
  params: [
    headsParam,
    { name: 'key_dim', type: 'int', min: 1, doc: 'Size of each head’s queries and keys; defaults to d / heads.' },
    { name: 'causal', type: 'bool', default: false, doc: 'Mask later positions (for decoders and language models).' },
    { name: 'use_bias', type: 'bool', default: true, doc: 'Whether the projections have biases.' },
  ],
  outputShape(ctx) {
    const d = modelWidth(ctx, 'multi_head_attention');
    if (d === undefined || keyDim(ctx, 'multi_head_attention', d) === undefined) return undefined;
    return ctx.input;
  },
  weights(ctx) {
    const d = knownSize(ctx.input[2]) ?? 0;
    const k = (ctx.args['key_dim'] as number | undefined) ?? d / (ctx.args['heads'] as number);
    return attentionWeights(d, ctx.args['heads'] as number, k, ctx.args['use_bias'] !== false);
  },
  emit(ctx) {
    const d = knownSize(ctx.inputShape[2]) ?? 0;
    const heads = ctx.args['heads'] as number;
    const k = (ctx.args['key_dim'] as number | undefined) ?? d / heads;
    return `${ctx.runtime('multiHeadSelfAttention')}(${ctx.input}, { ${attentionObject(ctx, ctx.args['use_bias'] !== false).join(', ')} }, { heads: ${heads}, keyDim: ${k}, causal: ${ctx.args['causal'] === true} })`;
  },
  backward: attentionBackward(true),
  flops(ctx) {
    const [t, d] = [knownSize(ctx.input[1]), knownSize(ctx.input[2])];
    return products(attentionMultiplyAdds(t, d, t, d, headWidth(ctx, d)));
  },
};

/** Keras' MultiHeadAttention weights when queries (width dq) and keys/values (width dk) differ. */
function crossAttentionWeights(dq: number, dk: number, heads: number, k: number, useBias: boolean): WeightSpec[] {
  const w = projection;
  const specs: WeightSpec[] = [];
  for (const [p, width] of [['query', dq], ['key', dk], ['value', dk]] as const) {
    specs.push(w(`${p}_kernel`, [width, heads, k]));
    if (useBias) specs.push(w(`${p}_bias`, [heads, k], 'zeros'));
  }
  specs.push(w('output_kernel', [heads, k, dq]));
  if (useBias) specs.push(w('output_bias', [dq], 'zeros'));
  return specs;
}

export const crossAttention: LayerDef = {
  name: 'cross_attention',
  kerasClass: 'MultiHeadAttention',
  doc: 'Multi-head attention of one sequence over another (a decoder over its encoder’s output): `cross_attention(4, memory)` in a chain, or `cross_attention(4, query, memory)`. The output has the query’s shape [batch, steps, d]; the memory is [batch, steps₂, e]. Parameters: (d + 2e)·heads·key_dim + 3·heads·key_dim + heads·key_dim·d + d.',
  params: [
    headsParam,
    { name: 'key_dim', type: 'int', min: 1, doc: 'Size of each head’s queries and keys; defaults to d / heads (d: the query’s width).' },
    { name: 'causal', type: 'bool', default: false, doc: 'Query step i attends only to memory steps up to i.' },
    { name: 'use_bias', type: 'bool', default: true, doc: 'Whether the projections have biases.' },
  ],
  inputCount: { min: 2, max: 2 },
  outputShape(ctx) {
    const d = modelWidth(ctx, 'cross_attention');
    if (d === undefined) return undefined;
    const memory = ctx.inputs[1]!;
    if (memory.length !== 3) {
      ctx.error('NN3101', `the memory of \`cross_attention\` is a sequence [batch, steps, width], found rank ${memory.length} ${showShape(memory)}`, {
        expected: '[batch, steps, width]',
        found: showShape(memory),
        help: 'attend over the output of a sequence layer (an encoder), e.g. `transformer_encoder` or `lstm(…, return_sequences: true)`',
      });
      return undefined;
    }
    const width = memory[2]!;
    if (width.kind !== 'const' && width.kind !== 'unknown') {
      ctx.error('NN3104', `\`cross_attention\` needs the width of its memory, but it is \`${showDim(width)}\``, { help: "give that axis a number in the model's input type" });
      return undefined;
    }
    if (keyDim(ctx, 'multi_head_attention', d) === undefined) return undefined;
    return ctx.input;
  },
  weights(ctx) {
    const dq = knownSize(ctx.input[2]) ?? 0;
    const dk = knownSize(ctx.inputs[1]?.[2]) ?? 0;
    const heads = ctx.args['heads'] as number;
    const k = (ctx.args['key_dim'] as number | undefined) ?? dq / heads;
    return crossAttentionWeights(dq, dk, heads, k, ctx.args['use_bias'] !== false);
  },
  emit(ctx) {
    const d = knownSize(ctx.inputShape[2]) ?? 0;
    const heads = ctx.args['heads'] as number;
    const k = (ctx.args['key_dim'] as number | undefined) ?? d / heads;
    return `${ctx.runtime('multiHeadAttention')}(${ctx.inputs[0]}, ${ctx.inputs[1]}, { ${attentionObject(ctx, ctx.args['use_bias'] !== false).join(', ')} }, { heads: ${heads}, keyDim: ${k}, causal: ${ctx.args['causal'] === true} })`;
  },
  backward: attentionBackward(false),
  flops(ctx) {
    const memory = ctx.inputs[1] ?? [];
    const dq = knownSize(ctx.input[2]);
    return products(attentionMultiplyAdds(knownSize(ctx.input[1]), dq, knownSize(memory[1]), knownSize(memory[2]), headWidth(ctx, dq)));
  },
};

export const positionalEncoding: LayerDef = {
  name: 'positional_encoding',
  kerasClass: 'PositionEncoding',
  doc: 'Adds to each position of [batch, steps, d] a vector that encodes the position: fixed sines and cosines (`sinusoidal`) or learned (`learned`, one weight vector per position). Shape unchanged. Parameters: 0, or max_length·d when learned.',
  params: [
    { name: 'mode', type: 'choice', choices: ['sinusoidal', 'learned'], positional: true, default: 'sinusoidal', doc: '`sinusoidal` (no weights) or `learned`.' },
    { name: 'max_length', type: 'int', min: 1, doc: 'Longest sequence a `learned` encoding supports; defaults to the steps axis when it is a number.' },
  ],
  outputShape(ctx) {
    const d = modelWidth(ctx, 'positional_encoding');
    if (d === undefined) return undefined;
    if (ctx.args['mode'] === 'learned') {
      const steps = ctx.input[1]!;
      const max = ctx.args['max_length'] as number | undefined;
      const n = knownSize(steps);
      if (max === undefined && n === undefined && steps.kind !== 'unknown') {
        ctx.error('NN3104', `a \`learned\` positional encoding needs \`max_length\`: the steps axis is \`${showDim(steps)}\``, { help: 'give `max_length: N`, the longest sequence it will see' });
        return undefined;
      }
      if (max !== undefined && n !== undefined && n > max) {
        ctx.error('NN3102', `the input has ${n} steps, more than \`max_length: ${max}\``, { expected: `at most ${max} steps`, found: showShape(ctx.input), help: `raise \`max_length\` to ${n}`, at: 'max_length', fixes: ctx.argSpans?.['max_length'] ? [{ title: `Change to \`max_length: ${n}\``, edits: [{ span: ctx.argSpans['max_length'], newText: `max_length: ${n}` }] }] : [] });
        return undefined;
      }
    }
    return ctx.input;
  },
  weights(ctx) {
    if (ctx.args['mode'] !== 'learned') return [];
    const max = (ctx.args['max_length'] as number | undefined) ?? knownSize(ctx.input[1]) ?? 0;
    // An embedding table, not a kernel: not regularised (as `embedding`).
    return [{ name: 'embeddings', shape: [max, knownSize(ctx.input[2]) ?? 0], init: 'glorot_uniform', trainable: true, regularized: false }];
  },
  emit: (ctx) =>
    ctx.args['mode'] === 'learned' ? `${ctx.runtime('addLearnedPositions')}(${ctx.input}, ${ctx.weight('embeddings')})` : `${ctx.runtime('addSinusoidalPositions')}(${ctx.input})`,
  // The gradient passes through the add; a learned table's rows get the gradient summed over the batch.
  backward: {
    weights: (node, d, e, specs) => ({ embeddings: `${e.rt.use('learnedPositionsGradient')}(${d}, ${specs.find((s) => s.name === 'embeddings')?.shape[0] ?? 0})` }),
    inputs: single((_node, d) => d),
  },
  // One add per value.
  flops: (ctx) => elementwise(exampleSize(ctx.output)),
};

function transformerLayer(kind: 'encoder' | 'decoder'): LayerDef {
  const name = `transformer_${kind}`;
  return {
    name,
    kerasClass: kind === 'encoder' ? 'TransformerEncoder' : 'TransformerDecoder',
    doc:
      kind === 'encoder'
        ? 'A transformer encoder block (post-norm, as keras_nlp): self-attention, add & layer norm, a relu feed-forward network, add & layer norm. [batch, steps, d] → the same shape; heads must divide d. Parameters: attention (key_dim = d / heads) + 4d + 2·d·ff_dim + ff_dim + d.'
        : 'A transformer decoder block with causal self-attention (keras_nlp TransformerDecoder without an encoder sequence; no cross-attention: compose one with `cross_attention`). Shape and parameters as `transformer_encoder`.',
    params: [
      headsParam,
      { name: 'ff_dim', type: 'int', positional: true, required: true, min: 1, doc: 'Width of the feed-forward network’s hidden layer.' },
      { name: 'dropout', type: 'float', default: 0, min: 0, max: 0.99, doc: 'Dropout after attention and after the feed-forward network, in training.' },
      { name: 'epsilon', type: 'float', default: 1e-5, greaterThan: 0, doc: 'Layer norm epsilon.' },
    ],
    usesTraining: true,
    outputShape(ctx) {
      const d = modelWidth(ctx, name);
      if (d === undefined || keyDim(ctx, name, d) === undefined) return undefined;
      return ctx.input;
    },
    weights(ctx) {
      const d = knownSize(ctx.input[2]) ?? 0;
      const heads = ctx.args['heads'] as number;
      const ff = ctx.args['ff_dim'] as number;
      const w = projection;
      return [
        ...attentionWeights(d, heads, d / heads, true),
        w('norm1_gamma', [d], 'ones'),
        w('norm1_beta', [d], 'zeros'),
        w('ffn_kernel1', [d, ff], 'glorot_uniform'),
        w('ffn_bias1', [ff], 'zeros'),
        w('ffn_kernel2', [ff, d], 'glorot_uniform'),
        w('ffn_bias2', [d], 'zeros'),
        w('norm2_gamma', [d], 'ones'),
        w('norm2_beta', [d], 'zeros'),
      ];
    },
    emit(ctx) {
      const d = knownSize(ctx.inputShape[2]) ?? 0;
      const heads = ctx.args['heads'] as number;
      const fields = [
        ...attentionObject(ctx, true),
        ...['norm1Gamma:norm1_gamma', 'norm1Beta:norm1_beta', 'ffnKernel1:ffn_kernel1', 'ffnBias1:ffn_bias1', 'ffnKernel2:ffn_kernel2', 'ffnBias2:ffn_bias2', 'norm2Gamma:norm2_gamma', 'norm2Beta:norm2_beta'].map((pair) => {
          const [field, weight] = pair.split(':') as [string, string];
          return `${field}: ${ctx.weight(weight)}`;
        }),
      ];
      const options = `{ heads: ${heads}, keyDim: ${d / heads}, causal: ${kind === 'decoder'}, dropout: ${num(ctx.args['dropout'] as number)}, epsilon: ${num(ctx.args['epsilon'] as number)} }`;
      return `${ctx.runtime('transformerBlock')}(${ctx.input}, { ${fields.join(', ')} }, ${options}, ${ctx.training ?? 'false'})`;
    },
    backward: transformerBackward,
    // Self-attention (heads·key_dim = d) and the feed-forward network's two products (2·t·d·ff_dim);
    // the layer norms, residual adds and relu ride on them, uncounted.
    flops(ctx) {
      const [t, d] = [knownSize(ctx.input[1]), knownSize(ctx.input[2])];
      const attention = attentionMultiplyAdds(t, d, t, d, d);
      const ffn = times(2, t, d, ctx.args['ff_dim'] as number);
      return products(attention === undefined || ffn === undefined ? undefined : attention + ffn);
    },
  };
}

export const transformerEncoder = transformerLayer('encoder');
export const transformerDecoder = transformerLayer('decoder');
