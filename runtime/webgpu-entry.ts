// `nnc-runtime/webgpu` in a browser app: `import 'nnc-runtime/webgpu';` once, and
// `useBackend('webgpu')` works. The import is static so that a bundler includes the backend; it
// is a separate entry so that apps without WebGPU do not bundle it. tfjs's webgpu package
// registers its backend when it loads, where navigator.gpu exists. It is a named import used
// below rather than a bare `import '…'`, which declaration emit would keep in webgpu-entry.d.ts:
// the backend's types (GPU* names from @webgpu/types, which TypeScript 7's lib.dom declares too)
// would then be checked in every app that imports this entry without skipLibCheck.
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';

import { registerWebGpu } from './platform.js';
import { unavailable } from './webgpu.js';

// The value use that keeps the import in the emitted JavaScript (an unused import is elided).
void WebGPUBackend;

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
