// Kernels nnc chooses per backend; see docs/performance.md for what each does and why.
export { installWasmKernels, installedWasmKernels, type WasmKernelSet } from './install.js';
export { maxPoolGradFirstMax } from './max-pool-grad.js';
