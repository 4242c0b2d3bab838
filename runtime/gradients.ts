// The `default` target of `#register-gradients` (package.json "imports"): for bundlers, tfjs-core's
// own ES module that registers every gradient, so the bundle shares one tfjs-core. Node gets
// dist/node/gradients.js instead (scripts/bundle-gradients.mjs says why).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
