// What convolution, pooling and upsampling layers share: expanding `3` to `[3, 3]`, the rank
// check with a hint, and the output-size rule of a sliding window over a symbolic dimension.
import { addDims, ceilDivDim, constDim, floorDivDim, knownSize, mulDims, showDim, showShape, subDims, type Dim } from '../shapes/dim.js';
import type { Span } from '../syntax/ast.js';
import type { ActivationValue, ArgValue, EmitContext, ParamSpec, ShapeContext } from './types.js';
import { activationByName, emitActivation } from './activations.js';
import { showTrace, windowContext } from './size-trace.js';

export type Padding = 'valid' | 'same';

export const paddingParam: ParamSpec = {
  name: 'padding',
  type: 'choice',
  choices: ['valid', 'same'],
  default: 'valid',
  doc: '`valid`: no padding, the output shrinks; `same`: zero padding so that the output size is ceil(input / stride).',
};

/** `3` → `[3, 3]` for a 2-D layer; a list must have one number per spatial axis. */
export function tuple(ctx: ShapeContext, name: string, n: number): number[] | undefined {
  const v = ctx.args[name] as number[] | undefined;
  if (v === undefined) return undefined;
  if (v.length === 1) return Array.from({ length: n }, () => v[0]!);
  if (v.length === n) return v;
  ctx.error('NN3001', `\`${name}\` needs 1 or ${n} numbers (one per spatial axis), found ${v.length}`, {
    expected: n === 1 ? 'a whole number' : `a whole number or a list of ${n}`,
    found: `[${v.join(', ')}]`,
    at: name,
  });
  return undefined;
}

/** The same expansion at codegen time, where the arguments are known to be valid. */
export function tupleOf(args: Readonly<Record<string, ArgValue>>, name: string, n: number): number[] {
  const v = (args[name] as number[] | undefined) ?? [1];
  return v.length === 1 ? Array.from({ length: n }, () => v[0]!) : v;
}

/**
 * Reports a wrong input rank (NN3101) with the shape the layer wants and how to get there.
 * Returns false after reporting.
 */
export function requireRank(ctx: ShapeContext, layer: string, rank: number, expected: string, help: string): boolean {
  if (ctx.input.length === rank) return true;
  ctx.error('NN3101', `\`${layer}\` needs an input of rank ${rank} ${expected}, found rank ${ctx.input.length} ${showShape(ctx.input)}`, {
    expected,
    found: showShape(ctx.input),
    help,
    ...channelAxisFix(ctx, layer, rank),
  });
  return false;
}

/**
 * A channels-last layer given its input without the channel axis (`[batch, 28, 28]` to conv2d):
 * inserting `reshape([28, 28, 1])` before the call is the mechanical fix, when the sizes are numbers.
 */
function channelAxisFix(ctx: ShapeContext, layer: string, rank: number): { fixes?: { title: string; edits: { span: Span; newText: string }[] }[] } {
  const sizes = ctx.input.slice(1).map(knownSize);
  if (!ctx.span || ctx.input.length !== rank - 1 || rank < 3 || sizes.some((n) => n === undefined)) return {};
  const reshape = `reshape([${[...sizes, 1].join(', ')}])`;
  return { fixes: [{ title: `Insert \`${reshape}\` before \`${layer}\` (one channel)`, edits: [{ span: { start: ctx.span.start, end: ctx.span.start }, newText: `${reshape} |> ` }] }] };
}

/** Reports (NN3104) an axis whose size the layer's weights depend on but which is symbolic. */
export function requireKnown(ctx: ShapeContext, layer: string, d: Dim, what: string): number | undefined {
  const n = knownSize(d);
  if (n !== undefined || d.kind === 'unknown') return n;
  ctx.error('NN3104', `\`${layer}\` needs the number of ${what}, but it is \`${showDim(d)}\``, {
    found: showShape(ctx.input),
    help: `give that axis a number in the model's input type`,
  });
  return undefined;
}

/**
 * The output size of a window of `kernel` cells, dilated by `dilation`, moved by `stride` over
 * `size` cells: valid → floor((size - (kernel-1)·dilation - 1) / stride) + 1, same → ceil(size / stride).
 */
export function windowOutput(size: Dim, kernel: number, stride: number, dilation: number, padding: Padding): Dim {
  if (padding === 'same') return ceilDivDim(size, stride);
  const span = (kernel - 1) * dilation + 1;
  return addDims(floorDivDim(subDims(size, constDim(span)), stride), constDim(1));
}

/**
 * Checks every spatial axis of a `valid` window against its input (NN3012 when a known axis is
 * smaller than the window) and returns the output sizes.
 */
export function windowedAxes(
  ctx: ShapeContext,
  layer: string,
  spatial: Dim[],
  kernel: number[],
  strides: number[],
  dilations: number[],
  padding: Padding,
  kernelArg: string,
): Dim[] | undefined {
  const out: Dim[] = [];
  for (let i = 0; i < spatial.length; i++) {
    const size = spatial[i]!;
    const span = (kernel[i]! - 1) * dilations[i]! + 1;
    const known = knownSize(size);
    if (padding === 'valid' && known !== undefined && span > known) {
      const { trace, channelsFirst } = windowContext(ctx, i + 1);
      ctx.error('NN3012', `the window of \`${layer}\` (${span} cells${dilations[i]! > 1 ? ` with dilation ${dilations[i]}` : ''}) is larger than its input axis of ${known}`, {
        label: `window ${span} > input ${known}`,
        expected: `an axis of at least ${span}`,
        found: showTrace(ctx.input, i + 1, trace),
        at: kernelArg,
        // A channels-first input is the real mistake; shrinking the window would hide it. Otherwise
        // `padding: same` is the mechanical fix when the call has no padding argument yet.
        ...(channelsFirst ?? { help: `use a window of at most ${known}, or \`padding: same\``, ...paddingFix(ctx) }),
      });
      return undefined;
    }
    out.push(windowOutput(size, kernel[i]!, strides[i]!, dilations[i]!, padding));
  }
  return out;
}

/** Replaces a given `padding: valid`, or appends `padding: same` to the call. */
function paddingFix(ctx: ShapeContext): { fixes?: { title: string; edits: { span: Span; newText: string }[] }[] } {
  const given = ctx.argSpans?.['padding'];
  const edit = given ? { span: given, newText: 'padding: same' } : ctx.span ? { span: { start: ctx.span.end - 1, end: ctx.span.end - 1 }, newText: ', padding: same' } : undefined;
  return edit ? { fixes: [{ title: 'Pad the input (`padding: same`)', edits: [edit] }] } : {};
}

/** Upsampling multiplies each spatial axis by its factor. */
export function scaledAxes(spatial: Dim[], factors: number[]): Dim[] {
  return spatial.map((d, i) => mulDims(d, constDim(factors[i]!)));
}

/** Adds the bias and applies the activation to a layer's raw output expression. */
export function biasAndActivation(ctx: EmitContext, raw: string, useBias: boolean): string {
  const withBias = useBias ? `tf.add(${raw}, ${ctx.weight('bias')})` : raw;
  return emitActivation(ctx.args['activation'] as ActivationValue, withBias, ctx.runtime);
}

/** The `activation` option of tfjs' fused ops when it computes exactly this activation. */
export function fusedActivation(a: ActivationValue): { activation: string; leakyreluAlpha?: number } | undefined {
  return activationByName.get(a.name)?.fused?.(a.alpha);
}

export function numberList(xs: readonly number[]): string {
  return `[${xs.join(', ')}]`;
}
