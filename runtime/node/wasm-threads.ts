/// <reference types="node" />
// Multi-threaded wasm in Node. tfjs hard-codes WASM_HAS_MULTITHREAD_SUPPORT to false in Node
// (tfjs issue #3830) because Emscripten's thread pool cannot start there as shipped:
//   - the pool starts workers from `blob:` URLs, which Node's Worker rejects (ERR_WORKER_PATH):
//     the worker source and the main script it loads are written to temporary files instead;
//   - the main script refers to the bundle's helper names (`require$$0`…), undefined in a worker:
//     the worker defines them;
//   - the C++ side sizes XNNPACK's pool at half the reported cores (it assumes SMT): the count is
//     set explicitly, and os.cpus() reports twice as many while the backend starts;
//   - the pool's workers keep the process alive: they are unref()ed once the backend is up (and
//     the process is held alive while it starts, see below).
// All of this happens while the wasm backend initialises; the globals patched for it (Blob,
// URL.createObjectURL) are restored right after.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface PThreadPool {
  unusedWorkers: { unref(): void }[];
  runningWorkers: { unref(): void }[];
}

/**
 * The bundle's module-level names that the threaded factory's source refers to, as globals of
 * the worker: its CommonJS requires, rollup's `commonjsGlobal`, and three tslib helpers (tslib's
 * own code, for tfjs 4.22's bundle).
 */
const WORKER_GLOBALS = `
globalThis.require$$0 = require('fs');
globalThis.require$$1 = require('path');
globalThis.require$$3 = require('perf_hooks');
globalThis.require$$4 = require('os');
globalThis.commonjsGlobal = globalThis;
globalThis.__values = function (o) { var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0; if (m) return m.call(o); if (o && typeof o.length === "number") return { next: function () { if (o && i >= o.length) o = void 0; return { value: o && o[i++], done: !o }; } }; throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined."); };
globalThis.__read = function (o, n) { var m = typeof Symbol === "function" && o[Symbol.iterator]; if (!m) return o; var i = m.call(o), r, ar = [], e; try { while ((n === void 0 || n-- > 0) && !(r = i.next()).done) ar.push(r.value); } catch (error) { e = { error: error }; } finally { try { if (r && !r.done && (m = i["return"])) m.call(i); } finally { if (e) throw e.error; } } return ar; };
globalThis.__spreadArray = function (to, from, pack) { if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++) { if (ar || !(i in from)) { if (!ar) ar = Array.prototype.slice.call(from, 0, i); ar[i] = from[i]; } } return to.concat(ar || Array.prototype.slice.call(from)); };
`;

const MAIN_SCRIPT_MARK = 'var WasmBackendModuleThreadedSimd = ';

/**
 * Starts the wasm backend with `threads` threads (Node only). Must run before the backend's
 * first use: call it in place of `tf.setBackend('wasm')`. Resolves with what setBackend resolves.
 */
export async function startThreadedWasm(threads: number): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-wasm-threads-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const mainPath = path.join(dir, 'main.cjs');
  let workerPath: string | null = null;

  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;
  const texts = new WeakMap<Blob, string>();
  // Records the text of string-built Blobs: createObjectURL must answer synchronously.
  class RecordingBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (!parts?.every((p) => typeof p === 'string')) return;
      const text = parts.join('');
      texts.set(this, text);
      // The main script is posted to the workers as this Blob; they read it from the file instead.
      if (text.startsWith(MAIN_SCRIPT_MARK)) fs.writeFileSync(mainPath, text);
    }
  }
  globalThis.Blob = RecordingBlob;
  URL.createObjectURL = (blob: Blob) => {
    const text = texts.get(blob);
    if (text === undefined) return originalCreateObjectURL(blob);
    if (text.startsWith(MAIN_SCRIPT_MARK)) return mainPath;
    // The pthread worker: inside it, the Blob of the main script maps to the file written above.
    // Written once: the pool asks for it per worker, and rewriting the file while a started
    // worker reads it would hand that worker a truncated script (and hang the start-up).
    if (workerPath !== null) return workerPath;
    workerPath = path.join(dir, 'worker.cjs');
    const prelude = [
      WORKER_GLOBALS,
      `URL.createObjectURL = () => ${JSON.stringify(mainPath)};`,
      'URL.revokeObjectURL = () => {};',
    ].join('\n');
    const strict = '"use strict";';
    const body = text.startsWith(strict) ? text.slice(strict.length) : text;
    fs.writeFileSync(workerPath, `${strict}\n${prelude}\n${body}`);
    return workerPath;
  };
  // tfjs's C++ takes at most half the logical cores (assuming two hyperthreads per core): report
  // twice the wanted count while it starts.
  const originalCpus = os.cpus;
  const cpus = originalCpus();
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]!);
  // Emscripten unref()s each pool worker as soon as it has loaded; while the main module still
  // compiles (a V8 task, which holds no event-loop handle), Node could then find nothing left to
  // wait for and exit mid-start. This timer holds the process until the backend is up.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
    const ok = await tf.setBackend('wasm');
    if (ok) {
      const pool = ((tf.backend() as BackendWasm).wasm as unknown as { PThread?: PThreadPool }).PThread;
      for (const worker of [...(pool?.unusedWorkers ?? []), ...(pool?.runningWorkers ?? [])]) worker.unref();
    }
    return ok;
  } finally {
    clearInterval(keepAlive);
    os.cpus = originalCpus;
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
  }
}
