// `nnc-runtime/webgpu` in a browser app: `import 'nnc-runtime/webgpu';` once, and
// `useBackend('webgpu')` works. The import is static so that a bundler includes the backend; it
// is a separate entry so that apps without WebGPU do not bundle it. tfjs's webgpu package
// registers its backend when it loads, where navigator.gpu exists.
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';

import { registerWebGpu } from './platform.js';
import { unavailable } from './webgpu.js';

registerWebGpu(async () => {
  if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu === undefined) {
    throw unavailable("The 'webgpu' backend needs a browser with WebGPU (navigator.gpu is missing)");
  }
  if (tf.findBackendFactory('webgpu') == null) {
    throw unavailable("The 'webgpu' backend did not register (@tensorflow/tfjs-backend-webgpu found no WebGPU when it loaded)");
  }
});

/** True once this entry is imported: `import { webGpuEnabled } from 'nnc-runtime/webgpu'` keeps the import. */
export const webGpuEnabled = true;
