// Checkpoints: a tfjs-style weights manifest (`weights.json`) beside the raw values
// (`weights.bin`, little-endian float32 concatenated in manifest order). The pure encode/decode
// pair works anywhere; save/load to a folder use the host's files (runtime/platform.ts), which
// `nnc-runtime/node` registers.
import * as tf from '@tensorflow/tfjs-core';

import type { TrainableModel } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { requireHost } from './platform.js';

/** What a checkpoint needs of a model: its name and its weights (models with several inputs have no `forward`). */
export type WeightOwner = Pick<TrainableModel, 'modelName' | 'weights'>;

export const WEIGHTS_MANIFEST_FILE = 'weights.json';
export const WEIGHTS_DATA_FILE = 'weights.bin';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface WeightsManifest {
  format: 'nnc-weights';
  version: 1;
  modelName: string;
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
}

export interface EncodedWeights {
  manifest: WeightsManifest;
  /** Little-endian float32 values of every weight, in manifest order. */
  data: Uint8Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function badCheckpoint(message: string, cause?: unknown): NncRuntimeError {
  return new NncRuntimeError(RUNTIME_ERROR_CODES.badCheckpoint, message, cause === undefined ? undefined : { cause });
}

function mismatch(message: string): NncRuntimeError {
  return new NncRuntimeError(RUNTIME_ERROR_CODES.weightMismatch, message);
}

/** The model's weights as a manifest and one byte buffer (no I/O). */
export function encodeWeights(model: WeightOwner): EncodedWeights {
  const weights = model.weights();
  const seen = new Set<string>();
  const specs: WeightSpec[] = [];
  let total = 0;
  for (const { name, variable } of weights) {
    if (seen.has(name)) {
      throw mismatch(`The model '${model.modelName}' has two weights named '${name}'; checkpoint names must be unique.`);
    }
    seen.add(name);
    if (variable.dtype !== 'float32') {
      throw mismatch(`The weight '${name}' has dtype ${variable.dtype}; checkpoints store float32 weights only.`);
    }
    specs.push({ name, shape: [...variable.shape], dtype: 'float32' });
    total += variable.size;
  }
  const data = new Uint8Array(total * 4);
  const view = new DataView(data.buffer);
  let offset = 0;
  for (const { variable } of weights) {
    const values = variable.dataSync() as Float32Array;
    if (LITTLE_ENDIAN) {
      data.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    } else {
      for (let i = 0; i < values.length; i++) view.setFloat32(offset + i * 4, values[i]!, true);
    }
    offset += values.byteLength;
  }
  return {
    manifest: {
      format: 'nnc-weights',
      version: 1,
      modelName: model.modelName,
      weightsManifest: [{ paths: [WEIGHTS_DATA_FILE], weights: specs }],
    },
    data,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the JSON's structure and returns every weight with its byte offset into the data. */
function layoutOf(manifest: unknown): Array<WeightSpec & { offset: number }> {
  if (!isObject(manifest) || manifest.format !== 'nnc-weights') {
    throw badCheckpoint("This is not an nnc checkpoint: the manifest's format is not 'nnc-weights'.");
  }
  if (manifest.version !== 1) {
    throw badCheckpoint(`This checkpoint has version ${String(manifest.version)}; this runtime reads version 1.`);
  }
  const groups = manifest.weightsManifest;
  if (!Array.isArray(groups) || groups.length !== 1 || !isObject(groups[0]) || !Array.isArray(groups[0].weights)) {
    throw badCheckpoint('The checkpoint manifest must list its weights in exactly one weightsManifest group.');
  }
  const paths = groups[0].paths;
  if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string') {
    throw badCheckpoint('The checkpoint manifest must name exactly one data file in `paths`.');
  }
  const layout: Array<WeightSpec & { offset: number }> = [];
  let offset = 0;
  for (const spec of groups[0].weights as unknown[]) {
    if (
      !isObject(spec) ||
      typeof spec.name !== 'string' ||
      !Array.isArray(spec.shape) ||
      !spec.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)
    ) {
      throw badCheckpoint('The checkpoint manifest has a weight entry without a name or with an invalid shape.');
    }
    if (spec.dtype !== 'float32') {
      throw badCheckpoint(`The checkpoint stores '${spec.name}' as ${String(spec.dtype)}; only float32 is supported.`);
    }
    const shape = spec.shape as number[];
    layout.push({ name: spec.name, shape, dtype: 'float32', offset });
    offset += sizeOf(shape) * 4;
  }
  return layout;
}

/**
 * Assigns the checkpoint's values to the model's variables. Every weight of the model must be in
 * the checkpoint with the same shape, and the checkpoint must hold nothing else; nothing is
 * assigned unless everything matches.
 */
export function decodeWeights(model: WeightOwner, manifest: WeightsManifest | unknown, bytes: Uint8Array): void {
  const layout = layoutOf(manifest);
  const expectedBytes = layout.reduce((sum, w) => sum + sizeOf(w.shape) * 4, 0);
  if (bytes.byteLength !== expectedBytes) {
    throw badCheckpoint(
      `The checkpoint's data has ${bytes.byteLength} bytes but its manifest describes ${expectedBytes}; the two files do not belong together.`,
    );
  }
  const byName = new Map(layout.map((w) => [w.name, w]));
  const weights = model.weights();
  const plan: Array<{ variable: tf.Variable; spec: WeightSpec & { offset: number } }> = [];
  for (const { name, variable } of weights) {
    const spec = byName.get(name);
    if (spec === undefined) {
      throw mismatch(`The checkpoint has no weight '${name}', which the model '${model.modelName}' needs.`);
    }
    const same = spec.shape.length === variable.shape.length && spec.shape.every((d, i) => d === variable.shape[i]);
    if (!same) {
      throw mismatch(
        `The weight '${name}' has shape ${shapeText(spec.shape)} in the checkpoint but ${shapeText(variable.shape)} in the model '${model.modelName}'.`,
      );
    }
    if (variable.dtype !== 'float32') {
      throw mismatch(`The weight '${name}' of the model has dtype ${variable.dtype}; checkpoints hold float32.`);
    }
    byName.delete(name);
    plan.push({ variable, spec });
  }
  if (byName.size > 0) {
    const extra = [...byName.keys()].map((n) => `'${n}'`).join(', ');
    throw mismatch(`The checkpoint has weights the model '${model.modelName}' does not: ${extra}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { variable, spec } of plan) {
    const values = new Float32Array(sizeOf(spec.shape));
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(spec.offset + i * 4, true);
    const next = tf.tensor(values, spec.shape, 'float32');
    variable.assign(next);
    next.dispose();
  }
}

/** Writes `dir/weights.bin`, then `dir/weights.json`, each atomically; creates `dir` if needed. */
export async function saveWeights(model: WeightOwner, dir: string): Promise<void> {
  // Read asynchronously first: webgpu in Node can only read tensors back that way, and it keeps
  // what it read, so encodeWeights' synchronous reads then find the values on the CPU.
  await Promise.all(model.weights().map(({ variable }) => variable.data()));
  const { manifest, data } = encodeWeights(model);
  const { files } = requireHost(`Saving the weights of '${model.modelName}' to the folder '${dir}'`);
  try {
    await files.makeDir(dir);
    await files.writeAtomically(files.join(dir, WEIGHTS_DATA_FILE), data);
    await files.writeAtomically(files.join(dir, WEIGHTS_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    throw badCheckpoint(`Could not save the checkpoint to '${dir}': ${messageOf(error)}`, error);
  }
}

/** Reads `dir/weights.json` and `dir/weights.bin` and assigns them to the model's variables. */
export async function loadWeights(model: WeightOwner, dir: string): Promise<void> {
  const { files } = requireHost(`Loading the weights of '${model.modelName}' from the folder '${dir}'`);
  const manifestFile = files.join(dir, WEIGHTS_MANIFEST_FILE);
  let text: string;
  try {
    text = await files.readText(manifestFile);
  } catch (error) {
    throw badCheckpoint(`There is no readable checkpoint in '${dir}' (${messageOf(error)}).`, error);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw badCheckpoint(`The checkpoint manifest '${manifestFile}' is not valid JSON: ${messageOf(error)}`, error);
  }
  layoutOf(manifest); // checks the structure before `paths` is read from it
  const dataName = (manifest as WeightsManifest).weightsManifest[0]!.paths[0]!;
  if (dataName !== files.basename(dataName)) {
    throw badCheckpoint(`The checkpoint manifest '${manifestFile}' names a data file outside its folder.`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await files.readBytes(files.join(dir, dataName));
  } catch (error) {
    throw badCheckpoint(`The checkpoint in '${dir}' has no readable '${dataName}' (${messageOf(error)}).`, error);
  }
  decodeWeights(model, manifest, bytes);
}
