// Kernels nnc chooses per backend, and the runtime half of the backward pass the compiler
// derives; see docs/performance.md for what each does and why.
export { installWasmKernels, installedWasmKernels, type WasmKernelSet } from './install.js';
export { outputGradient, activationBackward, type DerivedActivation } from './derived-backward.js';
