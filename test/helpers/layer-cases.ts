// The layer test cases every layer of the registry must have (test/layer-registry.test.ts checks
// that each has one): a small model around the layer for its gradient (test/layer-gradients.test.ts)
// and its parameter count, worked out by hand beside it.

export interface InputSpec {
  name: string;
  shape: number[];
  /** Integer ids in [0, ids) instead of real values. */
  ids?: number;
}

export interface Case {
  inputs: InputSpec[];
  /** The model's statements (the input declarations are written from `inputs`). */
  body: string;
}

export const one = (shape: number[], body: string, ids?: number): Case => ({ inputs: [{ name: 'x', shape, ...(ids ? { ids } : {}) }], body });
export const two = (a: number[], b: number[], body: string): Case => ({ inputs: [{ name: 'a', shape: a }, { name: 'b', shape: b }], body });

/**
 * One small model per layer, with a layer with weights in front of it, so that the gradient of its
 * input is computed and checked too (a first layer's input gradient is never needed).
 */
export const GRADIENT_CASES: Record<string, Case> = {
  dense: one([5, 6], 'dense(4, activation: tanh)\n  dense(3, activation: softmax)'),
  sigmoid: one([5, 6], 'dense(4)\n  sigmoid()'),
  tanh: one([5, 6], 'dense(4)\n  tanh()'),
  relu: one([5, 6], 'dense(4)\n  relu()'),
  // Large constant weights, so that values fall below 0, inside (0, 6) and above 6.
  relu6: one([5, 6], 'dense(4, kernel: [[8, -3, 1, 5], [6, 2, -8, 1], [-5, 7, 3, 2], [4, -6, 9, -1], [-7, 5, 2, 6], [3, 8, -4, 7]])\n  relu6()\n  dense(2)'),
  leaky_relu: one([5, 6], 'dense(4)\n  leaky_relu(0.2)'),
  elu: one([5, 6], 'dense(4)\n  elu()'),
  softmax: one([5, 6], 'dense(4)\n  softmax()'),
  step: one([5, 6], 'dense(4)\n  step()\n  dense(2)'),
  add: two([5, 4], [5, 4], 'output dense(3, a) + dense(3, b)'),
  subtract: two([5, 4], [5, 4], 'output dense(3, a) - dense(3, b)'),
  multiply: two([5, 4], [5, 4], 'output dense(3, a) * dense(3, b)'),
  concat: two([5, 4], [5, 3], 'output dense(2, concat(dense(3, a), b))'),
  conv1d: one([3, 9, 2], 'dense(2)\n  conv1d(4, 3, strides: 2, padding: same, activation: relu)'),
  conv2d: one([3, 8, 7, 2], 'conv2d(4, 3, activation: relu)\n  conv2d(3, [2, 3], strides: 2, padding: same)'),
  conv3d: one([2, 4, 5, 5, 1], 'conv3d(2, 1)\n  conv3d(3, [3, 2, 3], strides: [1, 2, 1], padding: same, activation: tanh)'),
  // tfjs has no gradient for dilation above 1; the runtime's dilated convolutions bring their own.
  'conv1d, dilated': one([3, 9, 2], 'conv1d(3, 3, dilation_rate: 2, padding: same)\n  conv1d(2, 2, dilation_rate: 3, activation: relu)'),
  'conv2d, dilated': one([2, 7, 7, 2], 'conv2d(3, 3, dilation_rate: 2, activation: tanh)\n  conv2d(2, [2, 3], dilation_rate: [1, 2], padding: same)'),
  'conv3d, dilated': one([1, 5, 5, 5, 1], 'conv3d(2, 2, dilation_rate: 2)\n  conv3d(2, 2, dilation_rate: [1, 2, 1], padding: same)'),
  conv2d_transpose: one([2, 4, 4, 3], 'conv2d(3, 1)\n  conv2d_transpose(2, 3, strides: 2, padding: same)'),
  max_pooling1d: one([3, 8, 2], 'conv1d(3, 3)\n  max_pooling1d(2)'),
  max_pooling2d: one([3, 9, 9, 2], 'conv2d(3, 2, activation: relu)\n  max_pooling2d(2)'),
  max_pooling3d: one([2, 4, 6, 6, 1], 'conv3d(2, 3)\n  max_pooling3d(2)'),
  // Windows of two cells of the (signed) input: many are all negative, which stock wasm pooled wrong.
  'max_pooling3d, small windows': one([2, 4, 4, 4, 2], 'max_pooling3d([1, 1, 2])\n  conv3d(2, 1)'),
  average_pooling1d: one([3, 8, 2], 'conv1d(3, 3)\n  average_pooling1d(2, padding: same)'),
  average_pooling2d: one([3, 8, 8, 2], 'conv2d(3, 3)\n  average_pooling2d(2, strides: 1)'),
  average_pooling3d: one([2, 4, 6, 6, 1], 'conv3d(2, 3)\n  average_pooling3d([1, 2, 2])'),
  global_average_pooling1d: one([3, 8, 2], 'conv1d(3, 3)\n  global_average_pooling1d()'),
  global_average_pooling2d: one([3, 6, 6, 2], 'conv2d(3, 3)\n  global_average_pooling2d()'),
  global_max_pooling1d: one([3, 8, 2], 'conv1d(3, 3)\n  global_max_pooling1d()'),
  global_max_pooling2d: one([3, 6, 6, 2], 'conv2d(3, 3)\n  global_max_pooling2d()'),
  flatten: one([3, 5, 5, 2], 'conv2d(3, 3)\n  flatten()\n  dense(2)'),
  reshape: one([3, 12], 'dense(12)\n  reshape([3, 4])\n  dense(2)'),
  up_sampling1d: one([3, 4, 2], 'conv1d(3, 3, padding: same)\n  up_sampling1d(2)'),
  up_sampling2d: one([2, 3, 3, 2], 'conv2d(2, 3, padding: same)\n  up_sampling2d(2)'),
  zero_padding2d: one([2, 4, 4, 2], 'conv2d(2, 2)\n  zero_padding2d([1, 2, 0, 1])\n  conv2d(2, 2)'),
  repeat_vector: one([3, 4], 'dense(3)\n  repeat_vector(4)\n  lstm(2)'),
  dropout: one([6, 10], 'dense(8, activation: relu)\n  dropout(0.5)\n  dense(3)'),
  batch_normalization: one([6, 4, 4, 2], 'conv2d(3, 3)\n  batch_normalization()'),
  layer_normalization: one([3, 5, 4], 'dense(6)\n  layer_normalization()'),
  embedding: one([3, 5], 'embedding(7, 4)\n  flatten()\n  dense(2)', 7),
  one_hot: one([3, 5], 'one_hot(4)\n  conv1d(3, 2)', 4),
  maxout: one([4, 5], 'dense(6)\n  maxout(3)'),
  simple_rnn: one([3, 5, 2], 'dense(3)\n  simple_rnn(4, return_sequences: true)'),
  lstm: one([3, 5, 2], 'dense(3)\n  lstm(3, bidirectional: true)'),
  gru: one([3, 5, 2], 'gru(4, return_sequences: true)\n  gru(3)'),
  multi_head_attention: one([2, 5, 8], 'dense(8)\n  multi_head_attention(2, key_dim: 4, causal: true)'),
  cross_attention: two([2, 4, 8], [2, 6, 6], 'output cross_attention(2, dense(8, a), dense(6, b))'),
  positional_encoding: one([2, 5, 8], 'dense(8)\n  positional_encoding(learned)\n  dense(3)'),
  transformer_encoder: one([2, 5, 8], 'dense(8)\n  transformer_encoder(2, 16)'),
  transformer_decoder: one([2, 5, 8], 'dense(8)\n  transformer_decoder(2, 16)'),
};

/** The case's model, `M`, as .nn source. */
export function caseSource(c: Case): string {
  const inputs = c.inputs.map((i) => `  input ${i.name}: [batch, ${i.shape.slice(1).join(', ')}]`).join('\n');
  return `model M {\n${inputs}\n  ${c.body}\n}\n`;
}

/**
 * Each layer alone after its input(s), with its parameter count worked out by hand (Keras counts
 * the same; the formulas are the docs').
 */
export const PARAM_CASES: Record<string, { model: Case; params: number }> = {
  dense: { model: one([5, 6], 'dense(4)'), params: 6 * 4 + 4 },
  sigmoid: { model: one([5, 6], 'sigmoid()'), params: 0 },
  tanh: { model: one([5, 6], 'tanh()'), params: 0 },
  relu: { model: one([5, 6], 'relu()'), params: 0 },
  relu6: { model: one([5, 6], 'relu6()'), params: 0 },
  leaky_relu: { model: one([5, 6], 'leaky_relu(0.1)'), params: 0 },
  elu: { model: one([5, 6], 'elu()'), params: 0 },
  softmax: { model: one([5, 6], 'softmax()'), params: 0 },
  step: { model: one([5, 6], 'step()'), params: 0 },
  add: { model: two([5, 4], [5, 4], 'output a + b'), params: 0 },
  subtract: { model: two([5, 4], [5, 4], 'output a - b'), params: 0 },
  multiply: { model: two([5, 4], [5, 4], 'output a * b'), params: 0 },
  concat: { model: two([5, 4], [5, 3], 'output concat(a, b)'), params: 0 },
  // k·in·filters + filters
  conv1d: { model: one([3, 9, 2], 'conv1d(4, 3)'), params: 3 * 2 * 4 + 4 },
  conv2d: { model: one([3, 8, 7, 2], 'conv2d(4, 3)'), params: 3 * 3 * 2 * 4 + 4 },
  conv3d: { model: one([2, 4, 5, 5, 1], 'conv3d(3, [3, 2, 3])'), params: 3 * 2 * 3 * 1 * 3 + 3 },
  conv2d_transpose: { model: one([2, 4, 4, 3], 'conv2d_transpose(2, 3)'), params: 3 * 3 * 2 * 3 + 2 },
  max_pooling1d: { model: one([3, 8, 2], 'max_pooling1d(2)'), params: 0 },
  max_pooling2d: { model: one([3, 8, 8, 2], 'max_pooling2d(2)'), params: 0 },
  max_pooling3d: { model: one([2, 4, 6, 6, 1], 'max_pooling3d(2)'), params: 0 },
  average_pooling1d: { model: one([3, 8, 2], 'average_pooling1d(2)'), params: 0 },
  average_pooling2d: { model: one([3, 8, 8, 2], 'average_pooling2d(2)'), params: 0 },
  average_pooling3d: { model: one([2, 4, 6, 6, 1], 'average_pooling3d(2)'), params: 0 },
  global_average_pooling1d: { model: one([3, 8, 2], 'global_average_pooling1d()'), params: 0 },
  global_average_pooling2d: { model: one([3, 6, 6, 2], 'global_average_pooling2d()'), params: 0 },
  global_max_pooling1d: { model: one([3, 8, 2], 'global_max_pooling1d()'), params: 0 },
  global_max_pooling2d: { model: one([3, 6, 6, 2], 'global_max_pooling2d()'), params: 0 },
  flatten: { model: one([3, 5, 5, 2], 'flatten()'), params: 0 },
  reshape: { model: one([3, 12], 'reshape([3, 4])'), params: 0 },
  up_sampling1d: { model: one([3, 4, 2], 'up_sampling1d(2)'), params: 0 },
  up_sampling2d: { model: one([2, 3, 3, 2], 'up_sampling2d(2)'), params: 0 },
  zero_padding2d: { model: one([2, 3, 3, 2], 'zero_padding2d(1)'), params: 0 },
  repeat_vector: { model: one([3, 4], 'repeat_vector(4)'), params: 0 },
  dropout: { model: one([6, 10], 'dropout(0.5)'), params: 0 },
  // gamma, beta (trainable), moving mean and variance (not): 4 per channel
  batch_normalization: { model: one([6, 4, 4, 2], 'batch_normalization()'), params: 4 * 2 },
  layer_normalization: { model: one([3, 5, 4], 'layer_normalization()'), params: 2 * 4 },
  embedding: { model: one([3, 5], 'embedding(7, 4)', 7), params: 7 * 4 },
  one_hot: { model: one([3, 5], 'one_hot(4)', 4), params: 0 },
  maxout: { model: one([4, 6], 'maxout(3)'), params: 0 },
  // units·features + units² + units
  simple_rnn: { model: one([3, 5, 2], 'simple_rnn(4)'), params: 4 * 2 + 4 * 4 + 4 },
  // 4·(units·features + units² + units), twice bidirectional
  lstm: { model: one([3, 5, 2], 'lstm(3, bidirectional: true)'), params: 2 * 4 * (3 * 2 + 3 * 3 + 3) },
  // 3·(units·features + units² + 2·units) (reset_after: two biases)
  gru: { model: one([3, 5, 2], 'gru(4)'), params: 3 * (4 * 2 + 4 * 4 + 2 * 4) },
  // d = 8, heads·key_dim = 2·4: 3·(d·hk + hk) + hk·d + d
  multi_head_attention: { model: one([2, 5, 8], 'multi_head_attention(2, key_dim: 4)'), params: 3 * (8 * 8 + 8) + 8 * 8 + 8 },
  // d = 8, e = 6, hk = 2·4: (d + 2e)·hk + 3·hk + hk·d + d
  cross_attention: { model: two([2, 4, 8], [2, 6, 6], 'output cross_attention(2, a, b)'), params: (8 + 2 * 6) * 8 + 3 * 8 + 8 * 8 + 8 },
  // max_length·d
  positional_encoding: { model: one([2, 5, 8], 'positional_encoding(learned)'), params: 5 * 8 },
  // attention with hk = d = 8 (288) + 4d (two norms) + 2·d·ff + ff + d
  transformer_encoder: { model: one([2, 5, 8], 'transformer_encoder(2, 16)'), params: 3 * (8 * 8 + 8) + 8 * 8 + 8 + 4 * 8 + 2 * 8 * 16 + 16 + 8 },
  transformer_decoder: { model: one([2, 5, 8], 'transformer_decoder(2, 16)'), params: 3 * (8 * 8 + 8) + 8 * 8 + 8 + 4 * 8 + 2 * 8 * 16 + 16 + 8 },
};
