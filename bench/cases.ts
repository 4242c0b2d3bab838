// What the harness and its child processes exchange: case descriptions in, results out (as JSON).
import type { WasmKernelSet } from 'nnc-runtime';
import type { Protocol, Timing } from './measure.js';
import type { NetName } from './networks.js';

export const BATCH = 64;

export type Contender = 'nnc' | 'nnc-tape' | 'nnc-fit' | 'layers-trainOnBatch' | 'layers-fit' | 'core' | 'core-nnc-kernels';

export interface TrainCase {
  net: NetName;
  contender: Contender;
  backend: string;
  protocol: Protocol;
  /** Distinct batches cycled through (the same samples for every contender). */
  batches: number;
  /** wasm's thread pool (default 1). */
  threads?: number;
}

export interface TrainResult {
  samplesPerSecond?: number;
  timing?: Timing;
  tensorsConstant?: boolean;
  kernels?: string[];
  skipped?: string;
}

export interface MatmulCase {
  backend: string;
  wasmKernels: WasmKernelSet;
  /** Square sizes n for n×n·n×n. */
  sizes: number[];
  protocol: Protocol;
}

export interface MatmulResult {
  /** GFLOP/s by size, untransposed. */
  square: Record<string, number>;
  /** ms for the MLP's first weight gradient, [784×64]ᵀ·[64×128] (transposeA). */
  transposedMs?: number;
  skipped?: string;
}
