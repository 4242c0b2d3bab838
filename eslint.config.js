// The linter: typescript-eslint's recommended rules, and the map of docs/architecture.md as
// import rules, so a layering violation fails `npm run lint` (and CI) instead of a review.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const ourFolders = ['grammar', 'compiler', 'runtime', 'lsp', 'cli', 'bench'];

/** `no-restricted-imports` patterns that forbid importing the given folders of this repository. */
function forbidFolders(folders, message) {
  return folders.map((folder) => ({ group: [`**/${folder}/**`, `../${folder}`, `../../${folder}`], message }));
}

/** One import-boundary rule for the files of `files`. */
function boundary(files, patterns, paths = []) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns, paths }],
    },
  };
}

const nodeBuiltins = {
  group: ['node:*'],
  message: 'This folder runs in browsers and editors too: no Node built-ins here.',
};

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'test/.out/**', 'lsp/vscode/**', '**/*.d.ts'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (tsc's noUnused* agrees).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Tests match terminal output, where two spaces are two spaces.
      'no-regex-spaces': 'off',
    },
  },
  {
    // Plain JS entry points and configs run in Node (TypeScript files get their globals from tsc).
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  // The grammar knows nothing of the rest.
  boundary(['grammar/**/*.ts'], [...forbidFolders(ourFolders.filter((f) => f !== 'grammar'), 'grammar/ is the bottom layer.'), nodeBuiltins]),
  // The compiler is pure and knows neither its hosts (CLI, language server) nor the benchmark. It
  // may name runtime types (the contract generated code is written against) but imports no
  // runtime code, except the pure table parsers both sides share so that their messages agree.
  boundary(
    ['compiler/**/*.ts'],
    [
      ...forbidFolders(['lsp', 'cli', 'bench'], 'compiler/ must not depend on its hosts (docs/architecture.md).'),
      {
        group: ['**/runtime/**', '!**/runtime/tabular.js', 'nnc-runtime', 'nnc-runtime/*'],
        allowTypeImports: true,
        message: 'compiler/ may import only types from the runtime (and runtime/tabular.js, shared parsers).',
      },
      nodeBuiltins,
    ],
  ),
  // The runtime is what apps install: it knows nothing of the language or its tools.
  boundary(
    ['runtime/**/*.ts'],
    forbidFolders(['grammar', 'compiler', 'lsp', 'cli', 'bench'], 'runtime/ is its own package and must not depend on the compiler or its tools.'),
    [
      { name: 'typescript', message: 'No compiler in the runtime: apps install it.' },
      { name: 'chevrotain', message: 'No parser in the runtime: apps install it.' },
      { name: '@tensorflow/tfjs-layers', message: 'The runtime registers tfjs-core gradients itself.' },
    ],
  ),
  // The language server reads the compiler, never the CLI or the runtime's code.
  boundary(
    ['lsp/**/*.ts'],
    [
      ...forbidFolders(['cli', 'bench'], 'lsp/ must not depend on the CLI.'),
      { group: ['**/runtime/**', 'nnc-runtime', 'nnc-runtime/*'], allowTypeImports: true, message: 'lsp/ may import only types from the runtime.' },
    ],
  ),
  // Commands are reached from cli/main.ts; none reaches back into it (no import cycle).
  boundary(
    ['cli/**/*.ts'],
    [{ group: ['./main.js', './main'], message: 'Commands must not import cli/main.ts: put shared parts in their own module.' }],
  ),
  {
    files: ['cli/main.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
);
