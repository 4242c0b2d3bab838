// @ts-check
// Where the nnc language server is, in the order a user expects: the workspace's own nnc (its
// node_modules, looked for from each workspace folder up to the file system's root), then the
// `nn.server.path` setting, then `nnc` on PATH. Pure apart from the file-system checks passed in,
// so that tests can run it against a temp workspace. Never throws: "not found" is a result with the
// places it looked, for a message the user can act on (not `spawn nnc ENOENT`).
'use strict';
const path = require('node:path');

/**
 * @typedef {{ command: string, args: string[], env?: Record<string, string>, source: 'workspace' | 'setting' | 'PATH', description: string }} ServerCommand
 * @typedef {{ error: string, looked: string[] }} NotFound
 * @typedef {{
 *   workspaceFolders: string[],
 *   settingPath?: string,
 *   settingArgs?: string[],
 *   env: Record<string, string | undefined>,
 *   platform: string,
 *   execPath: string,
 *   isFile: (file: string) => boolean,
 *   readFile: (file: string) => string,
 * }} LookupInput
 */

const lspArgs = ['lsp', '--stdio'];

/**
 * A JavaScript entry runs under the editor's own Node (process.execPath; in VS Code, Electron run
 * as Node), so neither `node` on PATH nor a shell script wrapper is needed.
 * @param {string} script @param {string[]} extraArgs @param {LookupInput} input
 */
function nodeScript(script, extraArgs, input) {
  return { command: input.execPath, args: [...extraArgs, script, ...lspArgs], env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/** The `nnc` bin of the nnc package in `packageDir`, if there is one. @param {string} packageDir @param {LookupInput} input @param {boolean} mustBeNnc */
function nncBin(packageDir, input, mustBeNnc) {
  const manifest = path.join(packageDir, 'package.json');
  if (!input.isFile(manifest)) return undefined;
  let bin = 'bin/nnc.js';
  try {
    const json = JSON.parse(input.readFile(manifest));
    if (mustBeNnc && json.name !== 'nnc') return undefined;
    bin = typeof json.bin === 'string' ? json.bin : (json.bin?.nnc ?? bin);
  } catch {
    if (mustBeNnc) return undefined;
  }
  const script = path.join(packageDir, bin);
  return input.isFile(script) ? script : undefined;
}

/** nnc installed under `dir`/node_modules, or `dir` being nnc's own checkout. @param {string} dir @param {LookupInput} input */
function installedNnc(dir, input) {
  return nncBin(path.join(dir, 'node_modules', 'nnc'), input, false) ?? nncBin(dir, input, true);
}

/** @param {string} name @param {LookupInput} input */
function onPath(name, input) {
  const dirs = (input.env.PATH ?? input.env.Path ?? '').split(input.platform === 'win32' ? ';' : ':').filter(Boolean);
  const extensions = input.platform === 'win32' ? (input.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((e) => e.toLowerCase()) : [''];
  for (const dir of dirs) {
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (input.isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** @param {LookupInput} input @returns {ServerCommand | NotFound} */
function findServer(input) {
  const looked = [];
  for (const folder of input.workspaceFolders) {
    for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
      const script = installedNnc(dir, input);
      if (script) return { ...nodeScript(script, [], input), source: 'workspace', description: script };
      if (path.dirname(dir) === dir) break;
    }
    looked.push(`${path.join(folder, 'node_modules', 'nnc')} (and the folders above)`);
  }
  if (input.workspaceFolders.length === 0) looked.push('no workspace folder is open, so no node_modules');

  const setting = input.settingPath?.trim();
  if (setting) {
    // A path (relative ones from the first workspace folder) must exist; a bare name is looked up on PATH.
    const isPathLike = setting.includes('/') || setting.includes('\\');
    const resolved = isPathLike ? path.resolve(input.workspaceFolders[0] ?? '.', setting) : onPath(setting, input);
    if (resolved && input.isFile(resolved)) {
      const settingArgs = input.settingArgs ?? [];
      const command = /\.[cm]?js$/.test(resolved) ? nodeScript(resolved, settingArgs, input) : { command: resolved, args: [...settingArgs, ...lspArgs] };
      return { ...command, source: 'setting', description: resolved };
    }
    looked.push(`the setting nn.server.path, ${JSON.stringify(setting)}: ${isPathLike ? `no file ${resolved}` : 'not on PATH'}`);
  } else {
    looked.push('the setting nn.server.path (not set)');
  }

  const found = onPath('nnc', input);
  if (found) return { command: found, args: [...lspArgs], source: 'PATH', description: found };
  looked.push('`nnc` on PATH (not there)');
  return {
    error:
      'The nn language server (nnc) was not found. Install nnc in this workspace (`npm install --save-dev nnc`), ' +
      'or set "nn.server.path" to an nnc command or to its bin/nnc.js. Looked in: ' +
      looked.join('; ') +
      '.',
    looked,
  };
}

module.exports = { findServer };
