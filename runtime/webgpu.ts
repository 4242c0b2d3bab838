// The webgpu backend is optional: its packages are not dependencies of nnc. In a browser,
// `navigator.gpu` is built in; in Node it comes from the `webgpu` package (Dawn), which must be
// installed next to `@tensorflow/tfjs-backend-webgpu`. Without a GPU, Dawn runs on SwiftShader
// (set VK_ICD_FILENAMES to the vk_swiftshader_icd.json of Debian's chromium package) or on Mesa's
// llvmpipe (NNC_WEBGPU_FLAGS=backend=opengles, EGL_PLATFORM=surfaceless).
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<unknown>;
}

let prepared = false;

function unavailable(message: string, cause?: unknown): NncRuntimeError {
  return new NncRuntimeError(
    RUNTIME_ERROR_CODES.backendUnavailable,
    `${message}; use 'wasm' (the fast CPU backend) or 'cpu' (the reference backend).`,
    cause === undefined ? undefined : { cause },
  );
}

/** Imports a package that may be absent; the specifier is a variable so bundlers leave it alone. */
async function importOptional(specifier: string): Promise<unknown> {
  return import(specifier);
}

function hasNavigatorGpu(): boolean {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  return nav?.gpu !== undefined;
}

/** Gives Node a `navigator.gpu` from Dawn; llvmpipe through GLES needs a compatibility adapter. */
function installDawn(dawn: DawnModule): void {
  const flags = (process.env['NNC_WEBGPU_FLAGS'] ?? '').split(',').filter((f) => f !== '');
  const gpu = dawn.create(flags);
  if (flags.includes('backend=opengles')) {
    const request = gpu.requestAdapter.bind(gpu);
    gpu.requestAdapter = (options = {}) => request({ ...options, featureLevel: 'compatibility' });
  }
  Object.assign(globalThis, dawn.globals);
  const holder = globalThis as { navigator?: object };
  if (holder.navigator) Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
  else holder.navigator = { gpu };
}

/** Registers the webgpu backend, or says exactly what is missing. */
export async function prepareWebGpu(): Promise<void> {
  if (prepared) return;
  if (!hasNavigatorGpu()) {
    if (typeof process === 'undefined' || !process.versions?.node) {
      throw unavailable("The 'webgpu' backend needs a browser with WebGPU (navigator.gpu is missing)");
    }
    let dawn: DawnModule;
    try {
      dawn = (await importOptional('webgpu')) as DawnModule;
    } catch (error) {
      throw unavailable("The 'webgpu' backend needs the npm packages `webgpu` and `@tensorflow/tfjs-backend-webgpu` in Node, and they are not installed", error);
    }
    try {
      installDawn(dawn);
    } catch (error) {
      throw unavailable(`The 'webgpu' package could not start Dawn (${messageOf(error)})`, error);
    }
  }
  try {
    // Must come after navigator.gpu exists: the backend probes it when it registers.
    await importOptional('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    throw unavailable("The 'webgpu' backend needs the npm package `@tensorflow/tfjs-backend-webgpu`, and it is not installed", error);
  }
  prepared = true;
}
