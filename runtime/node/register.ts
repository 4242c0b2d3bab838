// Registers Node's services with the runtime (runtime/platform.ts): files, data-set packages, the
// terminal bar, wasm threads and Dawn's WebGPU. Imported by `nnc-runtime/node` (what Node resolves
// `nnc-runtime` to); it loads no tfjs, so test set-up can import it cheaply.
import { registerHost, registerWebGpu } from '../platform.js';
import { nodeFiles } from './files.js';
import { loadPackage } from './packages.js';
import { terminalBar } from './progress-bar.js';
import { enableNodeWebGpu } from './webgpu.js';

registerHost({
  files: nodeFiles,
  loadPackage,
  terminalBar,
  // Loaded when asked: it patches globals while the wasm backend starts.
  startThreadedWasm: async (threads) => (await import('./wasm-threads.js')).startThreadedWasm(threads),
  isNode: true,
});
registerWebGpu(enableNodeWebGpu);
