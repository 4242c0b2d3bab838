// The README's browser app, built as a user builds it and run in real headless Chromium.
//
// A fresh project installs the packed packages and runs the README's "In a browser app" commands
// as written (package names mapped to this checkout's tarballs): the esbuild build, then the Vite
// build, of the README's own `src/main.ts`. Both bundles are served from localhost and train XOR
// to accuracy 1 on cpu, wasm and webgpu; the MNIST convnet takes three Adam steps on each with
// the losses Node computes, within 1e-4. A bundle served without its .wasm files shows an error
// naming the URL that failed.
//
// Chromium is Debian's `chromium` (.ci/run installs it), driven by playwright-core. Without a GPU,
// `--enable-unsafe-webgpu` gives Chromium's built-in SwiftShader adapter (Vulkan on the CPU);
// `--use-webgpu-adapter=swiftshader` asks for it even where a GPU exists, so the numbers do not
// depend on the machine. Where no adapter starts, the webgpu cases assert the runtime's
// "no adapter" sentence instead, unless NNC_REQUIRE_WEBGPU=1 (CI) makes that a failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import {
  codeBlocks,
  copyAppSources,
  ensureDir,
  newProject,
  npmInstall,
  packPackages,
  readmeSection,
  removeTempDirs,
  repoRoot,
  run,
  serveStatic,
  shellCommands,
  type StaticServer,
  type Tarballs,
} from './app/harness.js';

const CHROMIUM = process.env['NNC_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];
const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
type Backend = (typeof BACKENDS)[number];
const TOLERANCE = 1e-4;
/** Generous: SwiftShader runs WebGPU on the CPU, and CI machines are slow. */
const PAGE_TIMEOUT_MS = 150_000;
const webgpuRequired = process.env['NNC_REQUIRE_WEBGPU'] === '1';

let project = '';
let packs = '';
let chromiumProfile = '';
let context: BrowserContext;
/** The esbuild output (`www/`) and Vite's (`dist/`), each served on its own port. */
const servers: Record<'esbuild' | 'vite', StaticServer> = {} as Record<'esbuild' | 'vite', StaticServer>;
/** What the README's commands printed, per bundler. */
const buildOutput = { esbuild: '', vite: '' };
/** Node's convnet losses on cpu (the reference) and wasm. */
let nodeLosses: Record<string, number[]> = {};
/** Whether Chromium gave a WebGPU adapter here, and what it is. */
let adapter: string | null = null;

/** `npm i` / `npm install` commands name the packages; this checkout's tarballs stand in for ours. */
function commandArgs(command: string, tarballs: Tarballs): string[] {
  return command.split(/\s+/).map((word) => (word === 'nnc-runtime' ? tarballs.runtime : word === 'nnc' ? tarballs.nnc : word));
}

/** Runs one README shell command in the project, as a user's shell would; returns its output. */
function runReadmeCommand(command: string, tarballs: Tarballs): string {
  const [program, verb, ...rest] = commandArgs(command, tarballs);
  if (program === 'npm' && (verb === 'i' || verb === 'install')) {
    npmInstall(project, rest);
    return '';
  }
  const { stdout, stderr } = run('sh', ['-c', command], project);
  return stdout + stderr;
}

/** `# path: <script ...></script>` comments of a README block: the HTML page each bundler needs. */
function writePages(block: string): void {
  for (const match of block.matchAll(/^\s*# (\S+): (<script.*<\/script>)$/gm)) {
    const path = join(project, match[1]!);
    ensureDir(dirname(path));
    writeFileSync(path, `<!doctype html>\n<html><head><meta charset="utf-8"><title>nnc</title></head><body>${match[2]}</body></html>\n`);
  }
}

beforeAll(async () => {
  const section = readmeSection('In a browser app');
  const [esbuildBlock, viteBlock] = codeBlocks(section, 'sh');
  const [app] = codeBlocks(section, 'ts');
  if (esbuildBlock === undefined || viteBlock === undefined || app === undefined) {
    throw new Error('README "In a browser app" needs the esbuild and Vite ```sh blocks and the ```ts app');
  }

  packs = mkdtempSync(join(tmpdir(), 'nnc-packs-'));
  const tarballs = packPackages(packs);
  project = newProject('browser');
  copyFileSync(join(repoRoot, 'examples/xor.nn'), join(project, 'xor.nn'));
  copyAppSources(project);
  writeFileSync(join(project, 'src/main.ts'), app);

  // The README's esbuild commands, then its Vite ones, as written.
  for (const command of shellCommands(esbuildBlock)) buildOutput.esbuild += runReadmeCommand(command, tarballs);
  writePages(esbuildBlock);
  // The convnet comparison page, built the same way next to the app.
  run('npx', ['nnc', 'compile', join(repoRoot, 'examples/mnist-convnet.nn'), '-o', 'src/mnist-convnet.ts'], project);
  run('npx', ['esbuild', 'src/convnet-page.ts', '--bundle', '--platform=browser', '--outfile=www/convnet.js'], project);
  writeFileSync(join(project, 'www/convnet.html'), '<!doctype html>\n<html><body><script src="convnet.js"></script></body></html>\n');

  writePages(viteBlock);
  writeFileSync(join(project, 'convnet.html'), '<!doctype html>\n<html><body><script type="module" src="/src/convnet-page.ts"></script></body></html>\n');
  // Vite builds index.html alone unless told of the second page.
  writeFileSync(
    join(project, 'vite.config.js'),
    "export default { build: { rollupOptions: { input: { main: 'index.html', convnet: 'convnet.html' } } } };\n",
  );
  for (const command of shellCommands(viteBlock)) buildOutput.vite += runReadmeCommand(command, tarballs);

  // Node's losses for the same steps, from the same sources and the same installed runtime.
  run('npx', ['esbuild', 'src/convnet-node.ts', '--bundle', '--platform=node', '--format=esm', '--packages=external', '--outfile=build/convnet-node.js'], project);
  const printed = run(process.execPath, ['build/convnet-node.js'], project).stdout;
  nodeLosses = JSON.parse(/^convnet (.*)$/m.exec(printed)![1]!) as Record<string, number[]>;

  servers.esbuild = await serveStatic(join(project, 'www'));
  servers.vite = await serveStatic(join(project, 'dist'));
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  chromiumProfile = mkdtempSync(join(tmpdir(), 'nnc-chromium-'));
  context = await chromium.launchPersistentContext(chromiumProfile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = await context.newPage();
  await page.goto(`${servers.esbuild.url}/`);
  adapter = await page.evaluate(async () => {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null> } }).gpu;
    const found = await gpu?.requestAdapter();
    return found ? `${found.info?.vendor ?? '?'} ${found.info?.architecture ?? ''}`.trim() : null;
  });
  await page.close();
  console.log(`browser test (${project}; NNC_KEEP_APP=1 keeps it): Chromium WebGPU adapter: ${adapter ?? 'none'}; Node convnet losses ${JSON.stringify(nodeLosses)}`);
}, 420_000);

afterAll(async () => {
  await context?.close();
  await Promise.all(Object.values(servers).map((server) => server.close()));
  removeTempDirs(project, packs, chromiumProfile);
});

/** Opens `path` and waits for the app to write its result (or an error) into the page. */
async function pageResult(server: StaticServer, path: string): Promise<string> {
  const page: Page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  try {
    await page.goto(`${server.url}${path}`);
    await page.waitForFunction(() => (document.body?.textContent ?? '').trim() !== '', undefined, { timeout: PAGE_TIMEOUT_MS - 10_000 });
    return ((await page.textContent('body')) ?? '').trim();
  } catch (error) {
    throw new Error(`${path}: ${String(error)}\npage errors: ${problems.join('\n')}`);
  } finally {
    await page.close();
  }
}

/** max |actual − expected| / max(1, max |expected|), as the webgpu parity test measures. */
function parityError(actual: number[], expected: number[]): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1;
  expected.forEach((value, i) => {
    diff = Math.max(diff, Math.abs(actual[i]! - value));
    scale = Math.max(scale, Math.abs(value));
  });
  return Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff / scale;
}

/** On webgpu without an adapter, the page shows the runtime's sentence instead of a result. */
function expectNoAdapterSentence(backend: Backend, body: string): boolean {
  if (backend !== 'webgpu' || adapter !== null) return false;
  if (webgpuRequired) throw new Error('NNC_REQUIRE_WEBGPU=1 but headless Chromium gave no WebGPU adapter');
  expect(body).toMatch(/NN4102.*no WebGPU adapter/);
  return true;
}

describe.each(['esbuild', 'vite'] as const)('the README app bundled with %s, in Chromium', (bundler) => {
  it('bundles without Node built-ins (nothing left unresolved or externalised)', () => {
    expect(buildOutput[bundler]).not.toMatch(/Could not resolve|externalized for browser compatibility|node:/);
  });

  it.each(BACKENDS)('trains XOR to accuracy 1 on %s', async (backend) => {
    const body = await pageResult(servers[bundler], `/?backend=${backend}`);
    if (expectNoAdapterSentence(backend, body)) return;
    expect(body).toBe(`${backend}: accuracy 1`);
  }, PAGE_TIMEOUT_MS);

  it.each(BACKENDS)('takes three convnet steps on %s with the losses Node computes', async (backend) => {
    const body = await pageResult(servers[bundler], `/convnet.html?backend=${backend}`);
    if (expectNoAdapterSentence(backend, body)) return;
    const match = /^losses (.*)$/.exec(body);
    expect(match, body).not.toBeNull();
    const losses = JSON.parse(match![1]!) as number[];
    expect(losses).toHaveLength(3);
    // Training moves: the steps do not all give the same loss.
    expect(new Set(losses).size).toBeGreaterThan(1);
    expect(parityError(losses, nodeLosses['cpu']!), `${backend} ${JSON.stringify(losses)} vs Node cpu ${JSON.stringify(nodeLosses['cpu'])}`).toBeLessThanOrEqual(TOLERANCE);
  }, PAGE_TIMEOUT_MS);
});

describe('a bundle served without its .wasm files', () => {
  it('shows an error naming the URL that failed', async () => {
    const server = await serveStatic(join(project, 'www'), /\.wasm$/);
    try {
      const body = await pageResult(server, '/?backend=wasm');
      const wasmRequests = server.missing.filter((path) => path.endsWith('.wasm'));
      expect(wasmRequests.length, `requests answered 404: ${server.missing.join(', ')}`).toBeGreaterThan(0);
      // The URL as the page requested it (absolute, or from the server's root as wasmPaths gave it).
      expect(body).toContain(wasmRequests[0]);
      expect(body).toMatch(/404/);
    } finally {
      await server.close();
    }
  }, PAGE_TIMEOUT_MS);
});

describe('Node', () => {
  it('gives the same convnet losses on wasm as on cpu (the reference the browser is held to)', () => {
    expect(parityError(nodeLosses['wasm']!, nodeLosses['cpu']!)).toBeLessThanOrEqual(TOLERANCE);
  });
});

