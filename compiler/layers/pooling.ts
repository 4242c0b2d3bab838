// Max and average pooling over 1, 2 or 3 spatial axes, and global pooling (one value per channel).
// 1-D pooling runs as 2-D pooling over a height of 1: tfjs has no 1-D pooling op.
import { type Dim } from '../shapes/dim.js';
import { single } from '../codegen/backward-rules.js';
import { str } from '../codegen/writer.js';
import type { LayerNode } from '../ir.js';
import { elementwise, exampleSize, times } from './flops.js';
import { numberList, paddingParam, requireRank, tuple, tupleOf, windowedAxes, type Padding } from './spatial.js';
import type { LayerBackward, LayerDef } from './types.js';

/** The window, strides and padding of a pooling node (strides default to the window), as emitted arguments. */
function poolArgs(node: LayerNode, n: number): { window: number[]; strides: number[]; pad: string } {
  const window = tupleOf(node.args, 'pool_size', n);
  const strides = node.args['strides'] !== undefined ? tupleOf(node.args, 'strides', n) : window;
  return { window, strides, pad: str(node.args['padding'] as string) };
}

/** Each window's gradient to its maximum (max) or spread over its cells (average): one runtime kernel call. */
function poolBackward(n: 1 | 2 | 3, kind: 'max' | 'average'): LayerBackward {
  return {
    routesMaximum: kind === 'max',
    inputs: single((node, d, e) => {
      const { window, strides, pad } = poolArgs(node, n);
      const sizes = n === 1 ? `${window[0]}, ${strides[0]}` : `${numberList(window)}, ${numberList(strides)}`;
      return kind === 'max'
        ? `${e.rt.use(`maxPool${n}dGradient`)}(${d}, ${node.input.id}, ${node.local}, ${sizes}, ${pad})`
        : `${e.rt.use(`avgPool${n}dGradient`)}(${d}, ${node.input.id}, ${sizes}, ${pad})`;
    }),
  };
}

const globalMaxPoolBackward: LayerBackward = { routesMaximum: true, inputs: single((node, d, e) => `${e.rt.use('globalMaxPoolGradient')}(${d}, ${node.input.id}, ${node.local})`) };
const globalAvgPoolBackward: LayerBackward = { inputs: single((node, d, e) => `${e.rt.use('globalAvgPoolGradient')}(${d}, ${node.input.id})`) };

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
    backward: poolBackward(n, kind),
    // One compare (max) or add (average) per window cell of every output value.
    flops: (ctx) => elementwise(times(exampleSize(ctx.output), tupleOf(ctx.args, 'pool_size', n).reduce((a, b) => a * b, 1))),
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
    backward: kind === 'max' ? globalMaxPoolBackward : globalAvgPoolBackward,
    // One compare or add per input value.
    flops: (ctx) => elementwise(exampleSize(ctx.input)),
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
