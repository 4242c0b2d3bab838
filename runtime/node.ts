// `nnc-runtime/node`, and what Node resolves `nnc-runtime` to (package.json "exports", condition
// `node`): the browser-safe main entry plus Node's services: data files and data-set packages,
// checkpoints and resume state on disk, pretrained weights from disk, wasm threads, Dawn's WebGPU
// and the terminal progress bar (runtime/node/).
export * from './index.js';
import './node/register.js';
export { resolveDataPackagesFrom } from './node/packages.js';
export { webGpuAdapterName, isSoftwareAdapter } from './webgpu.js';
