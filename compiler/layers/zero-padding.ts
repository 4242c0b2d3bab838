// Keras' ZeroPadding2D: rows and columns of zeros around each feature map of [batch, h, w, channels],
// so that a following `valid` convolution keeps the size or a stride divides it evenly.
import { addDims, constDim } from '../shapes/dim.js';
import { single } from '../codegen/backward-rules.js';
import { noFlops } from './flops.js';
import { requireRank } from './spatial.js';
import type { ArgValue, LayerDef } from './types.js';

/** `1` → all four sides; `[h, w]` → top and bottom h, left and right w; `[top, bottom, left, right]`. */
function sides(args: Readonly<Record<string, ArgValue>>): { top: number; bottom: number; left: number; right: number } | undefined {
  const p = args['padding'] as number[];
  if (p.length === 1) return { top: p[0]!, bottom: p[0]!, left: p[0]!, right: p[0]! };
  if (p.length === 2) return { top: p[0]!, bottom: p[0]!, left: p[1]!, right: p[1]! };
  if (p.length === 4) return { top: p[0]!, bottom: p[1]!, left: p[2]!, right: p[3]! };
  return undefined;
}

export const zeroPadding2d: LayerDef = {
  name: 'zero_padding2d',
  kerasClass: 'ZeroPadding2D',
  doc: 'Adds rows and columns of zeros around each feature map: [batch, h, w, channels] → [batch, h + top + bottom, w + left + right, channels]. No parameters.',
  params: [
    {
      name: 'padding',
      type: 'ints',
      positional: true,
      default: [1],
      min: 0,
      doc: 'Zeros to add: one number for every side, `[h, w]` (top and bottom, left and right), or `[top, bottom, left, right]`.',
    },
  ],
  outputShape(ctx) {
    if (!requireRank(ctx, 'zero_padding2d', 4, '[batch, h, w, channels]', 'zero_padding2d pads the h and w axes of a channels-last input [batch, h, w, channels]')) return undefined;
    const s = sides(ctx.args);
    if (!s) {
      const given = ctx.args['padding'] as number[];
      ctx.error('NN3001', `\`padding\` of \`zero_padding2d\` needs 1, 2 or 4 numbers, found ${given.length}`, {
        expected: 'a whole number, [h, w] or [top, bottom, left, right]',
        found: `[${given.join(', ')}]`,
        at: 'padding',
      });
      return undefined;
    }
    return [ctx.input[0]!, addDims(ctx.input[1]!, constDim(s.top + s.bottom)), addDims(ctx.input[2]!, constDim(s.left + s.right)), ctx.input[3]!];
  },
  weights: () => [],
  emit(ctx) {
    const s = sides(ctx.args)!;
    return `tf.pad(${ctx.input}, [[0, 0], [${s.top}, ${s.bottom}], [${s.left}, ${s.right}], [0, 0]])`;
  },
  // The gradient of the input is the padded gradient's middle, cut back to the input's shape.
  backward: {
    inputs: single((node, d) => {
      const s = sides(node.args)!;
      return `tf.slice(${d}, [0, ${s.top}, ${s.left}, 0], ${node.input.id}.shape)`;
    }),
  },
  // Copies: no arithmetic.
  flops: noFlops,
};
