// The layer library: every layer the language knows, by name. Adding a layer = adding one entry.
import { activationLayers } from './activation-layers.js';
import { dense } from './dense.js';
import { mergeLayers } from './merge.js';
import { conv1d, conv2d, conv2dTranspose, conv3d } from './conv.js';
import { crossAttention, multiHeadAttention, positionalEncoding, transformerDecoder, transformerEncoder } from './attention.js';
import { dropout } from './dropout.js';
import { embedding, oneHot } from './embedding.js';
import { maxout } from './maxout.js';
import { gru, lstm, simpleRnn } from './recurrent.js';
import { batchNormalization, layerNormalization } from './normalization.js';
import { poolingLayers } from './pooling.js';
import { flatten, reshape, upSampling1d, upSampling2d } from './reshaping.js';
import { repeatVector } from './repeat-vector.js';
import { zeroPadding2d } from './zero-padding.js';
import type { LayerDef } from './types.js';

export const layers: readonly LayerDef[] = [
  dense,
  ...activationLayers,
  ...mergeLayers,
  conv1d,
  conv2d,
  conv3d,
  conv2dTranspose,
  ...poolingLayers,
  flatten,
  reshape,
  upSampling1d,
  upSampling2d,
  zeroPadding2d,
  repeatVector,
  dropout,
  batchNormalization,
  layerNormalization,
  embedding,
  oneHot,
  maxout,
  simpleRnn,
  lstm,
  gru,
  multiHeadAttention,
  crossAttention,
  positionalEncoding,
  transformerEncoder,
  transformerDecoder,
];

/**
 * Shorter names people write (and the course sketches use) for Keras' long ones. The layer keeps
 * its Keras name in summaries and weight names.
 */
export const layerAliases: Readonly<Record<string, string>> = {
  batchnorm: 'batch_normalization',
  layernorm: 'layer_normalization',
  max_pool1d: 'max_pooling1d',
  max_pool2d: 'max_pooling2d',
  max_pool3d: 'max_pooling3d',
  avg_pool1d: 'average_pooling1d',
  avg_pool2d: 'average_pooling2d',
  avg_pool3d: 'average_pooling3d',
  global_avg_pool1d: 'global_average_pooling1d',
  global_avg_pool2d: 'global_average_pooling2d',
  global_avgpool2d: 'global_average_pooling2d',
  global_max_pool1d: 'global_max_pooling1d',
  global_max_pool2d: 'global_max_pooling2d',
  upsampling1d: 'up_sampling1d',
  upsampling2d: 'up_sampling2d',
  rnn: 'simple_rnn',
  attention: 'multi_head_attention',
};

export const layerByName: ReadonlyMap<string, LayerDef> = new Map([
  ...layers.map((l): [string, LayerDef] => [l.name, l]),
  ...Object.entries(layerAliases).flatMap(([alias, name]): [string, LayerDef][] => {
    const def = layers.find((l) => l.name === name);
    return def ? [[alias, def]] : [];
  }),
]);
