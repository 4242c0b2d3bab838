// The epoch/batch loop that `fit` and `fitSteps` share: the rows in batches, shuffled each epoch
// with the run's seed; each batch's numbers (losses, metrics) averaged over the epoch weighted by
// batch size; the event loop let through now and then; and callbacks at the start and end of
// every epoch (a learning-rate schedule, progress, early stopping, checkpoints) that may end the run.
import * as tf from '@tensorflow/tfjs-core';

import type { EpochLog } from './types.js';
import { shuffledIndices, type Rng } from './random.js';

/** How long the loop may hold the event loop before letting timers (a progress bar, a UI) run. */
const YIELD_EVERY_MS = 50;

/** One batch of an epoch. */
export interface Batch {
  epoch: number;
  /** 0-based, of `count` batches in the epoch. */
  index: number;
  count: number;
  /** Rows in this batch (the last one may be short). */
  size: number;
  /** This batch's rows of each of the loop's tensors, in their order; call it inside `tf.tidy`. */
  rows(): tf.Tensor[];
}

/** What the callbacks see at the end of an epoch, and how one of them ends the run. */
export interface EpochEnd {
  /** The epoch's log; a callback may add to `log.logs` (validation adds `val_*`) for those after it. */
  log: EpochLog;
  /** This is the plan's last epoch. */
  readonly last: boolean;
  /** Set by a callback to end the run after this epoch; callbacks after it see it set. */
  stop: boolean;
}

export interface EpochCallback {
  /** Before the epoch's first batch (a schedule sets the learning rate here). */
  epochStart?(epoch: number): void;
  /** After the epoch's last batch, in the order the callbacks are listed. */
  epochEnd?(end: EpochEnd): void | Promise<void>;
}

export interface EpochLoop {
  /** Every tensor the batches slice, each with one row per sample along its first axis. */
  tensors: readonly tf.Tensor[];
  batchSize: number;
  /** The epoch to start at (after a resumed run's last), and the last one. */
  firstEpoch: number;
  epochs: number;
  /** Shuffles the rows each epoch with this stream; null keeps their order. */
  shuffle: Rng | null;
  /** The names of the numbers each batch reports, as its epoch log names their means. */
  names: readonly string[];
  /** Optimizer steps each batch takes (a several-model plan takes one per `step`). */
  stepsPerBatch: number;
  /** Trains on one batch and returns its numbers, in the order of `names`. */
  batch(batch: Batch): Promise<readonly number[]>;
  callbacks: readonly EpochCallback[];
}

/** Rows `start` .. `start + size - 1` of a tensor of any rank, or the tensor when it is all of them. */
function sliceRows(t: tf.Tensor, start: number, size: number, whole: boolean): tf.Tensor {
  return whole ? t : tf.slice(t, start, size);
}

/** Runs the loop to its last epoch or until a callback stops it. */
export async function runEpochs(loop: EpochLoop): Promise<void> {
  const n = loop.tensors[0]!.shape[0]!;
  const count = Math.ceil(n / loop.batchSize);
  // One batch holding every row has the same gradient in any order: skip the gather.
  const rng = count > 1 ? loop.shuffle : null;
  // A resumed run's shuffle goes on where the interrupted run left it.
  if (rng) for (let e = 1; e < loop.firstEpoch; e++) shuffledIndices(n, rng);
  let lastYield = Date.now();
  for (let epoch = loop.firstEpoch; epoch <= loop.epochs; epoch++) {
    for (const c of loop.callbacks) c.epochStart?.(epoch);
    const order = rng ? tf.tensor1d(shuffledIndices(n, rng), 'int32') : null;
    const sets = order ? loop.tensors.map((t) => tf.gather(t, order)) : loop.tensors;
    const sums = new Float64Array(loop.names.length);
    try {
      for (let index = 0; index < count; index++) {
        const start = index * loop.batchSize;
        const size = Math.min(loop.batchSize, n - start);
        const values = await loop.batch({ epoch, index, count, size, rows: () => sets.map((t) => sliceRows(t, start, size, count === 1)) });
        values.forEach((v, i) => {
          sums[i] = sums[i]! + v * size;
        });
        if (Date.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          lastYield = Date.now();
        }
      }
    } finally {
      if (order) tf.dispose([order, ...sets]);
    }
    const logs: Record<string, number> = {};
    loop.names.forEach((name, i) => {
      logs[name] = sums[i]! / n;
    });
    const end: EpochEnd = { log: { epoch, epochs: loop.epochs, steps: count * loop.stepsPerBatch, logs }, last: epoch === loop.epochs, stop: false };
    for (const c of loop.callbacks) await c.epochEnd?.(end);
    if (end.stop) break;
  }
}
