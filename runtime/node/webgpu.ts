/// <reference types="node" />
// WebGPU in Node: Dawn (the optional `webgpu` package) gives `navigator.gpu`, then the optional
// `@tensorflow/tfjs-backend-webgpu` registers the backend (it probes navigator.gpu when it loads,
// so it is imported after). Both are imported by a variable specifier: they are optional, and Node
// (unlike a bundler, which gets runtime/webgpu-entry.ts) resolves them when asked.
import { prepareWebGpu, type WebGpuEnvironment } from '../webgpu.js';

export const nodeWebGpuEnvironment: WebGpuEnvironment = {
  importPackage: (specifier) => import(specifier),
  env: process.env,
  isNode: true,
};

export function enableNodeWebGpu(): Promise<void> {
  return prepareWebGpu(nodeWebGpuEnvironment);
}
