// The VS Code extension as it ships (our code and vscode-languageclient, bundled by esbuild as
// `vsce package` does) run outside VS Code: only the `vscode` module is a fake (fake-vscode.ts), the
// client library is the real one. In a temp workspace where nnc is only in node_modules (no `nnc`
// on PATH), it finds the server there, starts it, syncs a document and shows its diagnostics; it
// restarts on command and on a settings change; with no server anywhere it says so in words.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeVscode, requireWithVscode } from './fake-vscode.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const extensionDir = join(root, 'lsp', 'vscode');
/** Built apart from lsp/vscode/dist, which the packaging test rewrites meanwhile. */
const bundle = join(mkdtempSync(join(tmpdir(), 'nnc-ext-')), 'extension.js');

interface Extension {
  activate(context: { subscriptions: { dispose(): void }[] }): Promise<void>;
  deactivate(): Promise<void>;
  currentClient(): { isRunning(): boolean } | undefined;
}

/** A workspace with nnc installed in node_modules (a link to this checkout, as `npm link` makes). */
function workspaceWithNnc(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nnc-ws-')));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'nnc'), 'dir');
  return dir;
}

const originalPath = process.env['PATH'];
let running: Extension | undefined;
afterEach(async () => {
  await running?.deactivate();
  running = undefined;
  process.env['PATH'] = originalPath;
});

beforeAll(() => {
  // The build step `vsce package` runs (the manifest's vscode:prepublish script), to another file.
  const script: string = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')).scripts['vscode:prepublish'];
  const [command, ...args] = script.replace('--outfile=dist/extension.js', `--outfile=${bundle}`).split(' ');
  expect(command).toBe('esbuild');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'esbuild'), args, { cwd: extensionDir, encoding: 'utf8' });
  expect(r.status, r.stderr + r.stdout).toBe(0);
}, 60_000);

describe('the VS Code extension (its bundle, with vscode-languageclient)', () => {
  it('finds nnc in the workspace node_modules and shows its diagnostics', async () => {
    const workspace = workspaceWithNnc();
    process.env['PATH'] = '/nonexistent'; // nothing on PATH: the workspace's nnc or nothing
    const fake = fakeVscode({ workspaceFolder: workspace });
    const extension = (running = requireWithVscode<Extension>(bundle, fake.vscode));
    await extension.activate({ subscriptions: [] });
    expect(fake.errors).toEqual([]);
    expect(extension.currentClient()?.isRunning()).toBe(true);
    expect(fake.outputLines.join('\n')).toContain(`${join(workspace, 'node_modules', 'nnc', 'bin', 'nnc.js')} (found in the workspace)`);

    const file = join(workspace, 'net.nn');
    const published = fake.nextDiagnostics(`file://${file}`);
    fake.open(file, 'model Net {\n  input x: [batch, 3]\n  dense(8, in: 4)\n}\n');
    const [d, ...rest] = await published;
    expect(rest).toEqual([]);
    expect({ code: d!.code, message: d!.message.split('\n')[0], range: d!.range }).toEqual({
      code: { value: 'NN3102', target: expect.objectContaining({ scheme: 'file' }) },
      message: 'shape mismatch at the input of `dense`',
      range: { start: { line: 2, character: 11 }, end: { line: 2, character: 16 } },
    });
    // The code's link is the installed docs (shipped in the package), which exist.
    const target = (d!.code as { target: { toString(): string } }).target.toString();
    expect(target).toMatch(/\/docs\/diagnostics\.md#nn3102-shape-mismatch-at-the-input-of-a-layer$/);
  }, 90_000);

  it('restarts on its command and when the nn.server settings change', async () => {
    const workspace = workspaceWithNnc();
    const fake = fakeVscode({ workspaceFolder: workspace });
    const extension = (running = requireWithVscode<Extension>(bundle, fake.vscode));
    await extension.activate({ subscriptions: [] });
    const first = extension.currentClient();
    await fake.commands.get('nn.restartServer')!();
    const second = extension.currentClient();
    expect(second).not.toBe(first);
    expect(first?.isRunning()).toBe(false);
    expect(second?.isRunning()).toBe(true);
    fake.changeSettings({ 'nn.server.args': [] });
    for (let i = 0; i < 1200 && (extension.currentClient() === second || !extension.currentClient()?.isRunning()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(extension.currentClient()).not.toBe(second);
    expect(second?.isRunning()).toBe(false);
    expect(extension.currentClient()?.isRunning()).toBe(true);
  }, 90_000);

  it('without a server anywhere, says where it looked instead of `spawn nnc ENOENT`', async () => {
    const empty = realpathSync(mkdtempSync(join(tmpdir(), 'nnc-empty-')));
    process.env['PATH'] = '/nonexistent';
    const fake = fakeVscode({ workspaceFolder: empty, settings: { 'nn.server.path': 'missing/nnc.js' } });
    const extension = (running = requireWithVscode<Extension>(bundle, fake.vscode));
    await extension.activate({ subscriptions: [] });
    expect(extension.currentClient()).toBeUndefined();
    expect(fake.errors).toHaveLength(1);
    expect(fake.errors[0]).toContain('The nn language server (nnc) was not found');
    expect(fake.errors[0]).toContain(join(empty, 'node_modules', 'nnc'));
    expect(fake.errors[0]).toContain(`no file ${join(empty, 'missing', 'nnc.js')}`);
    expect(fake.errors[0]).not.toContain('ENOENT');
  });
});
