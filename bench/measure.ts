// The timing protocol every contender shares: warm-up steps (not timed), then timed blocks of a
// fixed number of steps; the result is the median block. After warm-up the number of live tensors
// must not change across blocks — a leak would make the numbers meaningless.
import * as tf from '@tensorflow/tfjs-core';

export interface Protocol {
  warmupSteps: number;
  stepsPerBlock: number;
  blocks: number;
}

export interface Timing {
  /** Median block time divided by its steps. */
  msPerStep: number;
  blockMs: number[];
  /** `tf.memory().numTensors` after warm-up and after every block: all equal when nothing leaks. */
  numTensors: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Times `step` (which must finish its work before resolving: read a value back) per the protocol. */
export async function timeSteps(step: (index: number) => Promise<void> | void, protocol: Protocol): Promise<Timing> {
  let index = 0;
  for (let i = 0; i < protocol.warmupSteps; i++) await step(index++);
  const numTensors = [tf.memory().numTensors];
  const blockMs: number[] = [];
  for (let b = 0; b < protocol.blocks; b++) {
    const start = performance.now();
    for (let s = 0; s < protocol.stepsPerBlock; s++) await step(index++);
    blockMs.push(performance.now() - start);
    numTensors.push(tf.memory().numTensors);
  }
  return { msPerStep: median(blockMs) / protocol.stepsPerBlock, blockMs, numTensors };
}

/** Times whole calls (a `fit` of one epoch): one warm-up call, then one call per block. */
export async function timeCalls(call: () => Promise<void>, stepsPerCall: number, blocks: number): Promise<Timing> {
  await call();
  const numTensors = [tf.memory().numTensors];
  const blockMs: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const start = performance.now();
    await call();
    blockMs.push(performance.now() - start);
    numTensors.push(tf.memory().numTensors);
  }
  return { msPerStep: median(blockMs) / stepsPerCall, blockMs, numTensors };
}
