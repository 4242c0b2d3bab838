import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  resolve: {
    // Generated modules import the runtime as `nnc-runtime` (older ones as `nnc/runtime`); in tests
    // that is the TypeScript source, through the Node entry as Node resolves it, so tests, the code
    // they load and the CLI modules they import share one runtime.
    alias: [
      { find: /^nnc-runtime$/, replacement: source('./runtime/node.ts') },
      { find: /^nnc-runtime\/node$/, replacement: source('./runtime/node.ts') },
      { find: /^nnc-runtime\/webgpu$/, replacement: source('./runtime/node/webgpu-entry.ts') },
      { find: /^nnc\/runtime$/, replacement: source('./runtime/node.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Node's services (files, data-set packages, threads, Dawn) for tests that import
    // runtime/index.ts directly, as a Node app's `nnc-runtime` import registers them.
    setupFiles: ['runtime/node/register.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
