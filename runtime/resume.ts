// Training state for resuming a run: after an epoch, the weights, the optimizer's slots (Adam's
// moments, momentum, the step count) and where the run stands (the epoch, the history, early
// stopping's best value) go to a fresh folder `epoch-N`; only when it is complete does
// `latest.json` (written atomically) point at it. A crash at any moment leaves the previous
// complete state in place.
import * as tf from '@tensorflow/tfjs-core';

import type { EpochLog, TrainableModel } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { loadWeights, saveWeights } from './checkpoint.js';
import { requireHost } from './platform.js';

export const LATEST_FILE = 'latest.json';
const OPTIMIZER_MANIFEST = 'optimizer.json';
const OPTIMIZER_DATA = 'optimizer.bin';
const STATE_FILE = 'state.json';

/** Where a run stands after `epoch`: enough to go on exactly as an uninterrupted run would. */
export interface RunState {
  epoch: number;
  history: EpochLog[];
  /** Early stopping: the best monitored value so far, its epoch, and epochs without improvement. */
  best?: { value: number; epoch: number; wait: number };
  /** The seed the run used; a resumed run must use the same one. */
  seed: number;
}

/**
 * Adam keeps β₁ᵗ and β₂ᵗ as running float32 products; its `setWeights` recomputes them as powers,
 * which differ in the last bits after a few dozen steps. The products are saved and put back.
 */
interface AdamProducts {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

function adamProducts(optimizer: tf.Optimizer): { accBeta1: tf.Variable; accBeta2: tf.Variable } | undefined {
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamProducts;
  return accBeta1 instanceof tf.Variable && accBeta2 instanceof tf.Variable ? { accBeta1, accBeta2 } : undefined;
}

interface SlotSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

function resumeError(message: string, cause?: unknown): NncRuntimeError {
  return new NncRuntimeError(RUNTIME_ERROR_CODES.badResume, message, cause === undefined ? undefined : { cause });
}

export async function saveRunState(dir: string, model: TrainableModel, optimizer: tf.Optimizer, state: RunState): Promise<void> {
  const { files } = requireHost(`Saving the training state to the folder '${dir}'`);
  const folder = `epoch-${state.epoch}`;
  const target = files.join(dir, folder);
  const slots = await optimizer.getWeights();
  const specs: SlotSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const { name, tensor } of slots) {
    const values = await tensor.data();
    const asFloat = Float32Array.from(values as ArrayLike<number>);
    specs.push({ name, shape: [...tensor.shape], dtype: tensor.dtype === 'int32' ? 'int32' : 'float32' });
    chunks.push(new Uint8Array(asFloat.buffer));
  }
  // `getWeights` returns the step count as a fresh scalar; the moments are the optimizer's own.
  slots[0]?.tensor.dispose();
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  try {
    await files.remove(target);
    await saveWeights(model, target);
    await files.writeAtomically(files.join(target, OPTIMIZER_DATA), bytes);
    const products = adamProducts(optimizer);
    const betaProducts = products ? [(await products.accBeta1.data())[0]!, (await products.accBeta2.data())[0]!] : undefined;
    await files.writeAtomically(files.join(target, OPTIMIZER_MANIFEST), JSON.stringify({ slots: specs, ...(betaProducts ? { betaProducts } : {}) }));
    await files.writeAtomically(files.join(target, STATE_FILE), JSON.stringify({ format: 'nnc-run-state', version: 1, ...state }));
    await files.writeAtomically(files.join(dir, LATEST_FILE), JSON.stringify({ folder }));
    // Older states are no longer pointed at.
    for (const entry of await files.list(dir)) {
      if (entry.startsWith('epoch-') && entry !== folder) await files.remove(files.join(dir, entry));
    }
  } catch (error) {
    if (error instanceof NncRuntimeError) throw error;
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badCheckpoint, `Could not save the training state to '${dir}': ${messageOf(error)}`, { cause: error });
  }
}

/** Restores the model's weights and the optimizer's slots; returns where the run stood. */
export async function loadRunState(dir: string, model: TrainableModel, optimizer: tf.Optimizer): Promise<RunState> {
  const { files } = requireHost(`Resuming the run saved in '${dir}'`);
  let folder: string;
  try {
    folder = (JSON.parse(await files.readText(files.join(dir, LATEST_FILE))) as { folder: string }).folder;
  } catch (error) {
    throw resumeError(`There is no run to resume in '${dir}' (it needs ${LATEST_FILE}, written by a run with checkpoints: ${messageOf(error)}).`, error);
  }
  if (typeof folder !== 'string' || !/^epoch-\d+$/.test(folder)) throw resumeError(`'${files.join(dir, LATEST_FILE)}' does not name a saved epoch.`);
  const source = files.join(dir, folder);
  let state: RunState & { format?: string };
  let specs: SlotSpec[];
  let betaProducts: number[] | undefined;
  let bytes: Uint8Array;
  try {
    state = JSON.parse(await files.readText(files.join(source, STATE_FILE))) as RunState & { format?: string };
    const optimizerManifest = JSON.parse(await files.readText(files.join(source, OPTIMIZER_MANIFEST))) as { slots: SlotSpec[]; betaProducts?: number[] };
    specs = optimizerManifest.slots;
    betaProducts = optimizerManifest.betaProducts;
    bytes = await files.readBytes(files.join(source, OPTIMIZER_DATA));
  } catch (error) {
    throw resumeError(`The saved run in '${source}' is incomplete or unreadable: ${messageOf(error)}`, error);
  }
  if (state.format !== 'nnc-run-state' || !Number.isInteger(state.epoch) || !Array.isArray(state.history) || !Array.isArray(specs)) {
    throw resumeError(`'${files.join(source, STATE_FILE)}' is not an nnc training state.`);
  }
  await loadWeights(model, source);
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const slots = specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const values = floats.subarray(offset, offset + size);
    offset += size;
    if (values.length !== size) throw resumeError(`The optimizer state in '${source}' is shorter than its manifest says.`);
    return { name: s.name, tensor: tf.tensor(Array.from(values), s.shape, s.dtype) };
  });
  await optimizer.setWeights(slots);
  for (const s of slots) s.tensor.dispose();
  const products = adamProducts(optimizer);
  if (products && Array.isArray(betaProducts) && betaProducts.length === 2) {
    tf.tidy(() => {
      products.accBeta1.assign(tf.scalar(betaProducts[0]!));
      products.accBeta2.assign(tf.scalar(betaProducts[1]!));
    });
  }
  return { epoch: state.epoch, history: state.history, seed: state.seed, ...(state.best ? { best: state.best } : {}) };
}
