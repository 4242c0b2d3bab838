// `nnc-runtime/webgpu` as Node resolves it: in Node, WebGPU comes from Dawn, which the Node entry
// already enables when the optional packages are installed (runtime/node/webgpu.ts).
import '../node.js';
