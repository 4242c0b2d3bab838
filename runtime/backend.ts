// Backend selection. Importing this module registers the cpu and wasm backends and tfjs-core's own
// gradient functions (`#register-gradients`, see package.json "imports": the Node bundle of
// tfjs-core registers none, so without it the first `minimize` fails with "gradient function not
// found").
// `useBackend('wasm')` also installs nnc's wasm kernels (runtime/kernels/): the one wasm lacks
// for training a CNN, and faster formulations of three slow stock ones.
// Every import is static, so a bundler sees the backends; webgpu is the optional one, enabled by
// importing `nnc-runtime/webgpu` (runtime/webgpu-entry.ts) or, in Node, by the Node entry.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '#register-gradients';

import type { BackendName } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { installWasmKernels, type WasmKernelSet } from './kernels/install.js';
import { currentHost, currentWebGpuEnabler } from './platform.js';
import { wasmFetchFailure, watchWasmFetches } from './wasm-fetch.js';

/** The wasm binaries tfjs chooses from (by SIMD and thread support). */
export type WasmFileName = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

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
  /**
   * wasm only: where the `.wasm` files are served, as a folder URL ending in `/` (e.g. `'/wasm/'`)
   * or a URL for each of the three files; passed to tfjs-backend-wasm's `setWasmPaths` before wasm starts. By
   * default tfjs looks beside the page's script. Copy them from
   * `node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm` (docs/runtime.md).
   */
  wasmPaths?: string | Record<WasmFileName, string>;
}

/** Whether the wasm backend has already started (its thread count is then fixed). */
function wasmStarted(): boolean {
  return (tf.engine() as unknown as { registry: Record<string, unknown> }).registry['wasm'] !== undefined;
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
    const host = currentHost();
    if (host === null || !host.isNode) {
      throw threadsError(
        "Choosing wasm threads is supported in Node only (through 'nnc-runtime/node'); browsers decide it from cross-origin isolation.",
      );
    }
    wasmThreads = wanted;
    return host.startThreadedWasm(wanted);
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
export async function useBackend(name: BackendName, options: UseBackendOptions = {}): Promise<void> {
  // A JavaScript caller (or a CLI's raw string) can still pass anything.
  if (!(KNOWN as readonly string[]).includes(name)) throw unknownBackend(String(name));
  // Silences the "Hi, looks like you are running TensorFlow.js in Node.js" banner.
  tf.enableProdMode();
  if (name === 'webgpu') await enableWebGpu();
  if (name === 'wasm') {
    installWasmKernels(options.wasmKernels ?? 'fast');
    if (options.wasmPaths != null && !wasmStarted()) {
      try {
        setWasmPaths(options.wasmPaths);
      } catch (error) {
        // tfjs refuses new paths after a failed start; the page must reload to try others.
        throw new NncRuntimeError(RUNTIME_ERROR_CODES.backendFailed, `The 'wasm' backend cannot take these wasmPaths: ${messageOf(error)}`, { cause: error });
      }
    }
  } else if (options.threads !== undefined && options.threads !== 1) {
    throw threadsError(`Threads are an option of the 'wasm' backend, not of '${name}'.`);
  }
  let ok: boolean;
  const fetches = name === 'wasm' && !wasmStarted() ? watchWasmFetches() : null;
  try {
    // setBackend resolves false (rather than throwing) when the backend cannot start.
    ok = name === 'wasm' ? await startWasm(options.threads) : await tf.setBackend(name);
  } catch (error) {
    fetches?.stop();
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
  const seenFetches = fetches?.stop() ?? [];
  const failedFetch = ok ? null : await wasmFetchFailure(seenFetches);
  if (failedFetch !== null) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.backendFailed,
      `The 'wasm' backend could not load ${failedFetch}. Serve the .wasm files of node_modules/@tensorflow/tfjs-backend-wasm/dist/ ` +
        "there, or say where they are with `useBackend('wasm', { wasmPaths: '/folder/' })`.",
    );
  }
  if (!ok) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.backendFailed,
      `The '${name}' backend could not be initialised on this machine; try the other of 'wasm' and 'cpu'.`,
    );
  }
}

/** Runs what `nnc-runtime/webgpu` (or, in Node, the Node entry) registered, or says to import it. */
async function enableWebGpu(): Promise<void> {
  const enable = currentWebGpuEnabler();
  if (enable === null) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.backendUnavailable,
      "The 'webgpu' backend is not enabled in this app: add `import 'nnc-runtime/webgpu';` (with the npm package " +
        "@tensorflow/tfjs-backend-webgpu installed), or use 'wasm' (the fast CPU backend) or 'cpu' (the reference backend).",
    );
  }
  await enable();
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
      "No TensorFlow.js backend is ready: call `await useBackend('wasm')` (or 'cpu') from 'nnc-runtime' before creating a model.",
    );
  }
}
