// Size traces for shape errors: how an axis got its size ("28 → 26 → 13 → 11 → 5 → 3 → 1") with
// the formula of the last step, and the channels-first input that many such errors come from.
import { knownSize, showDim, showShape, type Dim } from '../shapes/dim.js';
import type { Fix } from '../diagnostics/types.js';
import type { ArgValue, InputOrigin, OriginStep, ShapeContext } from './types.js';

export interface SizeTrace {
  /** The sizes the axis took, first the model input's (or the first traced layer's input). */
  sizes: string[];
  /** Whether the chain reaches back to a model input with no change of rank on the way. */
  fromInput: boolean;
  /** The last step that changed the size, as a formula: `conv2d_3: floor((3 − 3)/1) + 1`. */
  lastStep?: string;
}

/** The trace of axis `axis` of the layer's input, or undefined when no layer changed it. */
export function traceAxis(origin: InputOrigin, rank: number, axis: number): SizeTrace | undefined {
  // Only the layers after the last change of rank keep the axis.
  let first = origin.steps.length;
  while (first > 0 && origin.steps[first - 1]!.input.length === rank && origin.steps[first - 1]!.output.length === rank) first--;
  const steps = origin.steps.slice(first);
  if (steps.length === 0) return undefined;
  const sizes = [showDim(steps[0]!.input[axis]!)];
  let last: OriginStep | undefined;
  for (const step of steps) {
    const size = showDim(step.output[axis]!);
    if (size === sizes[sizes.length - 1]) continue;
    sizes.push(size);
    last = step;
  }
  if (!last) return undefined;
  const formula = stepFormula(last, axis - 1);
  return { sizes, fromInput: first === 0 && origin.input !== undefined, ...(formula ? { lastStep: `\`${last.layer}\`: ${formula}` } : {}) };
}

/** The output size of one sliding-window step as arithmetic, for the layers that slide a window. */
function stepFormula(step: OriginStep, spatialAxis: number): string | undefined {
  const window = numbers(step.args['kernel_size'] ?? step.args['pool_size']);
  if (!window) return undefined;
  const at = (xs: number[] | undefined, fallback: number) => (xs ? (xs.length === 1 ? xs[0]! : xs[spatialAxis] ?? fallback) : fallback);
  const k = at(window, 1);
  const stride = at(numbers(step.args['strides']) ?? (step.args['pool_size'] !== undefined ? window : undefined), 1);
  const dilation = at(numbers(step.args['dilation_rate']), 1);
  const size = knownSize(step.input[spatialAxis + 1]!);
  const out = showDim(step.output[spatialAxis + 1]!);
  if (size === undefined) return undefined;
  if (step.def === 'conv2d_transpose') return undefined;
  if (step.args['padding'] === 'same') return `ceil(${size} / ${stride}) = ${out}`;
  const span = (k - 1) * dilation + 1;
  return `floor((${size} − ${span})/${stride}) + 1 = ${out}`;
}

function numbers(v: ArgValue | undefined): number[] | undefined {
  return Array.isArray(v) ? v : typeof v === 'number' ? [v] : undefined;
}

/** `found` text with the trace: `[batch, 1, 1, 64]; height: 28 → 26 → … → 1 (`conv2d_3`: floor((3 − 3)/1) + 1 = 1)`. */
export function showTrace(found: Dim[], axis: number, trace: SizeTrace | undefined): string {
  if (!trace) return showShape(found);
  return `${showShape(found)}; ${axisName(found.length, axis)}: ${trace.sizes.join(' → ')}${trace.lastStep ? ` (${trace.lastStep})` : ''}`;
}

/** `height` for axis 1 of [batch, h, w, c]; `steps` for [batch, steps, c]. */
function axisName(rank: number, axis: number): string {
  const names = rank === 3 ? ['steps'] : rank === 4 ? ['height', 'width'] : rank === 5 ? ['depth', 'height', 'width'] : [];
  return names[axis - 1] ?? `axis ${axis}`;
}

/**
 * An image input written channels-first (`[batch, 3, 32, 32]`): a small axis (1 to 4) right after
 * the batch, larger spatial axes after it. nnc's images are channels-last, so the fix moves it.
 */
export function channelsFirstInput(origin: InputOrigin | undefined): { help: string; fixes: Fix[] } | undefined {
  const input = origin?.input;
  if (!input || input.shape.length < 4) return undefined;
  const channels = knownSize(input.shape[1]!);
  const spatial = input.shape.slice(2).map(knownSize);
  if (channels === undefined || channels < 1 || channels > 4 || spatial.some((n) => n === undefined || n <= 4)) return undefined;
  const moved = showShape([input.shape[0]!, ...input.shape.slice(2), input.shape[1]!]);
  return {
    help: `\`${input.name}: ${showShape(input.shape)}\` looks channels-first (${channels} channel${channels === 1 ? '' : 's'} before ${spatial.join(' × ')}); nnc's images are channels-last: declare \`${moved}\``,
    fixes: [{ title: `Declare \`${moved}\` (channels last)`, edits: [{ span: input.typeSpan, newText: moved }] }],
  };
}

/** The trace and the channels-first diagnosis for a window check on axis `axis` of the input. */
export function windowContext(ctx: ShapeContext, axis: number): { trace?: SizeTrace; channelsFirst?: { help: string; fixes: Fix[] } } {
  const origin = ctx.origin?.();
  if (!origin) return {};
  const trace = traceAxis(origin, ctx.input.length, axis);
  // The channels axis read as the first spatial axis: the input reaches the layer with its rank.
  const unbroken = trace ? trace.fromInput : origin.steps.length === 0;
  const channelsFirst = axis === 1 && unbroken ? channelsFirstInput(origin) : undefined;
  return { ...(trace ? { trace } : {}), ...(channelsFirst ? { channelsFirst } : {}) };
}
