// Layers that combine several tensors: `add`, `subtract`, `multiply` (also written `a + b`,
// `a - b`, `a * b`) and `concat`. Keras' merge layers: element-wise ones need equal shapes.
import { addDims, knownSize, showShape, type Dim } from '../shapes/dim.js';
import { describeMismatch, firstMismatch, mismatchHelp } from './merge-mismatch.js';
import { elementwise as elementwiseFlops, exampleSize, noFlops, times } from './flops.js';
import type { LayerBackward, LayerDef, ShapeContext } from './types.js';

/** Sums pass the gradient on, differences negate the subtrahend's, products multiply by the other factors. */
function elementwiseBackward(op: 'add' | 'sub' | 'mul'): LayerBackward {
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

/** The gradient split back along the joined axis. */
const concatBackward: LayerBackward = {
  inputs(node, d, e, needed) {
    const rank = node.shape.length;
    const given = (node.args['axis'] as number | undefined) ?? -1;
    const axis = given < 0 ? rank + given : given;
    // Each input's share of the joined axis: its size where known, else read at run time.
    const sizes = node.inputs.map((i) => String(knownSize(i.shape[axis]) ?? `${i.id}.shape[${axis}]!`));
    const parts = node.inputs.map((_, k) => (needed[k] ? `d$${node.local}$${k}` : ''));
    // tf.split returns Tensor[]: the tuple type says how many parts, so an app compiled with
    // noUncheckedIndexedAccess sees tensors, not `Tensor | undefined`.
    const tuple = node.inputs.map(() => 'tf.Tensor').join(', ');
    e.w.line(`const [${parts.join(', ')}] = tf.split(${d}, [${sizes.join(', ')}], ${axis}) as [${tuple}];`);
    return parts.map((p) => (p === '' ? null : p));
  },
};

function elementwise(name: string, kerasClass: string, op: 'add' | 'sub' | 'mul', doc: string): LayerDef {
  return {
    name,
    kerasClass,
    doc,
    params: [],
    inputCount: { min: 2, max: 16 },
    outputShape(ctx) {
      const [first, ...rest] = ctx.inputs;
      for (const other of rest) {
        if (other.length !== first!.length) {
          ctx.error('NN3190', `cannot ${name} tensors of different shapes`, {
            label: `cannot ${name} ${showShape(first)} and ${showShape(other)}`,
            expected: showShape(first),
            found: showShape(other),
            help: 'flatten or reshape one side so both have the same rank',
          });
          return undefined;
        }
        const mismatch = firstMismatch(first!, other);
        if (mismatch) {
          const depends = mismatch.agreement.result === 'depends';
          ctx.error('NN3190', depends ? `cannot ${name} tensors whose shapes agree only for some sizes` : `cannot ${name} tensors of different shapes`, {
            label: `cannot ${name} ${showShape(first)} and ${showShape(other)}: ${describeMismatch(mismatch)}`,
            expected: showShape(first),
            found: showShape(other),
            help: mismatchHelp(mismatch, first!.length),
          });
          return undefined;
        }
      }
      return first!;
    },
    weights: () => [],
    emit: (ctx) => ctx.inputs.slice(1).reduce((acc, x) => `tf.${op}(${acc}, ${x})`, ctx.inputs[0]!),
    backward: elementwiseBackward(op),
    // One op per value for each input after the first.
    flops: (ctx) => elementwiseFlops(times(ctx.inputs.length - 1, exampleSize(ctx.output))),
  };
}

export const add = elementwise('add', 'Add', 'add', 'Adds tensors of the same shape element by element (a residual connection). `a + b` means `add(a, b)`.');
export const subtract = elementwise('subtract', 'Subtract', 'sub', 'Subtracts the second tensor from the first, element by element. `a - b` means `subtract(a, b)`.');
export const multiply = elementwise('multiply', 'Multiply', 'mul', 'Multiplies tensors of the same shape element by element (gating). `a * b` means `multiply(a, b)`.');

function concatAxis(ctx: ShapeContext): number {
  const rank = ctx.input.length;
  const axis = (ctx.args['axis'] as number | undefined) ?? -1;
  return axis < 0 ? rank + axis : axis;
}

export const concat: LayerDef = {
  name: 'concat',
  kerasClass: 'Concatenate',
  doc: 'Joins tensors along one axis (default the last); every other axis must agree.',
  params: [{ name: 'axis', type: 'int', default: -1, doc: 'The axis to join along; negative counts from the end.' }],
  inputCount: { min: 2, max: 16 },
  outputShape(ctx) {
    const rank = ctx.input.length;
    const axis = concatAxis(ctx);
    if (axis < 1 || axis >= rank) {
      ctx.error('NN3002', `\`axis\` of \`concat\` must point at an axis after the batch of a rank-${rank} tensor`, { at: 'axis', help: 'use -1 for the last axis' });
      return undefined;
    }
    const out: Dim[] = [...ctx.input];
    // The joined axis is the sum of the parts, symbolic where they are (`n + 2*n` is `3*n`).
    let total: Dim = ctx.input[axis]!;
    for (const other of ctx.inputs.slice(1)) {
      const mismatch = other.length === rank ? firstMismatch(ctx.input, other, axis) : undefined;
      if (other.length !== rank || mismatch) {
        const depends = mismatch?.agreement.result === 'depends';
        ctx.error('NN3190', depends ? 'cannot concatenate tensors whose other axes agree only for some sizes' : 'cannot concatenate tensors whose other axes differ', {
          label: `cannot join ${showShape(ctx.input)} and ${showShape(other)} along axis ${axis}${mismatch ? `: ${describeMismatch(mismatch)}` : ''}`,
          expected: showShape(ctx.input.map((d, i) => (i === axis ? { kind: 'sym', name: '*' } : d))),
          found: showShape(other),
          help: mismatch ? mismatchHelp(mismatch, rank) : 'all axes except the joined one must match: flatten or reshape one side to the same rank',
        });
        return undefined;
      }
      total = addDims(total, other[axis]!);
    }
    out[axis] = total;
    return out;
  },
  weights: () => [],
  emit: (ctx) => `tf.concat([${ctx.inputs.join(', ')}], ${(ctx.args['axis'] as number | undefined) ?? -1})`,
  backward: concatBackward,
  flops: noFlops,
};

export const mergeLayers: readonly LayerDef[] = [add, subtract, multiply, concat];
