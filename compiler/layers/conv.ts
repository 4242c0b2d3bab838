// Convolutions over 1, 2 or 3 spatial axes (channels last, as Keras), and the transposed 2-D
// convolution of decoders. conv2d uses tfjs' fused conv2d (bias and activation in one kernel).
import { addDims, constDim, knownSize, mulDims, showDim, type Dim } from '../shapes/dim.js';
import { biasAndActivation, fusedActivation, numberList, paddingParam, requireKnown, requireRank, tuple, tupleOf, windowedAxes, type Padding } from './spatial.js';
import { emitActivation, num } from './activations.js';
import { dilatedLocal, single } from '../codegen/backward-rules.js';
import { str } from '../codegen/writer.js';
import type { LayerNode } from '../ir.js';
import { exampleSize, products, times } from './flops.js';
import type { ActivationValue, FlopsContext, LayerBackward, LayerDef, ParamSpec, ShapeContext, TensorValue, WeightSpec } from './types.js';

const axisNames = ['', 'steps', 'h, w', 'd, h, w'];

function convParams(n: number, dilation: boolean): ParamSpec[] {
  const params: ParamSpec[] = [
    { name: 'filters', type: 'int', positional: true, required: true, min: 1, doc: 'Number of filters: the channels of the output.' },
    { name: 'kernel_size', type: 'ints', positional: true, required: true, min: 1, doc: `Size of the window: one number, or ${n} (one per spatial axis).` },
    { name: 'strides', type: 'ints', default: [1], min: 1, doc: 'Step of the window along each spatial axis.' },
    paddingParam,
  ];
  if (dilation) params.push({ name: 'dilation_rate', type: 'ints', default: [1], min: 1, doc: 'Spacing between the cells of the window (atrous convolution).' });
  params.push(
    { name: 'activation', type: 'activation', default: { kind: 'activation', name: 'linear' }, doc: 'Activation applied to the output.' },
    { name: 'use_bias', type: 'bool', default: true, doc: 'Whether the layer adds a bias per filter.' },
    { name: 'kernel', type: 'tensor', doc: `Constant initial weights, shape [${n === 1 ? 'k' : n === 2 ? 'kh, kw' : 'kd, kh, kw'}, in_channels, filters]; with one channel and one filter, just [${n === 1 ? 'k' : n === 2 ? 'kh, kw' : 'kd, kh, kw'}].` },
    { name: 'bias', type: 'tensor', doc: 'Constant initial bias, shape [filters].' },
  );
  return params;
}

function example(n: number): string {
  return `[batch, ${axisNames[n]}, channels]`;
}

function rankHelp(n: number, input: Dim[]): string {
  if (input.length === n + 1) return `add a channel axis: \`reshape([${input.slice(1).map(showDim).join(', ')}, 1])\` gives ${example(n)} with one channel`;
  if (input.length > n + 2 && n < 3) return `use conv${Math.min(3, input.length - 2)}d for a rank-${input.length} input`;
  return `reshape the input to ${example(n)}`;
}

/** The shape rule and weights shared by conv1d/2d/3d. */
function convShape(n: number, name: string, ctx: ShapeContext): Dim[] | undefined {
  if (!requireRank(ctx, name, n + 2, example(n), rankHelp(n, ctx.input))) return undefined;
  const channels = ctx.input[n + 1]!;
  if (requireKnown(ctx, name, channels, 'input channels') === undefined && channels.kind !== 'unknown') return undefined;
  const kernel = tuple(ctx, 'kernel_size', n);
  const strides = tuple(ctx, 'strides', n);
  const dilations = ctx.args['dilation_rate'] !== undefined ? tuple(ctx, 'dilation_rate', n) : Array.from({ length: n }, () => 1);
  if (!kernel || !strides || !dilations) return undefined;
  if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) {
    ctx.error('NN3002', `\`${name}\` cannot have both \`strides\` and \`dilation_rate\` above 1`, { help: 'set one of them to 1', at: 'dilation_rate' });
    return undefined;
  }
  const spatial = windowedAxes(ctx, name, ctx.input.slice(1, n + 1), kernel, strides, dilations, ctx.args['padding'] as Padding, 'kernel_size');
  if (!spatial) return undefined;
  return [ctx.input[0]!, ...spatial, constDim(ctx.args['filters'] as number)];
}

function convWeights(kernelShape: number[], filters: number, ctx: ShapeContext): WeightSpec[] {
  const kernel = ctx.args['kernel'] as TensorValue | undefined;
  const bias = ctx.args['bias'] as TensorValue | undefined;
  // One input channel and one filter: the kernel may be written as the plain window, as the decks draw it.
  const window = kernelShape.slice(0, -2);
  const plain = kernelShape.at(-1) === 1 && kernelShape.at(-2) === 1 ? { alsoAccepts: window } : {};
  const specs: WeightSpec[] = [{ name: 'kernel', shape: kernelShape, init: 'glorot_uniform', trainable: true, regularized: true, ...plain, ...(kernel ? { values: kernel.values } : {}) }];
  if (ctx.args['use_bias'] !== false) specs.push({ name: 'bias', shape: [filters], init: 'zeros', trainable: true, regularized: false, ...(bias ? { values: bias.values } : {}) });
  return specs;
}

/** The strides (one number for conv1d) and padding of a conv node, as emitted arguments. */
function convArgs(node: LayerNode, n: number): { stride: string; pad: string } {
  const strides = tupleOf(node.args, 'strides', n);
  return { stride: n === 1 ? String(strides[0]) : numberList(strides), pad: str(node.args['padding'] as string) };
}

/**
 * One kernel call per gradient (runtime/kernels/derived-backward.ts), or for a dilated convolution
 * both from one call (runtime/dilated-conv.ts: tfjs has none for dilation > 1).
 */
function convBackward(n: 1 | 2 | 3, transposed = false): LayerBackward {
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
        const rates = n === 1 ? String(dilations(node)[0]) : numberList(dilations(node));
        const input = e.inputNeeded(node) ? '' : ', false';
        e.w.line(`const ${dilatedLocal(node)} = ${e.rt.use(`dilatedConv${n}dGradients`)}(${node.input.id}, ${d}, ${e.weight(node, 'kernel')}, ${pad}, ${rates}${input});`);
        return { kernel: `${dilatedLocal(node)}.dFilter`, bias };
      }
      const op = transposed ? 'conv2dTransposeKernelGradient' : (`conv${n}dKernelGradient` as const);
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

/**
 * The kernel's multiply-adds (window·in·filters) at every position it is applied: each output
 * position of a convolution (dilation spaces the taps but adds none), each input position of a
 * transposed one (it scatters every input cell through the whole kernel).
 */
function convFlops(ctx: FlopsContext, transposed: boolean) {
  const kernel = ctx.weights.find((w) => w.name === 'kernel');
  const taps = kernel?.shape.reduce((a, b) => a * b, 1);
  const at = transposed ? ctx.input : ctx.output;
  return products(times(taps, exampleSize(at.slice(0, -1))));
}

function convLayer(n: 1 | 2 | 3): LayerDef {
  const name = `conv${n}d`;
  return {
    name,
    kerasClass: `Conv${n}D`,
    doc: `${n}-D convolution: \`filters\` learned windows slide over the ${axisNames[n]} axes of a channels-last input ${example(n)}. Each spatial axis becomes floor((size − (k−1)·dilation − 1) / stride) + 1 (\`valid\`) or ceil(size / stride) (\`same\`); channels become \`filters\`. Parameters: ${n === 1 ? 'k' : n === 2 ? 'kh·kw' : 'kd·kh·kw'}·in·filters + filters.`,
    params: convParams(n, true),
    outputShape: (ctx) => convShape(n, name, ctx),
    weights(ctx, output) {
      const k = tupleOf(ctx.args, 'kernel_size', n);
      const inC = knownSize(ctx.input[n + 1]) ?? 0;
      const filters = knownSize(output[output.length - 1]) ?? 0;
      return convWeights([...k, inC, filters], filters, ctx);
    },
    emit(ctx) {
      const s = tupleOf(ctx.args, 'strides', n);
      const d = tupleOf(ctx.args, 'dilation_rate', n);
      const pad = `'${ctx.args['padding'] as string}'`;
      const useBias = ctx.args['use_bias'] !== false;
      if (d.some((x) => x > 1)) {
        // tfjs has no gradient for dilation above 1: the runtime's dilated convolutions bring
        // their own (strides are 1 here: the checker rejects both above 1).
        const dilations = n === 1 ? String(d[0]) : `${numberList(d)} as [${d.map(() => 'number').join(', ')}]`;
        return biasAndActivation(ctx, `${ctx.runtime(`dilatedConv${n}d`)}(${ctx.input}, ${ctx.weight('kernel')}, ${pad}, ${dilations})`, useBias);
      }
      if (n === 2) {
        const act = ctx.args['activation'] as ActivationValue;
        const fused = fusedActivation(act);
        const opts = [`x: ${ctx.input} as tf.Tensor4D`, `filter: ${ctx.weight('kernel')} as tf.Tensor4D`, `strides: ${numberList(s)} as [number, number]`, `pad: ${pad}`];
        if (useBias) opts.push(`bias: ${ctx.weight('bias')}`);
        if (fused && fused.activation !== 'linear') opts.push(`activation: '${fused.activation}'`);
        if (fused?.leakyreluAlpha !== undefined) opts.push(`leakyreluAlpha: ${num(fused.leakyreluAlpha)}`);
        const out = `tf.fused.conv2d({ ${opts.join(', ')} })`;
        return fused ? out : emitActivation(act, out, ctx.runtime);
      }
      const raw =
        n === 1
          ? `tf.conv1d(${ctx.input} as tf.Tensor3D, ${ctx.weight('kernel')} as tf.Tensor3D, ${s[0]}, ${pad}, 'NWC', ${d[0]})`
          : `tf.conv3d(${ctx.input} as tf.Tensor5D, ${ctx.weight('kernel')} as tf.Tensor5D, ${numberList(s)} as [number, number, number], ${pad}, 'NDHWC', ${numberList(d)} as [number, number, number])`;
      return biasAndActivation(ctx, raw, useBias);
    },
    backward: convBackward(n),
    flops: (ctx) => convFlops(ctx, false),
  };
}

export const conv1d = convLayer(1);
export const conv2d = convLayer(2);
export const conv3d = convLayer(3);

/** Keras' deconv_output_length without output_padding: same → size·s, valid → size·s + max(k - s, 0). */
function transposedAxis(size: Dim, k: number, s: number, padding: Padding): Dim {
  const scaled = mulDims(size, constDim(s));
  return padding === 'same' ? scaled : addDims(scaled, constDim(Math.max(k - s, 0)));
}

export const conv2dTranspose: LayerDef = {
  name: 'conv2d_transpose',
  kerasClass: 'Conv2DTranspose',
  doc: 'Transposed 2-D convolution ("deconvolution"): grows the h, w axes by `strides`, as decoders do. Each axis becomes size·stride (`same`) or size·stride + max(k − stride, 0) (`valid`). Parameters: kh·kw·filters·in + filters.',
  params: convParams(2, false),
  outputShape(ctx) {
    if (!requireRank(ctx, 'conv2d_transpose', 4, example(2), rankHelp(2, ctx.input))) return undefined;
    const channels = ctx.input[3]!;
    if (requireKnown(ctx, 'conv2d_transpose', channels, 'input channels') === undefined && channels.kind !== 'unknown') return undefined;
    const k = tuple(ctx, 'kernel_size', 2);
    const s = tuple(ctx, 'strides', 2);
    if (!k || !s) return undefined;
    const padding = ctx.args['padding'] as Padding;
    return [ctx.input[0]!, transposedAxis(ctx.input[1]!, k[0]!, s[0]!, padding), transposedAxis(ctx.input[2]!, k[1]!, s[1]!, padding), constDim(ctx.args['filters'] as number)];
  },
  weights(ctx, output) {
    const k = tupleOf(ctx.args, 'kernel_size', 2);
    const filters = knownSize(output[3]) ?? 0;
    // tfjs and Keras store a transposed kernel as [kh, kw, out_channels, in_channels].
    return convWeights([...k, filters, knownSize(ctx.input[3]) ?? 0], filters, ctx);
  },
  emit(ctx) {
    const k = tupleOf(ctx.args, 'kernel_size', 2);
    const s = tupleOf(ctx.args, 'strides', 2);
    const padding = ctx.args['padding'] as Padding;
    const filters = knownSize(ctx.outputShape[3]) ?? 0;
    // The output size is computed from the input tensor, so symbolic h and w work at run time.
    const axis = (i: number) => `${ctx.input}.shape[${i + 1}]! * ${s[i]}${padding === 'valid' && k[i]! > s[i]! ? ` + ${k[i]! - s[i]!}` : ''}`;
    const raw = `tf.conv2dTranspose(${ctx.input} as tf.Tensor4D, ${ctx.weight('kernel')} as tf.Tensor4D, [${ctx.input}.shape[0]!, ${axis(0)}, ${axis(1)}, ${filters}], ${numberList(s)} as [number, number], '${padding}')`;
    return biasAndActivation(ctx, raw, ctx.args['use_bias'] !== false);
  },
  backward: convBackward(2, true),
  flops: (ctx) => convFlops(ctx, true),
};
