// What the package-install and browser tests share: packing this repository's two packages,
// making a fresh app project that installs them as a user would, reading the README's commands,
// type-checking with both TypeScript versions, and a static file server for the browser.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The app fixture's files, copied into each temp project's `src/`. */
export const appSources = fileURLToPath(new URL('./src/', import.meta.url));

/** TypeScript 5.9 (`typescript`) and 7 (`typescript7`, an npm alias), both devDependencies. */
export const compilers = [
  { version: '5.9', tsc: join(repoRoot, 'node_modules/typescript/bin/tsc') },
  { version: '7', tsc: join(repoRoot, 'node_modules/typescript7/bin/tsc') },
] as const;

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command; throws with its output when it exits non-zero, so a failing step says why. */
export function run(command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): RunResult {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    // A CI machine's npm must not ask for anything, and nothing may pick up this repo's config.
    env: { ...process.env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`.slice(-8000));
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

export interface Tarballs {
  /** The compiler, CLI and language server. */
  nnc: string;
  /** What generated modules import. */
  runtime: string;
}

/**
 * `npm pack` of the root package and the runtime workspace. `pretest` has built both, so the
 * packs skip their build scripts.
 */
export function packPackages(destination: string): Tarballs {
  const pack = (workspace: string[]): string => {
    const { stdout } = run('npm', ['pack', ...workspace, '--ignore-scripts', '--json', '--pack-destination', destination], repoRoot);
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    return join(destination, packed!.filename);
  };
  return { nnc: pack([]), runtime: pack(['-w', 'runtime']) };
}

/** A fresh project as `npm init -y` makes it, made an ES module package (for top-level await). */
export function newProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nnc-${prefix}-`));
  run('npm', ['init', '-y'], dir);
  run('npm', ['pkg', 'set', 'type=module'], dir);
  return dir;
}

/** `npm install` with the flags that let a warm npm cache answer (CI still reaches the registry). */
export function npmInstall(dir: string, args: readonly string[]): void {
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], dir, 240_000);
}

export interface InstalledPackage {
  name: string;
  path: string;
}

/** Every package under `node_modules`, nested ones included. */
export function installedPackages(dir: string): InstalledPackage[] {
  const found: InstalledPackage[] = [];
  const walk = (modules: string): void => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@');
      const names = scoped ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry];
      for (const name of names) {
        const path = join(modules, name);
        if (!existsSync(join(path, 'package.json'))) continue;
        found.push({ name, path });
        walk(join(path, 'node_modules'));
      }
    }
  };
  walk(join(dir, 'node_modules'));
  return found;
}

/** Bytes under `path`, links not followed (what `du --apparent-size` counts). */
export function sizeOf(path: string): number {
  const stats = lstatSync(path);
  if (!stats.isDirectory()) return stats.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += sizeOf(join(path, entry));
  return total;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** The text of the README section under the `## title` heading, up to the next `## `. */
export function readmeSection(title: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The fenced code blocks of `text` written in `language`, in order. */
export function codeBlocks(text: string, language: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  for (const match of text.matchAll(fence)) blocks.push(match[1]!);
  return blocks;
}

/** The commands of a shell block: one per line, comments and blank lines dropped. */
export function shellCommands(block: string): string[] {
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Copies the app fixture's sources into `project/src`. */
export function copyAppSources(project: string): void {
  cpSync(appSources, join(project, 'src'), { recursive: true });
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** tsconfig options every check uses: strict, and the library declarations checked too. */
export const strictOptions = { strict: true, skipLibCheck: false, target: 'ES2022' } as const;

/**
 * Type-checks `project` with `tsconfig` under both TypeScript versions; returns each version's
 * errors (empty when clean).
 */
export function typeErrorsByVersion(project: string, tsconfig: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { version, tsc } of compilers) {
    const result = spawnSync(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    errors[version] = result.status === 0 ? '' : summarise(`${result.stdout}${result.stderr}`.trim() || `tsc exited ${result.status}`);
  }
  return errors;
}

/**
 * Type-checks `project` with `tsconfig` under one TypeScript version; returns how many errors
 * each file has (empty when clean), for tests that assert where errors are rather than none.
 */
export function typeErrorCountsByFile(
  project: string,
  tsconfig: string,
  version: (typeof compilers)[number]['version'],
  extraArgs: readonly string[] = [],
): Record<string, number> {
  const { tsc } = compilers.find((compiler) => compiler.version === version)!;
  const result = spawnSync(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false', ...extraArgs], { cwd: project, encoding: 'utf8', timeout: 120_000 });
  const counts: Record<string, number> = {};
  const output = `${result.stdout}${result.stderr}`;
  for (const match of output.matchAll(/^(.+?)\(\d+,\d+\): error TS\d+: /gm)) counts[match[1]!] = (counts[match[1]!] ?? 0) + 1;
  if (result.status !== 0 && Object.keys(counts).length === 0) throw new Error(`tsc ${version} -p ${tsconfig} failed without errors in files:\n${output.slice(0, 4000)}`);
  return counts;
}

/** tsc's errors grouped by file (TS 7 can print hundreds): each file's count and first error. */
function summarise(output: string): string {
  const byFile = new Map<string, { count: number; first: string }>();
  for (const match of output.matchAll(/^(.+?)\(\d+,\d+\): error (TS\d+: .*)$/gm)) {
    const entry = byFile.get(match[1]!) ?? { count: 0, first: `${match[0]}` };
    entry.count++;
    byFile.set(match[1]!, entry);
  }
  if (byFile.size === 0) return output.split('\n').slice(0, 30).join('\n');
  return [...byFile.values()].map(({ count, first }) => (count > 1 ? `${first} (+${count - 1} more in this file)` : first)).join('\n');
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
};

export interface StaticServer {
  url: string;
  /** Every path a request asked for that the server answered 404. */
  missing: string[];
  close(): Promise<void>;
}

/** Serves `root` on localhost (a free port); paths matching `hide` answer 404 as if absent. */
export async function serveStatic(root: string, hide?: RegExp): Promise<StaticServer> {
  const missing: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    const inside = !relative(root, file).startsWith('..') && !relative(root, file).split(sep).includes('..');
    if (!inside || (hide?.test(path) ?? false) || !existsSync(file) || !statSync(file).isFile()) {
      missing.push(path);
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://localhost:${port}`,
    missing,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Removes the temp folders a test made (a few hundred MB each), unless NNC_KEEP_APP=1 keeps them to inspect. */
export function removeTempDirs(...dirs: string[]): void {
  if (process.env['NNC_KEEP_APP'] === '1') return;
  for (const dir of dirs) if (dir !== '' && dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
