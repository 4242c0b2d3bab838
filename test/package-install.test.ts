// nnc as a new user gets it: the two packages packed from this checkout and installed into a
// fresh `npm init -y` project, the examples compiled by the installed `nnc`, the README's apps
// type-checked by `tsc --strict` without skipLibCheck under TypeScript 5.9 and 7 (a Node app with
// module NodeNext; a browser app with lib dom, bundler resolution and no @types/node), and the
// Node app run. Both tsconfigs carry the README's `typeRoots` line (nnc-runtime's stand-in for
// @webgpu/types, which TypeScript 7's lib.dom duplicates); without it, TypeScript 7 must still find
// nothing wrong in nnc's and nnc-runtime's own declarations or the app, only in @webgpu/types.
//
// The runtime is installed first and alone, with --omit=dev, as an app's production install: it
// must pull in no compiler, TypeScript, parser, language server, tfjs-layers or data set, and
// its size is printed. Installs come from the packed tarballs plus the registry for tfjs
// (--prefer-offline: a warm npm cache answers them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  codeBlocks,
  copyAppSources,
  installedPackages,
  megabytes,
  newProject,
  npmInstall,
  packPackages,
  readmeSection,
  removeTempDirs,
  repoRoot,
  run,
  sizeOf,
  strictOptions,
  typeErrorCountsByFile,
  typeErrorsByVersion,
  writeJson,
  type InstalledPackage,
} from './app/harness.js';

/** What an app must not install with the runtime: the developer tools and the data sets. */
const NOT_FOR_APPS = [
  /^nnc$/,
  /^typescript$/,
  /^chevrotain$/,
  /^@chevrotain\//,
  /^vscode-languageserver/,
  /^vscode-jsonrpc$/,
  /^@tensorflow\/tfjs-layers$/,
  /^@tensorflow\/tfjs-node/,
  /^mnist$/,
  /^ml-dataset-/,
  /^@viz-js\//,
];
/** The aim for the app's install: the tfjs packages themselves, and little beside. */
const SIZE_LIMIT_BYTES = 90e6;

/** The README's tsconfig excerpt for TypeScript 7 with lib dom and skipLibCheck off (the `json` block of "In a browser app"). */
function readmeCompilerOptions(): { typeRoots: string[] } {
  const [block] = codeBlocks(readmeSection('In a browser app'), 'json');
  if (block === undefined) throw new Error('README.md lost the tsconfig block of "In a browser app"');
  const options = (JSON.parse(block) as { compilerOptions: { typeRoots: string[] } }).compilerOptions;
  expect(options.typeRoots[0]).toBe('./node_modules/nnc-runtime/types');
  return options;
}

let project = '';
let packs = '';
let runtimeOnly: InstalledPackage[] = [];
let runtimeBytes = 0;

beforeAll(() => {
  packs = mkdtempSync(join(tmpdir(), 'nnc-packs-'));
  const tarballs = packPackages(packs);
  project = newProject('install');
  npmInstall(project, ['--omit=dev', tarballs.runtime]);
  runtimeOnly = installedPackages(project);
  runtimeBytes = sizeOf(join(project, 'node_modules'));
  const largest = runtimeOnly
    .map(({ name, path }) => ({ name, bytes: sizeOf(path) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5)
    .map(({ name, bytes }) => `${name} ${megabytes(bytes)}`);
  console.log(`package-install (${project}; NNC_KEEP_APP=1 keeps it): nnc-runtime alone installs ${runtimeOnly.length} packages, ${megabytes(runtimeBytes)} (largest: ${largest.join(', ')})`);

  // As the README's browser app: the optional webgpu backend, and the compiler as a build tool.
  npmInstall(project, ['@tensorflow/tfjs-backend-webgpu']);
  npmInstall(project, ['-D', tarballs.nnc]);
  run(join(project, 'node_modules/.bin/nnc'), ['compile', join(repoRoot, 'examples/xor.nn'), '-o', 'src/xor.ts'], project);
  run(join(project, 'node_modules/.bin/nnc'), ['compile', join(repoRoot, 'examples/mnist-convnet.nn'), '-o', 'src/mnist-convnet.ts'], project);
  copyAppSources(project);

  // The README's Node app, printing what it trained to.
  const [nodeApp] = codeBlocks(readmeSection('Using the generated module'), 'ts');
  const [browserApp] = codeBlocks(readmeSection('In a browser app'), 'ts');
  if (nodeApp === undefined || browserApp === undefined) throw new Error('README.md lost the app of "Using the generated module" or "In a browser app"');
  writeFileSync(join(project, 'src/app.ts'), `${nodeApp}\nconsole.log(\`accuracy \${history.final.accuracy}\`);\n`);
  writeFileSync(join(project, 'src/main.ts'), browserApp);

  // Each app's tsconfig with the README's line, and a `.plain` twin without it.
  const readmeOptions = readmeCompilerOptions();
  const node = {
    compilerOptions: { ...strictOptions, module: 'NodeNext', moduleResolution: 'NodeNext', rootDir: 'src', outDir: 'build' },
    files: ['src/app.ts', 'src/convnet-node.ts'],
  };
  const browser = {
    compilerOptions: { ...strictOptions, module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'], noEmit: true },
    files: ['src/main.ts', 'src/convnet-page.ts'],
  };
  for (const [name, config] of [['node', node], ['browser', browser]] as const) {
    writeJson(join(project, `tsconfig.${name}.json`), { ...config, compilerOptions: { ...config.compilerOptions, ...readmeOptions } });
    writeJson(join(project, `tsconfig.${name}.plain.json`), { ...config, compilerOptions: { ...config.compilerOptions, noEmit: true } });
  }
}, 300_000);

afterAll(() => removeTempDirs(project, packs));

/** The type check emitted build/ (tsconfig.node.json has an outDir); a run filtered to one test emits it here. */
function emitNodeApp(): void {
  if (existsSync(join(project, 'build/app.js')) && existsSync(join(project, 'build/convnet-node.js'))) return;
  run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.node.json', '--noCheck'], project);
}

describe('the runtime installed alone (npm i --omit=dev nnc-runtime)', () => {
  it('pulls in no compiler, TypeScript, language server, tfjs-layers or data set', () => {
    expect(runtimeOnly.map((p) => p.name)).toContain('@tensorflow/tfjs-core');
    const unwanted = runtimeOnly.filter(({ name }) => NOT_FOR_APPS.some((pattern) => pattern.test(name))).map((p) => p.name);
    expect(unwanted).toEqual([]);
  });

  it(`installs at most ${megabytes(SIZE_LIMIT_BYTES)}`, () => {
    expect(runtimeBytes).toBeLessThanOrEqual(SIZE_LIMIT_BYTES);
  });

  it('stays what the app ships once nnc is a devDependency', () => {
    const production = run('npm', ['ls', '--omit=dev', '--all', '--parseable'], project).stdout.split('\n').filter((line) => line.includes('node_modules'));
    const names = production.map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(names).toContain('nnc-runtime');
    expect(names.filter((name) => NOT_FOR_APPS.some((pattern) => pattern.test(name)))).toEqual([]);
  });
});

describe('apps compiled by the installed nnc', () => {
  it('type-check as a Node app (NodeNext, --strict, no skipLibCheck) under TypeScript 5.9 and 7', () => {
    expect(typeErrorsByVersion(project, 'tsconfig.node.json')).toEqual({ '5.9': '', '7': '' });
  }, 180_000);

  it('type-check as a browser app (lib dom, no @types/node) under TypeScript 5.9 and 7', () => {
    expect(existsSync(join(project, 'node_modules/@types/node'))).toBe(false);
    expect(typeErrorsByVersion(project, 'tsconfig.browser.json')).toEqual({ '5.9': '', '7': '' });
  }, 180_000);

  it("without the README's typeRoots line: 5.9 and 7 with skipLibCheck are clean; 7 without finds errors only in @webgpu/types and lib.dom", () => {
    for (const tsconfig of ['tsconfig.node.plain.json', 'tsconfig.browser.plain.json']) {
      // What the README says needs no line.
      expect(typeErrorCountsByFile(project, tsconfig, '5.9'), tsconfig).toEqual({});
      expect(typeErrorCountsByFile(project, tsconfig, '7', ['--skipLibCheck']), tsconfig).toEqual({});
      const counts = typeErrorCountsByFile(project, tsconfig, '7');
      // What the line is for, tfjs-core's @webgpu/types against lib.dom, and nothing else: no
      // error in nnc's or nnc-runtime's declarations, in tfjs's others, or in the app.
      expect(Object.keys(counts).filter((file) => !/node_modules\/@webgpu\/types\/|(^|\/)lib\.[\w.]+\.d\.ts$/.test(file)), tsconfig).toEqual([]);
    }
  }, 180_000);

  it('run in Node: the README app trains XOR to accuracy 1', () => {
    emitNodeApp();
    const { stdout } = run(process.execPath, ['build/app.js'], project);
    expect(stdout).toMatch(/^accuracy 1$/m);
  }, 120_000);

  it('run in Node: the convnet takes Adam steps on cpu and wasm with the same losses', () => {
    emitNodeApp();
    const { stdout } = run(process.execPath, ['build/convnet-node.js'], project);
    const losses = JSON.parse(/^convnet (.*)$/m.exec(stdout)![1]!) as Record<'cpu' | 'wasm', number[]>;
    expect(losses.cpu).toHaveLength(3);
    expect(losses.cpu.every(Number.isFinite)).toBe(true);
    losses.wasm.forEach((loss, i) => expect(Math.abs(loss - losses.cpu[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(losses.cpu[i]!))));
  }, 120_000);
});

