// The layer library: every layer the language knows, by name. Adding a layer = adding one entry.
import { activationLayers } from './activation-layers.js';
import { dense } from './dense.js';
import { mergeLayers } from './merge.js';
import { conv1d, conv2d, conv2dTranspose, conv3d } from './conv.js';
import { dropout } from './dropout.js';
import { batchNormalization, layerNormalization } from './normalization.js';
import { poolingLayers } from './pooling.js';
import { flatten, reshape, upSampling1d, upSampling2d } from './reshaping.js';
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
  dropout,
  batchNormalization,
  layerNormalization,
];

export const layerByName: ReadonlyMap<string, LayerDef> = new Map(layers.map((l) => [l.name, l]));
