// Starting tfjs's webgpu backend from Node, where `navigator.gpu` comes from the `webgpu` package
// (Dawn), which must be installed next to `@tensorflow/tfjs-backend-webgpu`; both are optional.
// runtime/node/webgpu.ts supplies the environment (its imports); in a browser app,
// `nnc-runtime/webgpu` (runtime/webgpu-entry.ts) imports the backend statically instead.
//
// In Node, Dawn is asked for an adapter on a list of routes and the first that answers wins:
// 1. Dawn's default (Vulkan on Linux, Metal on macOS, D3D12 on Windows): a real GPU;
// 2. OpenGL ES through EGL in compatibility mode: Mesa's llvmpipe (a software rasteriser on the
//    CPU) on a machine without a GPU, which is how CI runs the parity tests. EGL needs no display
//    with EGL_PLATFORM=surfaceless, which is set when it is not set already.
// NNC_WEBGPU_FLAGS (Dawn's `key=value` flags, comma-separated) replaces the list by one route, e.g.
// `backend=vulkan` with VK_ICD_FILENAMES for SwiftShader, or `backend=opengles` alone.
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<unknown>;
}

/** One way of asking Dawn for an adapter. */
interface AdapterRoute {
  flags: string[];
  options: Record<string, unknown>;
}

/** What `prepareWebGpu` reads from the outside world; tests replace it. */
export interface WebGpuEnvironment {
  /** Imports a package that may be absent. */
  importPackage(specifier: 'webgpu' | '@tensorflow/tfjs-backend-webgpu'): Promise<unknown>;
  /** The process environment (read for NNC_WEBGPU_FLAGS, written for EGL_PLATFORM). */
  env: Record<string, string | undefined>;
  /** Whether Dawn may be tried when there is no navigator.gpu (Node). */
  isNode: boolean;
}

const GLES_FLAG = 'backend=opengles';
// llvmpipe's GLES 3.2 lacks what a core WebGPU adapter promises; compatibility mode is enough for
// tfjs's compute shaders.
const COMPATIBILITY = { featureLevel: 'compatibility' };

/** Set once the backend is registered: a second `useBackend('webgpu')` has nothing to load. */
let prepared = false;
/** What the chosen adapter says it is (Dawn's `info.device`), for reports; null until one is found. */
let adapterName: string | null = null;

/**
 * The WebGPU adapter nnc found in Node (e.g. "llvmpipe-llvm-15…" for Mesa's software rasteriser),
 * or null before `useBackend('webgpu')` or in a browser. The benchmark uses it to refuse timing a
 * software adapter.
 */
export function webGpuAdapterName(): string | null {
  return adapterName;
}

/** Whether an adapter name is a CPU rasteriser (llvmpipe, SwiftShader, lavapipe, softpipe). */
export function isSoftwareAdapter(name: string): boolean {
  return /llvmpipe|swiftshader|lavapipe|softpipe/i.test(name);
}

export function unavailable(message: string, cause?: unknown): NncRuntimeError {
  return new NncRuntimeError(
    RUNTIME_ERROR_CODES.backendUnavailable,
    `${message}; use 'wasm' (the fast CPU backend) or 'cpu' (the reference backend).`,
    cause === undefined ? undefined : { cause },
  );
}

function hasNavigatorGpu(): boolean {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  return nav?.gpu !== undefined;
}

/** The routes to try, in order: NNC_WEBGPU_FLAGS alone, or the GPU and then the software one. */
function adapterRoutes(env: WebGpuEnvironment['env']): AdapterRoute[] {
  const given = env['NNC_WEBGPU_FLAGS'];
  if (given !== undefined && given.trim() !== '') {
    const flags = given.split(',').map((f) => f.trim()).filter((f) => f !== '');
    return [{ flags, options: flags.includes(GLES_FLAG) ? COMPATIBILITY : {} }];
  }
  return [
    { flags: [], options: {} },
    { flags: [GLES_FLAG], options: COMPATIBILITY },
  ];
}

/** The first route on which Dawn gives an adapter, with the `GPU` object that gave it. */
async function findAdapter(dawn: DawnModule, env: WebGpuEnvironment['env']): Promise<{ gpu: GpuLike; route: AdapterRoute } | null> {
  for (const route of adapterRoutes(env)) {
    // Read by Mesa when Dawn opens its EGL display; without it EGL looks for an X11/Wayland one.
    if (route.flags.includes(GLES_FLAG) && env['EGL_PLATFORM'] === undefined) env['EGL_PLATFORM'] = 'surfaceless';
    const gpu = dawn.create(route.flags);
    const adapter = (await gpu.requestAdapter(route.options)) as { info?: { device?: string; description?: string } } | null;
    if (adapter !== null) {
      adapterName = [adapter.info?.device, adapter.info?.description].filter((s) => s !== undefined && s !== '').join(', ');
      return { gpu, route };
    }
  }
  return null;
}

/**
 * Gives Node a `navigator.gpu` whose adapters come from the chosen route. tfjs asks for its own
 * adapter (an adapter makes one device), so the route's options are added to every request.
 */
function installNavigatorGpu(dawn: DawnModule, gpu: GpuLike, route: AdapterRoute): void {
  const request = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = (options = {}) => request({ ...options, ...route.options });
  Object.assign(globalThis, dawn.globals);
  const holder = globalThis as { navigator?: object };
  // Node 21+ has a `navigator` without `gpu`; Node 20 has none.
  if (holder.navigator) Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
  else holder.navigator = { gpu };
}

/** The parts of tfjs's WebGPUBackend that the synchronous-read guard touches. */
interface ReadingBackend {
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values?: unknown } | undefined };
}

function syncReadError(): NncRuntimeError {
  return new NncRuntimeError(
    RUNTIME_ERROR_CODES.syncReadOnGpu,
    "The 'webgpu' backend in Node reads tensors back asynchronously only, so dataSync(), arraySync() and the " +
      "synchronous evaluate() and confusionMatrix() cannot run on it; use `await tensor.data()`, `await model.predict(...)` " +
      "and `fit`/`train` (which read asynchronously), or the 'wasm' backend.",
  );
}

/**
 * tfjs reads a GPU tensor synchronously through an OffscreenCanvas, which browsers have and Node
 * does not; without this guard the user would see "OffscreenCanvas is not defined". Values an
 * asynchronous read has already brought to the CPU are still returned.
 */
function guardSynchronousReads(backendModule: unknown): void {
  if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined') return;
  const holder = backendModule as { WebGPUBackend?: { prototype: ReadingBackend }; default?: { WebGPUBackend?: { prototype: ReadingBackend } } };
  const prototype = (holder.WebGPUBackend ?? holder.default?.WebGPUBackend)?.prototype;
  if (prototype === undefined) return;
  const readSync = prototype.readSync;
  prototype.readSync = function guardedReadSync(this: ReadingBackend, dataId: object) {
    if (this.tensorMap.get(dataId)?.values == null) throw syncReadError();
    return readSync.call(this, dataId);
  };
}

function routeNames(env: WebGpuEnvironment['env']): string {
  const given = env['NNC_WEBGPU_FLAGS'];
  if (given !== undefined && given.trim() !== '') return `with NNC_WEBGPU_FLAGS=${given.trim()}`;
  return "on the GPU or on Mesa's OpenGL ES (llvmpipe)";
}

/**
 * Registers tfjs's webgpu backend once an adapter exists, or says exactly what is missing. In Node
 * it finds the adapter first, so that a machine without one gets this sentence instead of tfjs's
 * warning, and tfjs never registers a backend that cannot start.
 */
export async function prepareWebGpu(environment: WebGpuEnvironment): Promise<void> {
  if (prepared) return;
  if (!hasNavigatorGpu()) {
    if (!environment.isNode) {
      throw unavailable("The 'webgpu' backend needs a browser with WebGPU (navigator.gpu is missing)");
    }
    let dawn: DawnModule;
    try {
      dawn = (await environment.importPackage('webgpu')) as DawnModule;
    } catch (error) {
      throw unavailable("The 'webgpu' backend needs the npm packages `webgpu` and `@tensorflow/tfjs-backend-webgpu` in Node, and they are not installed", error);
    }
    let found: Awaited<ReturnType<typeof findAdapter>>;
    try {
      found = await findAdapter(dawn, environment.env);
    } catch (error) {
      throw unavailable(`The 'webgpu' package could not start Dawn (${messageOf(error)})`, error);
    }
    if (found === null) {
      throw unavailable(
        `The 'webgpu' backend found no WebGPU adapter ${routeNames(environment.env)}. Without a GPU, install Mesa ` +
          '(Debian: `apt-get install libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri`; see docs/performance.md)',
      );
    }
    installNavigatorGpu(dawn, found.gpu, found.route);
  }
  let backendModule: unknown;
  try {
    // Must come after navigator.gpu exists: the backend probes it when it registers.
    backendModule = await environment.importPackage('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    throw unavailable("The 'webgpu' backend needs the npm package `@tensorflow/tfjs-backend-webgpu`, and it is not installed", error);
  }
  guardSynchronousReads(backendModule);
  prepared = true;
}
