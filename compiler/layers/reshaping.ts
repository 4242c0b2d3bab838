// Layers that move values around without weights: flatten, reshape, and nearest-neighbour
// upsampling (each cell repeated `size` times along each spatial axis, as Keras' UpSampling).
import { compareDims, constDim, floorDivDim, knownSize, mulDims, productOfDims, showDim, showShape, type Dim } from '../shapes/dim.js';
import { single } from '../codegen/backward-rules.js';
import { noFlops } from './flops.js';
import { numberList, requireRank, scaledAxes, tuple, tupleOf } from './spatial.js';
import type { LayerBackward, LayerDef } from './types.js';

/** The gradient takes the input's shape back. */
const reshapeBackward: LayerBackward = { inputs: single((node, d) => `tf.reshape(${d}, ${node.input.id}.shape)`) };

export const flatten: LayerDef = {
  name: 'flatten',
  kerasClass: 'Flatten',
  doc: 'Flattens every axis but the batch into one: [batch, h, w, c] → [batch, h·w·c]. Put it between a conv stack and dense layers.',
  params: [],
  outputShape(ctx) {
    if (ctx.input.length < 2) {
      requireRank(ctx, 'flatten', 2, '[batch, …]', 'flatten keeps the batch axis, so its input needs at least one more');
      return undefined;
    }
    return [ctx.input[0]!, productOfDims(ctx.input.slice(1))];
  },
  weights: () => [],
  emit(ctx) {
    const size = knownSize(ctx.outputShape[1]);
    return size !== undefined ? `tf.reshape(${ctx.input}, [-1, ${size}])` : `tf.reshape(${ctx.input}, [${ctx.input}.shape[0]!, -1])`;
  },
  backward: reshapeBackward,
  flops: noFlops,
};

export const reshape: LayerDef = {
  name: 'reshape',
  kerasClass: 'Reshape',
  doc: 'Gives the values of each sample a new shape with the same number of elements; the batch axis stays. One axis may be -1 (inferred). `[batch, …]` → `[batch, …target_shape]`.',
  params: [{ name: 'target_shape', type: 'ints', positional: true, required: true, min: -1, doc: 'The new shape without the batch axis, e.g. `[28, 28, 1]`; one entry may be -1.' }],
  outputShape(ctx) {
    const target = ctx.args['target_shape'] as number[];
    if (ctx.input.length < 1) return undefined;
    if (target.some((t) => t === 0) || target.filter((t) => t === -1).length > 1) {
      ctx.error('NN3002', '`target_shape` of `reshape` takes sizes of at least 1 and at most one -1', { found: numberList(target), at: 'target_shape' });
      return undefined;
    }
    const from = productOfDims(ctx.input.slice(1));
    const knownPart = target.filter((t) => t !== -1).reduce((a, b) => a * b, 1);
    const mismatch = (detail: string, depends?: string[]) =>
      ctx.error('NN3014', `\`reshape\` cannot give ${showShape(ctx.input)} the shape [${[showDim(ctx.input[0]!), ...target].join(', ')}]: ${detail}`, {
        expected: `${showDim(from)} elements per sample`,
        found: `${knownPart} elements`,
        help: depends ? `give \`${depends.join('`, `')}\` a number in the input type, or use -1 for one axis of the target` : 'the product of the target shape must equal the product of the input axes after the batch',
        at: 'target_shape',
      });
    let inferred: Dim | undefined;
    if (target.includes(-1)) {
      const q = floorDivDim(from, knownPart);
      const c = compareDims(mulDims(q, constDim(knownPart)), from);
      if (c.result === 'different' || c.result === 'depends') {
        mismatch(`${showDim(from)} elements per sample are not a multiple of ${knownPart}`, c.result === 'depends' ? c.symbols : undefined);
        return undefined;
      }
      inferred = q;
    } else {
      const c = compareDims(from, constDim(knownPart));
      if (c.result === 'different') {
        mismatch(`it has ${showDim(from)} elements per sample, the target ${knownPart}`);
        return undefined;
      }
      if (c.result === 'depends') {
        mismatch(`it has ${showDim(from)} elements per sample, which equals ${knownPart} only for some values of \`${c.symbols.join('`, `')}\``, c.symbols);
        return undefined;
      }
    }
    return [ctx.input[0]!, ...target.map((t) => (t === -1 ? inferred! : constDim(t)))];
  },
  weights: () => [],
  emit(ctx) {
    const dims = ctx.outputShape.slice(1).map((d) => knownSize(d) ?? -1);
    // tfjs infers at most one -1: with a symbolic target axis, the batch size comes from the input.
    return `tf.reshape(${ctx.input}, [${dims.includes(-1) ? `${ctx.input}.shape[0]!` : '-1'}, ${dims.join(', ')}])`;
  },
  backward: reshapeBackward,
  flops: noFlops,
};

function upsampling(n: 1 | 2): LayerDef {
  const name = `up_sampling${n}d`;
  const example = n === 1 ? '[batch, steps, channels]' : '[batch, h, w, channels]';
  return {
    name,
    kerasClass: `UpSampling${n}D`,
    doc: `Repeats each cell \`size\` times along ${n === 1 ? 'the steps axis' : 'h and w'} (nearest-neighbour upsampling): ${example}, each spatial axis × its factor. No parameters.`,
    params: [{ name: 'size', type: 'ints', positional: true, default: [2], min: 1, doc: `The factor per spatial axis: one number or ${n}.` }],
    outputShape(ctx) {
      if (!requireRank(ctx, name, n + 2, example, `${name} scales a channels-last input ${example}`)) return undefined;
      const size = tuple(ctx, 'size', n);
      if (!size) return undefined;
      return [ctx.input[0]!, ...scaledAxes(ctx.input.slice(1, n + 1), size), ctx.input[n + 1]!];
    },
    weights: () => [],
    emit(ctx) {
      const s = tupleOf(ctx.args, 'size', n);
      const x = ctx.input;
      // Nearest-neighbour scaling as reshapes and tiles of rank 4 at most, because tfjs has no
      // gradient for Tile above rank 4 (a single rank-6 tile cannot train). Width first:
      // [b·h, w, 1, c] tiled to [b·h, w, sw, c]; then height: [b, h, 1, w·sw·c] tiled to
      // [b, h, sh, w·sw·c]; merged to [b, h·sh, w·sw, c].
      if (n === 1) return `tf.reshape(tf.tile(tf.expandDims(${x}, 2), [1, 1, ${s[0]}, 1]), [-1, ${x}.shape[1]! * ${s[0]}, ${x}.shape[2]!])`;
      const [h, w, c] = [`${x}.shape[1]!`, `${x}.shape[2]!`, `${x}.shape[3]!`];
      const wide = `tf.reshape(tf.tile(tf.reshape(${x}, [-1, ${w}, 1, ${c}]), [1, 1, ${s[1]}, 1]), [-1, ${h}, 1, ${w} * ${s[1]} * ${c}])`;
      return `tf.reshape(tf.tile(${wide}, [1, 1, ${s[0]}, 1]), [-1, ${h} * ${s[0]}, ${w} * ${s[1]}, ${c}])`;
    },
    // Each input cell's gradient is the sum over its copies.
    backward: { inputs: single((node, d, e) => `${e.rt.use('upSamplingGradient')}(${d}, ${node.input.id}, ${numberList(tupleOf(node.args, 'size', n))})`) },
    // Copies: no arithmetic forward (the backward pass's sums are not counted either).
    flops: noFlops,
  };
}

export const upSampling1d = upsampling(1);
export const upSampling2d = upsampling(2);
