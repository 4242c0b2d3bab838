// Integer inputs (token ids, bases, classes) to vectors: a learned embedding table, or a fixed
// one-hot code. Ids arrive as numbers and are cast to int32.
import { constDim, showShape } from '../shapes/dim.js';
import { noFlops } from './flops.js';
import type { LayerDef } from './types.js';

export const embedding: LayerDef = {
  name: 'embedding',
  kerasClass: 'Embedding',
  doc: 'Looks up a learned vector of `output_dim` numbers for each integer id in [0, input_dim): [batch, steps] → [batch, steps, output_dim]. Parameters: input_dim·output_dim (initialised uniform in ±0.05, as Keras). An id outside [0, input_dim) is an error that names it, not a silent zero vector.',
  params: [
    { name: 'input_dim', type: 'int', positional: true, required: true, min: 1, doc: 'Size of the vocabulary: ids run from 0 to input_dim - 1.' },
    { name: 'output_dim', type: 'int', positional: true, required: true, min: 1, doc: 'Size of each embedding vector.' },
  ],
  outputShape(ctx) {
    if (ctx.input.length < 2) {
      ctx.error('NN3101', `\`embedding\` reads ids [batch, steps], found ${showShape(ctx.input)}`, { expected: '[batch, steps]', found: showShape(ctx.input) });
      return undefined;
    }
    return [...ctx.input, constDim(ctx.args['output_dim'] as number)];
  },
  // Not regularised: Keras' kernel_regularizer does not reach an embedding table (that is its embeddings_regularizer).
  weights: (ctx) => [{ name: 'embeddings', shape: [ctx.args['input_dim'] as number, ctx.args['output_dim'] as number], init: 'random_uniform', trainable: true, regularized: false }],
  emit(ctx) {
    // A gather: its gradient (UnsortedSegmentSum) is one of the kernels nnc adds to wasm. An id
    // outside [0, input_dim) stops the gather rather than reading a zero vector; the runtime
    // reports it as NN4208 with the layer's name and `.nn` line.
    const layer = `embedding \`${ctx.id ?? 'embedding'}\`${ctx.origin ? ` (${ctx.origin})` : ''}`;
    return `${ctx.runtime('embeddingLookup')}(${ctx.weight('embeddings')}, ${ctx.input}, ${JSON.stringify(layer)})`;
  },
  // The rows the ids picked receive the gradient, summed per id; no gradient flows to the ids.
  backward: { weights: (node, d, e) => ({ embeddings: `${e.rt.use('embeddingGradient')}(${d}, ${node.input.id}, ${node.args['input_dim'] as number})` }) },
  // A lookup: no arithmetic.
  flops: noFlops,
};

export const oneHot: LayerDef = {
  name: 'one_hot',
  kerasClass: 'OneHot',
  doc: 'Encodes each integer id in [0, depth) as a vector of `depth` zeros with a 1 at the id: [batch, steps] → [batch, steps, depth] (DNA bases with depth 4). No parameters.',
  // tfjs's oneHot refuses a depth below 2 (and one class encodes nothing).
  params: [{ name: 'depth', type: 'int', positional: true, required: true, min: 2, doc: 'Number of classes (at least 2).' }],
  outputShape(ctx) {
    if (ctx.input.length < 2) {
      ctx.error('NN3101', `\`one_hot\` reads ids [batch, …], found ${showShape(ctx.input)}`, { expected: '[batch, steps]', found: showShape(ctx.input) });
      return undefined;
    }
    return [...ctx.input, constDim(ctx.args['depth'] as number)];
  },
  weights: () => [],
  emit: (ctx) => `tf.cast(tf.oneHot(tf.cast(${ctx.input}, 'int32'), ${ctx.args['depth'] as number}), 'float32')`,
  // No rule: it reads ids, so nothing below it has a gradient, and nothing above needs its.
  flops: noFlops,
};
