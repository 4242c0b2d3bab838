// @ts-check
// The VS Code extension for `.nn`: finds the nnc language server (server-lookup.js) and connects
// the editor to it with vscode-languageclient, which declares VS Code's capabilities and wires every
// feature the server offers. A restart command, and a restart when the `nn.server` settings or the
// workspace folders change. Without a server the grammar and language configuration still give
// colouring and brackets. esbuild bundles this file and the client library into dist/extension.js.
'use strict';
const fs = require('node:fs');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { findServer } = require('./server-lookup.js');

/** @type {LanguageClient | undefined} */
let client;
/** @type {import('vscode').LogOutputChannel | undefined} */
let output;
/** Starts and stops one after another, never two servers at once. */
let pending = Promise.resolve();

const isFile = (/** @type {string} */ file) => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** Where the server is, from the open workspace and the settings. */
function lookup() {
  const config = vscode.workspace.getConfiguration('nn');
  return findServer({
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    settingPath: config.get('server.path', ''),
    settingArgs: config.get('server.args', []),
    env: process.env,
    platform: process.platform,
    execPath: process.execPath,
    isFile,
    readFile: (file) => fs.readFileSync(file, 'utf8'),
  });
}

/**
 * The client for a found server: the command exactly as found (no arguments added), documents of
 * language `nn`.
 * @param {import('./server-lookup.js').ServerCommand} found
 * @param {import('vscode').LogOutputChannel} outputChannel
 */
function createClient(found, outputChannel) {
  const cwd = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  const serverOptions = { command: found.command, args: found.args, options: { env: { ...process.env, ...found.env }, ...(cwd ? { cwd } : {}) } };
  const clientOptions = { documentSelector: [{ language: 'nn' }], outputChannel };
  return new LanguageClient('nn', 'nn language server', serverOptions, clientOptions);
}

async function start() {
  const found = lookup();
  const channel = /** @type {import('vscode').LogOutputChannel} */ (output);
  if ('error' in found) {
    channel.error(found.error);
    void vscode.window.showErrorMessage(found.error, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'nn.server');
    });
    return;
  }
  channel.info(`Starting the nn language server: ${found.description} (found in the ${found.source})`);
  client = createClient(found, channel);
  try {
    await client.start();
  } catch (e) {
    const message = `The nn language server (${found.description}) did not start: ${e instanceof Error ? e.message : String(e)}`;
    channel.error(message);
    void vscode.window.showErrorMessage(message);
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) await running.stop(2000).catch(() => undefined);
}

/** Stop the server and start it again, looked up afresh (the settings or the workspace may have changed). */
function restart() {
  pending = pending.then(stop).then(start);
  return pending;
}

/** @param {import('vscode').ExtensionContext} context */
function activate(context) {
  // A log channel: the client library writes its own messages there with levels.
  output = vscode.window.createOutputChannel('nn language server', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('nn.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('nn.server')) void restart();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void restart()),
  );
  pending = pending.then(start);
  return pending;
}

function deactivate() {
  pending = pending.then(stop);
  return pending;
}

/** For tests: the running client. */
const currentClient = () => client;

module.exports = { activate, deactivate, restart, currentClient };
