// Backend selection. Importing this module registers the cpu and wasm backends and, through
// tfjs-layers, every gradient: the Node bundle of tfjs-core registers no gradients at all, so
// without that import the first `minimize` fails with "gradient function not found".
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';

import type { BackendName } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';

const WIRED: readonly BackendName[] = ['wasm', 'cpu'];

/**
 * Makes `name` the backend every later tensor op runs on. Must be awaited before any op: wasm
 * initialises asynchronously, and tfjs throws "backend has not yet been initialized" otherwise.
 */
// `string & {}` keeps editor completion of the three names while accepting a CLI's raw string.
export async function useBackend(name: BackendName | (string & {})): Promise<void> {
  if (name === 'webgpu') {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.backendUnavailable,
      "The 'webgpu' backend is not wired up in this version of nnc yet; use 'wasm' (the fast CPU backend) or 'cpu' (the reference backend).",
    );
  }
  if (!(WIRED as readonly string[]).includes(name)) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.unknownBackend,
      `There is no backend called '${name}'; choose 'wasm' (the fast CPU backend) or 'cpu' (the reference backend).`,
    );
  }
  // Silences the "Hi, looks like you are running TensorFlow.js in Node.js" banner.
  tf.enableProdMode();
  let ok: boolean;
  try {
    // setBackend resolves false (rather than throwing) when the backend cannot start.
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.backendFailed,
      `The '${name}' backend failed to start: ${messageOf(error)}`,
      { cause: error },
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
