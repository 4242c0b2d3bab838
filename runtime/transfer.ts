// Transfer learning: copy the weights of some layers from a saved checkpoint into a model (a new
// head keeps its fresh weights), and the test of which weights are frozen. Layer names are the
// Keras-style ids of the weights (`dense_1` in `dense_1/kernel`).
import * as tf from '@tensorflow/tfjs-core';

import type { TrainableModel } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { WEIGHTS_MANIFEST_FILE, type WeightsManifest } from './checkpoint.js';
import { requireHost } from './platform.js';

/** The layer a weight belongs to: everything before its last `/`. */
export function layerOf(weightName: string): string {
  const slash = weightName.lastIndexOf('/');
  return slash < 0 ? weightName : weightName.slice(0, slash);
}

export function isFrozen(weightName: string, frozen: readonly string[] | undefined): boolean {
  return frozen !== undefined && frozen.includes(layerOf(weightName));
}

/**
 * Assigns the checkpoint's weights (in `folder`) of `layers` (every layer the two share, when not given) to the
 * model. Each named layer must be in both, with the same weight shapes; nothing is assigned unless
 * everything matches.
 */
export async function loadLayerWeights(model: TrainableModel, folder: string, layers?: readonly string[], baseDir?: string): Promise<string[]> {
  const { files } = requireHost(`Loading pretrained weights from the folder '${folder}'`);
  // Relative to `baseDir` (the `.nn` file's folder for `nnc train`), else the current directory.
  const dir = files.resolve(baseDir, folder);
  let manifest: WeightsManifest;
  let bytes: Uint8Array;
  try {
    manifest = JSON.parse(await files.readText(files.join(dir, WEIGHTS_MANIFEST_FILE))) as WeightsManifest;
    const dataFile = manifest.weightsManifest[0]!.paths[0]!;
    if (dataFile !== files.basename(dataFile)) throw new Error('the manifest names a data file outside its folder');
    bytes = await files.readBytes(files.join(dir, dataFile));
  } catch (error) {
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badCheckpoint, `There are no pretrained weights to load in '${dir}' (${messageOf(error)}).`, { cause: error });
  }
  const saved = new Map<string, { shape: number[]; offset: number }>();
  let offset = 0;
  for (const w of manifest.weightsManifest[0]!.weights) {
    saved.set(w.name, { shape: w.shape, offset });
    offset += w.shape.reduce((a, b) => a * b, 1) * 4;
  }
  if (offset !== bytes.byteLength) throw new NncRuntimeError(RUNTIME_ERROR_CODES.badCheckpoint, `The weights in '${dir}' do not match their manifest (${bytes.byteLength} bytes, ${offset} described).`);
  const savedLayers = new Set([...saved.keys()].map(layerOf));
  const modelWeights = model.weights();
  const modelLayers = new Set(modelWeights.map((w) => layerOf(w.name)));
  const wanted = layers ? [...layers] : [...modelLayers].filter((l) => savedLayers.has(l));
  for (const layer of wanted) {
    if (!modelLayers.has(layer)) throw new NncRuntimeError(RUNTIME_ERROR_CODES.weightMismatch, `The model '${model.modelName}' has no layer '${layer}' to load weights into.`);
    if (!savedLayers.has(layer)) throw new NncRuntimeError(RUNTIME_ERROR_CODES.weightMismatch, `The checkpoint in '${dir}' has no layer '${layer}'; it has ${[...savedLayers].map((l) => `'${l}'`).join(', ')}.`);
  }
  const plan = modelWeights.filter((w) => wanted.includes(layerOf(w.name)));
  for (const { name, variable } of plan) {
    const spec = saved.get(name);
    if (!spec) throw new NncRuntimeError(RUNTIME_ERROR_CODES.weightMismatch, `The checkpoint in '${dir}' has no weight '${name}'.`);
    const same = spec.shape.length === variable.shape.length && spec.shape.every((d, i) => d === variable.shape[i]);
    if (!same) {
      throw new NncRuntimeError(
        RUNTIME_ERROR_CODES.weightMismatch,
        `The weight '${name}' has shape [${spec.shape.join(', ')}] in '${dir}' but [${variable.shape.join(', ')}] in the model '${model.modelName}'.`,
      );
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { name, variable } of plan) {
    const spec = saved.get(name)!;
    const values = new Float32Array(variable.size);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(spec.offset + i * 4, true);
    const next = tf.tensor(values, spec.shape, 'float32');
    variable.assign(next);
    next.dispose();
  }
  return wanted;
}
