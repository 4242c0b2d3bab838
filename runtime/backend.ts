// Backend selection. Importing this module registers the cpu and wasm backends and, through
// tfjs-layers, every gradient: the Node bundle of tfjs-core registers no gradients at all, so
// without that import the first `minimize` fails with "gradient function not found".
// `useBackend('wasm')` also installs nnc's wasm kernels (runtime/kernels/): the one wasm lacks
// for training a CNN, and faster formulations of three slow stock ones.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';

import type { BackendName } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { installWasmKernels, type WasmKernelSet } from './kernels/install.js';
import { prepareWebGpu } from './webgpu.js';
import { startThreadedWasm, wasmStarted } from './wasm-threads.js';

const KNOWN: readonly BackendName[] = ['wasm', 'cpu', 'webgpu'];

export interface UseBackendOptions {
  /**
   * wasm only: which kernels to use. `fast` (the default) is nnc's choice; `minimal` adds only
   * the kernel wasm lacks for training convolutions; `stock` is tfjs as shipped. For comparisons.
   */
  wasmKernels?: WasmKernelSet;
  /**
   * wasm in Node only: the number of threads of XNNPACK's pool (default 1). More threads speed
   * up large kernels and slow down small ones. Fixed once wasm has started in the process.
   */
  threads?: number;
}

/** The wasm thread count this process started with, or null before wasm starts. */
let wasmThreads: number | null = null;

function threadsError(message: string): NncRuntimeError {
  return new NncRuntimeError(RUNTIME_ERROR_CODES.badThreads, message);
}

/** Starts wasm, with a thread pool when asked; resolves with what setBackend resolves. */
async function startWasm(threads: number | undefined): Promise<boolean> {
  const wanted = threads ?? wasmThreads ?? 1;
  // Emscripten's pool holds 8 workers, started with the backend; tfjs cannot start more later.
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > 8) {
    throw threadsError(`The number of wasm threads must be a whole number from 1 to 8, got ${String(threads)}.`);
  }
  const started = wasmStarted();
  if (started && wanted !== (wasmThreads ?? 1)) {
    throw threadsError(
      `The wasm backend already runs with ${wasmThreads ?? 1} thread${(wasmThreads ?? 1) === 1 ? '' : 's'} in this process; the thread count can only be chosen before its first use.`,
    );
  }
  if (!started && wanted > 1) {
    if (typeof process === 'undefined' || !process.versions?.node) {
      throw threadsError('Choosing wasm threads is supported in Node only; browsers decide it from cross-origin isolation.');
    }
    wasmThreads = wanted;
    return startThreadedWasm(wanted);
  }
  wasmThreads = wanted;
  return tf.setBackend('wasm');
}

function unknownBackend(name: string): NncRuntimeError {
  return new NncRuntimeError(
    RUNTIME_ERROR_CODES.unknownBackend,
    `There is no backend called '${name}'; choose 'wasm' (the fast CPU backend), 'cpu' (the reference backend) or 'webgpu' (where a WebGPU adapter exists).`,
  );
}

/**
 * Makes `name` the backend every later tensor op runs on. Must be awaited before any op: wasm
 * initialises asynchronously, and tfjs throws "backend has not yet been initialized" otherwise.
 */
// `string & {}` keeps editor completion of the three names while accepting a CLI's raw string.
export async function useBackend(name: BackendName | (string & {}), options: UseBackendOptions = {}): Promise<void> {
  if (!(KNOWN as readonly string[]).includes(name)) throw unknownBackend(name);
  // Silences the "Hi, looks like you are running TensorFlow.js in Node.js" banner.
  tf.enableProdMode();
  if (name === 'webgpu') await prepareWebGpu();
  if (name === 'wasm') installWasmKernels(options.wasmKernels ?? 'fast');
  else if (options.threads !== undefined && options.threads !== 1) {
    throw threadsError(`Threads are an option of the 'wasm' backend, not of '${name}'.`);
  }
  let ok: boolean;
  try {
    // setBackend resolves false (rather than throwing) when the backend cannot start.
    ok = name === 'wasm' ? await startWasm(options.threads) : await tf.setBackend(name);
  } catch (error) {
    if (error instanceof NncRuntimeError) throw error;
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.backendFailed,
      `The '${name}' backend failed to start: ${messageOf(error)}`,
      { cause: error },
    );
  }
  if (!ok && name === 'webgpu') {
    // Left registered, a failed webgpu would become tfjs's default for the next op.
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.backendUnavailable,
      "The 'webgpu' backend found no WebGPU adapter on this machine; use 'wasm' (the fast CPU backend) or 'cpu' (the reference backend).",
    );
  }
  if (!ok) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.backendFailed,
      `The '${name}' backend could not be initialised on this machine; try the other of 'wasm' and 'cpu'.`,
    );
  }
}

/** The backend in use, or `null` before `useBackend` (asking tfjs would pick one as a side effect). */
export function currentBackend(): string | null {
  return tf.engine().backendName ?? null;
}

/**
 * Generated model constructors call this first: creating weights before `useBackend` would fail
 * inside tfjs with a message about wasm that does not say what to do.
 */
export function requireBackend(): void {
  if (currentBackend() === null) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.noBackend,
      "No TensorFlow.js backend is ready: call `await useBackend('wasm')` (or 'cpu') from 'nnc/runtime' before creating a model.",
    );
  }
}
