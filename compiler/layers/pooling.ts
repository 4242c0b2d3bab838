// Max and average pooling over 1, 2 or 3 spatial axes, and global pooling (one value per channel).
// 1-D pooling runs as 2-D pooling over a height of 1: tfjs has no 1-D pooling op.
import { type Dim } from '../shapes/dim.js';
import { numberList, paddingParam, requireRank, tuple, tupleOf, windowedAxes, type Padding } from './spatial.js';
import type { LayerDef } from './types.js';

const axisNames = ['', 'steps', 'h, w', 'd, h, w'];

function poolLayer(kind: 'max' | 'average', n: 1 | 2 | 3): LayerDef {
  const name = `${kind}_pooling${n}d`;
  const example = `[batch, ${axisNames[n]}, channels]`;
  return {
    name,
    kerasClass: `${kind === 'max' ? 'Max' : 'Average'}Pooling${n}D`,
    doc: `${kind === 'max' ? 'Maximum' : 'Mean'} over a sliding window of the ${axisNames[n]} axes of ${example}, per channel; sizes as a convolution with window \`pool_size\`${kind === 'average' ? ' (with `same`, padded cells are left out of the mean)' : ''}. No parameters.`,
    params: [
      { name: 'pool_size', type: 'ints', positional: true, default: [2], min: 1, doc: `Size of the window: one number or ${n}.` },
      { name: 'strides', type: 'ints', min: 1, doc: 'Step of the window; defaults to `pool_size`.' },
      paddingParam,
    ],
    outputShape(ctx) {
      if (!requireRank(ctx, name, n + 2, example, `${kind}_pooling${n}d pools a channels-last input ${example}`)) return undefined;
      const pool = tuple(ctx, 'pool_size', n);
      const strides = ctx.args['strides'] !== undefined ? tuple(ctx, 'strides', n) : pool;
      if (!pool || !strides) return undefined;
      const ones = pool.map(() => 1);
      const spatial = windowedAxes(ctx, name, ctx.input.slice(1, n + 1), pool, strides, ones, ctx.args['padding'] as Padding, 'pool_size');
      return spatial ? [ctx.input[0]!, ...spatial, ctx.input[n + 1]!] : undefined;
    },
    weights: () => [],
    emit(ctx) {
      const pool = tupleOf(ctx.args, 'pool_size', n);
      const strides = ctx.args['strides'] !== undefined ? tupleOf(ctx.args, 'strides', n) : pool;
      const pad = `'${ctx.args['padding'] as string}'`;
      const op = kind === 'max' ? 'maxPool' : 'avgPool';
      if (n === 1) return `tf.squeeze(tf.${op}(tf.expandDims(${ctx.input}, 1) as tf.Tensor4D, [1, ${pool[0]}], [1, ${strides[0]}], ${pad}), [1])`;
      if (n === 2) return `tf.${op}(${ctx.input} as tf.Tensor4D, ${numberList(pool)} as [number, number], ${numberList(strides)} as [number, number], ${pad})`;
      return `tf.${op}3d(${ctx.input} as tf.Tensor5D, ${numberList(pool)} as [number, number, number], ${numberList(strides)} as [number, number, number], ${pad})`;
    },
  };
}

function globalPoolLayer(kind: 'max' | 'average', n: 1 | 2): LayerDef {
  const name = `global_${kind}_pooling${n}d`;
  const example = `[batch, ${axisNames[n]}, channels]`;
  return {
    name,
    kerasClass: `Global${kind === 'max' ? 'Max' : 'Average'}Pooling${n}D`,
    doc: `${kind === 'max' ? 'Maximum' : 'Mean'} of each channel over all ${axisNames[n]} positions: ${example} → [batch, channels]. No parameters.`,
    params: [],
    outputShape(ctx): Dim[] | undefined {
      if (!requireRank(ctx, name, n + 2, example, `global pooling reduces a channels-last input ${example} to [batch, channels]`)) return undefined;
      return [ctx.input[0]!, ctx.input[n + 1]!];
    },
    weights: () => [],
    emit: (ctx) => `tf.${kind === 'max' ? 'max' : 'mean'}(${ctx.input}, ${numberList(Array.from({ length: n }, (_, i) => i + 1))})`,
  };
}

export const poolingLayers: readonly LayerDef[] = [
  poolLayer('max', 1),
  poolLayer('max', 2),
  poolLayer('max', 3),
  poolLayer('average', 1),
  poolLayer('average', 2),
  poolLayer('average', 3),
  globalPoolLayer('average', 1),
  globalPoolLayer('average', 2),
  globalPoolLayer('max', 1),
  globalPoolLayer('max', 2),
];
