// Maxout (Goodfellow et al. 2013, as TensorFlow Addons' Maxout): the maximum over groups of the
// last axis. After dense(units·k), maxout(units) gives each unit the max of k linear pieces.
import { constDim, knownSize, showDim, showShape } from '../shapes/dim.js';
import { single } from '../codegen/backward-rules.js';
import { elementwise, exampleSize } from './flops.js';
import type { LayerDef } from './types.js';

export const maxout: LayerDef = {
  name: 'maxout',
  kerasClass: 'Maxout',
  doc: 'Splits the last axis into `units` groups of equal size and keeps the maximum of each: a learned piecewise-linear activation after a dense layer. [batch, …, n] → [batch, …, units]; `units` must divide n. No parameters.',
  params: [{ name: 'units', type: 'int', positional: true, required: true, min: 1, doc: 'Number of outputs; must divide the size of the last axis.' }],
  outputShape(ctx) {
    const last = ctx.input[ctx.input.length - 1];
    const units = ctx.args['units'] as number;
    if (ctx.input.length < 2 || !last) {
      ctx.error('NN3101', `\`maxout\` needs an input of rank 2 or more, found ${showShape(ctx.input)}`, { expected: '[batch, features]' });
      return undefined;
    }
    const n = knownSize(last);
    if (n === undefined && last.kind !== 'unknown') {
      ctx.error('NN3104', `\`maxout\` needs the size of its input's last axis, but it is \`${showDim(last)}\``, { help: "give that axis a number in the model's input type" });
      return undefined;
    }
    if (n !== undefined && n % units !== 0) {
      ctx.error('NN3013', `\`maxout(${units})\` splits the last axis into ${units} equal groups, but it has ${n} values`, {
        expected: `a multiple of ${units}`,
        found: showShape(ctx.input),
        help: `give the layer before ${units * Math.max(1, Math.round(n / units))} units (${units} × pieces), or use \`maxout\` with a divisor of ${n}`,
        at: 'units',
      });
      return undefined;
    }
    return [...ctx.input.slice(0, -1), constDim(units)];
  },
  weights: () => [],
  emit(ctx) {
    const units = ctx.args['units'] as number;
    const pieces = (knownSize(ctx.inputShape[ctx.inputShape.length - 1]) ?? units) / units;
    return `tf.max(tf.reshape(${ctx.input}, [...${ctx.input}.shape.slice(0, -1), ${units}, ${pieces}]), -1)`;
  },
  // Each group's gradient goes to its maximum.
  backward: { inputs: single((node, d, e) => `${e.rt.use('maxoutGradient')}(${d}, ${node.input.id}, ${node.local}, ${node.args['units'] as number})`) },
  // One compare per input value.
  flops: (ctx) => elementwise(exampleSize(ctx.input)),
};
