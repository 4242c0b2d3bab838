// The extension's server lookup: the workspace's node_modules, then nn.server.path, then PATH.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { findServer } = require('../../lsp/vscode/src/server-lookup.js') as { findServer: (input: object) => Record<string, unknown> };

const nncManifest = JSON.stringify({ name: 'nnc', bin: { nnc: 'bin/nnc.js' } });

/** A file system of the given files (paths → contents), and the rest of the lookup's input. */
function input(files: Record<string, string>, rest: object = {}) {
  return {
    workspaceFolders: ['/home/me/app'],
    env: { PATH: '/usr/local/bin:/usr/bin' },
    platform: 'linux',
    execPath: '/opt/vscode/code',
    isFile: (f: string) => f in files,
    readFile: (f: string) => files[f]!,
    ...rest,
  };
}

describe('findServer', () => {
  const installed = { '/home/me/app/node_modules/nnc/package.json': nncManifest, '/home/me/app/node_modules/nnc/bin/nnc.js': '' };
  const onPath = { '/usr/bin/nnc': '' };
  const own = { '/home/me/tools/nnc/bin/nnc.js': '' };

  it('prefers the workspace copy, run by the editor’s own Node, over the setting and PATH', () => {
    expect(findServer(input({ ...installed, ...onPath, ...own }, { settingPath: '/home/me/tools/nnc/bin/nnc.js' }))).toEqual({
      command: '/opt/vscode/code',
      args: ['/home/me/app/node_modules/nnc/bin/nnc.js', 'lsp', '--stdio'],
      env: { ELECTRON_RUN_AS_NODE: '1' },
      source: 'workspace',
      description: '/home/me/app/node_modules/nnc/bin/nnc.js',
    });
  });

  it('finds nnc installed in a folder above the workspace folder (a monorepo)', () => {
    const above = { '/home/me/node_modules/nnc/package.json': nncManifest, '/home/me/node_modules/nnc/bin/nnc.js': '' };
    expect(findServer(input(above)).description).toBe('/home/me/node_modules/nnc/bin/nnc.js');
  });

  it('then the setting (a relative path from the workspace folder, its args first), then PATH', () => {
    const relative = { '/home/me/app/tools/nnc.sh': '' };
    expect(findServer(input({ ...relative, ...onPath }, { settingPath: 'tools/nnc.sh', settingArgs: ['--quiet'] }))).toMatchObject({ command: '/home/me/app/tools/nnc.sh', args: ['--quiet', 'lsp', '--stdio'], source: 'setting' });
    expect(findServer(input(onPath))).toMatchObject({ command: '/usr/bin/nnc', args: ['lsp', '--stdio'], source: 'PATH' });
  });

  it('a setting that names nothing is reported, and PATH is still tried', () => {
    expect(findServer(input(onPath, { settingPath: 'nope/nnc.js' }))).toMatchObject({ source: 'PATH' });
    const missing = findServer(input({}, { settingPath: 'nnc-dev' }));
    expect(missing['looked']).toEqual(['/home/me/app/node_modules/nnc (and the folders above)', 'the setting nn.server.path, "nnc-dev": not on PATH', '`nnc` on PATH (not there)']);
  });

  it('for win32, PATH is `;`-separated (or `Path`) and the PATHEXT extensions are tried', () => {
    const win = input({ 'C:\\tools/nnc.cmd': '' }, { platform: 'win32', workspaceFolders: [], env: { Path: 'C:\\tools', PATHEXT: '.EXE;.CMD' } });
    expect(findServer(win)).toMatchObject({ command: 'C:\\tools/nnc.cmd', source: 'PATH' });
  });
});
