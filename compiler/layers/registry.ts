// The layer library: every layer the language knows, by name. Adding a layer = adding one entry.
import { activationLayers } from './activation-layers.js';
import { dense } from './dense.js';
import type { LayerDef } from './types.js';

export const layers: readonly LayerDef[] = [dense, ...activationLayers];

export const layerByName: ReadonlyMap<string, LayerDef> = new Map(layers.map((l) => [l.name, l]));
