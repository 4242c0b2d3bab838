// Recurrent layers over [batch, steps, features]: simple_rnn, lstm and gru, each with the full
// sequence or the last state, and bidirectional (Keras' Bidirectional, merge_mode concat: two
// sets of weights, outputs side by side). The unrolled computation lives in runtime/recurrent.ts.
import { constDim, knownSize, showDim, showShape } from '../shapes/dim.js';
import { emitActivation, num } from './activations.js';
import { backLocal, single, traceLocal } from '../codegen/backward-rules.js';
import type { RuntimeValueName } from '../codegen/runtime-contract.js';
import { str } from '../codegen/writer.js';
import type { LayerNode } from '../ir.js';
import { products, times } from './flops.js';
import type { ActivationValue, EmitContext, FlopsContext, LayerBackward, LayerDef, ParamSpec, ShapeContext, WeightSpec } from './types.js';

type Kind = 'simple_rnn' | 'lstm' | 'gru';

const gates: Record<Kind, number> = { simple_rnn: 1, lstm: 4, gru: 3 };
const kerasClass: Record<Kind, string> = { simple_rnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' };
/** The runtime's functions of each kind (`lstm`, `lstmForwardTrace`, `lstmBackward`): names the build checks. */
const runtimeName = { simple_rnn: 'simpleRnn', lstm: 'lstm', gru: 'gru' } as const satisfies Record<Kind, RuntimeValueName>;

function params(kind: Kind): ParamSpec[] {
  const ps: ParamSpec[] = [
    { name: 'units', type: 'int', positional: true, required: true, min: 1, doc: 'Size of the hidden state (and of the output per step).' },
    { name: 'return_sequences', type: 'bool', default: false, doc: 'Output the state after every step ([batch, steps, units]) instead of the last one ([batch, units]).' },
    { name: 'bidirectional', type: 'bool', default: false, doc: 'Also read the sequence backwards with a second set of weights, and concatenate the two outputs (2·units).' },
    { name: 'use_bias', type: 'bool', default: true, doc: 'Whether the layer has biases.' },
  ];
  if (kind === 'simple_rnn') ps.push({ name: 'activation', type: 'activation', default: { kind: 'activation', name: 'tanh' }, doc: 'Activation of the new state.' });
  return ps;
}

/** Rank 3 is required; a [batch, n] input gets a mechanical fix: read one feature per step. */
function checkInput(ctx: ShapeContext, kind: Kind): boolean {
  const input = ctx.input;
  if (input.length === 3) {
    const features = input[2]!;
    if (features.kind !== 'const' && features.kind !== 'unknown') {
      ctx.error('NN3104', `\`${kind}\` needs the number of features per step, but it is \`${showDim(features)}\``, { help: "give the last axis a number in the model's input type" });
      return false;
    }
    return true;
  }
  const n = input.length === 2 ? knownSize(input[1]) : undefined;
  ctx.error('NN3101', `\`${kind}\` reads a sequence [batch, steps, features], found rank ${input.length} ${showShape(input)}`, {
    expected: '[batch, steps, features]',
    found: showShape(input),
    help:
      input.length === 2
        ? `a [batch, n] input has no steps axis: \`reshape([${n ?? 'n'}, 1])\` reads it as ${n ?? 'n'} steps of one feature; for token ids use \`embedding(vocab, dim)\` first`
        : 'reshape the input to [batch, steps, features]',
    ...(input.length === 2 && n !== undefined && ctx.span
      ? { fixes: [{ title: `Insert \`reshape([${n}, 1])\` before \`${kind}\``, edits: [{ span: { start: ctx.span.start, end: ctx.span.start }, newText: `reshape([${n}, 1]) |> ` }] }] }
      : {}),
  });
  return false;
}

/** Keras' unit_forget_bias: an LSTM's forget-gate bias starts at 1 (gates i, f, c, o), so it remembers at first. */
function lstmForgetBias(kind: Kind, units: number): { values?: number[] } {
  if (kind !== 'lstm') return {};
  return { values: Array.from({ length: 4 * units }, (_, i) => (i >= units && i < 2 * units ? 1 : 0)) };
}

function directions(bidirectional: boolean): string[] {
  return bidirectional ? ['forward_', 'backward_'] : [''];
}

/**
 * The forward pass through the runtime's `…ForwardTrace` (the same ops as `rt.lstm` & co., keeping
 * every step's gates and states), backpropagation through time by `rt.…Backward`. A bidirectional
 * layer is two traces, its gradient split between them.
 */
function recurrentBackward(kind: Kind): LayerBackward {
  const fn = runtimeName[kind];
  const directionsOf = (node: LayerNode) => directions(node.args['bidirectional'] === true);
  const suffix = (prefix: string) => (prefix === '' ? '' : prefix === 'forward_' ? '$f' : '$b');
  return {
    forward(node, e) {
      const outputs = directionsOf(node).map((prefix) => {
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
      const prefixes = directionsOf(node);
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

/** At every step, each gate's input kernel (features·units) and recurrent kernel (units·units) multiply-adds; twice when bidirectional. */
function recurrentFlops(kind: Kind, ctx: FlopsContext) {
  const units = ctx.args['units'] as number;
  const features = knownSize(ctx.input[2]);
  const perStep = features === undefined ? undefined : gates[kind] * (features * units + units * units);
  return products(times(knownSize(ctx.input[1]), perStep, ctx.args['bidirectional'] === true ? 2 : 1));
}

function recurrentLayer(kind: Kind): LayerDef {
  return {
    name: kind,
    kerasClass: kerasClass[kind],
    // Keras wraps a bidirectional layer: `bidirectional (Bidirectional)` in its summary.
    displayAs: (args) => (args['bidirectional'] === true ? { name: 'bidirectional', kerasClass: 'Bidirectional' } : undefined),
    doc:
      (kind === 'lstm'
        ? 'Long short-term memory: a recurrent layer with input, forget and output gates and a cell state. Parameters: 4·(units·features + units² + units)'
        : kind === 'gru'
          ? 'Gated recurrent unit (Keras defaults: reset_after, so the bias is [2, 3·units]). Parameters: 3·(units·features + units² + 2·units)'
          : 'The plain recurrent layer: h = activation(x·W + h·U + b) at every step. Parameters: units·features + units² + units') +
      ', twice with `bidirectional`. [batch, steps, features] → [batch, units], or [batch, steps, units] with `return_sequences` (2·units when bidirectional).',
    params: params(kind),
    outputShape(ctx) {
      if (!checkInput(ctx, kind)) return undefined;
      const units = (ctx.args['units'] as number) * (ctx.args['bidirectional'] === true ? 2 : 1);
      return ctx.args['return_sequences'] === true ? [ctx.input[0]!, ctx.input[1]!, constDim(units)] : [ctx.input[0]!, constDim(units)];
    },
    weights(ctx): WeightSpec[] {
      const units = ctx.args['units'] as number;
      const features = knownSize(ctx.input[2]) ?? 0;
      const g = gates[kind] * units;
      return directions(ctx.args['bidirectional'] === true).flatMap((prefix): WeightSpec[] => [
        { name: `${prefix}kernel`, shape: [features, g], init: 'glorot_uniform', trainable: true, regularized: true },
        { name: `${prefix}recurrent_kernel`, shape: [units, g], init: 'orthogonal', trainable: true, regularized: true },
        ...(ctx.args['use_bias'] !== false ? [{ name: `${prefix}bias`, shape: kind === 'gru' ? [2, g] : [g], init: 'zeros' as const, trainable: true, regularized: false, ...lstmForgetBias(kind, units) }] : []),
      ]);
    },
    emit(ctx: EmitContext) {
      const units = ctx.args['units'] as number;
      const returnSequences = ctx.args['return_sequences'] === true;
      const call = (prefix: string, backwards: boolean) => {
        const bias = ctx.args['use_bias'] !== false ? ctx.weight(`${prefix}bias`) : 'undefined';
        const args = [ctx.input, ctx.weight(`${prefix}kernel`), ctx.weight(`${prefix}recurrent_kernel`), bias];
        if (kind === 'simple_rnn') args.push(`(v: tf.Tensor) => ${emitActivation(ctx.args['activation'] as ActivationValue, 'v', ctx.runtime)}`);
        args.push(`{ units: ${units}, returnSequences: ${returnSequences}${backwards ? ', backwards: true' : ''} }`);
        return `${ctx.runtime(runtimeName[kind])}(${args.join(', ')})`;
      };
      return ctx.args['bidirectional'] === true ? `${ctx.runtime('concatDirections')}(${call('forward_', false)}, ${call('backward_', true)})` : call('', false);
    },
    backward: recurrentBackward(kind),
    flops: (ctx) => recurrentFlops(kind, ctx),
  };
}

export const simpleRnn = recurrentLayer('simple_rnn');
export const lstm = recurrentLayer('lstm');
export const gru = recurrentLayer('gru');
