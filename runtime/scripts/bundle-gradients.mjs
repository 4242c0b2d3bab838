// Builds dist/node/gradients.js: tfjs-core's own gradient functions (register_all_gradients) as one
// ES module Node can load. tfjs-core ships them only as ES modules with extensionless imports
// (fine for bundlers, which get dist/gradients.js instead) and leaves them out of its Node bundle.
// The copy of the few tfjs-core modules they use registers into tfjs-core's global gradient
// registry and runs on its global engine, so the gradients are the ones the tape finds.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
const outfile = fileURLToPath(new URL('../dist/node/gradients.js', import.meta.url));

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
  banner: { js: '// tfjs-core 4.x register_all_gradients, bundled for Node by nnc-runtime (scripts/bundle-gradients.mjs). Apache-2.0.' },
});
