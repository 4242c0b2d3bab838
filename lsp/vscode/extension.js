// @ts-check
// The VS Code extension for `.nn`: starts `nnc lsp --stdio` and connects the editor to it. The
// grammar and language configuration give colouring and brackets even without the server.
'use strict';
const { spawn } = require('node:child_process');
const vscode = require('vscode');
const { createEndpoint } = require('./jsonrpc.js');
const { registerFeatures } = require('./client.js');

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
/** @type {ReturnType<typeof createEndpoint> | undefined} */
let endpoint;

/** @param {import('vscode').ExtensionContext} context */
async function activate(context) {
  const config = vscode.workspace.getConfiguration('nn');
  const command = config.get('server.path', 'nnc');
  const args = [...config.get('server.args', []), 'lsp', '--stdio'];
  const output = vscode.window.createOutputChannel('nn language server');
  context.subscriptions.push(output);
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  server = spawn(command, args, { cwd, shell: process.platform === 'win32', stdio: ['pipe', 'pipe', 'pipe'] });
  server.on('error', (e) => {
    vscode.window.showErrorMessage(`Could not start the nn language server (\`${command} lsp --stdio\`): ${e.message}. Install nnc (npm install nnc) or set "nn.server.path".`);
  });
  server.stderr?.on('data', (d) => output.append(String(d)));
  endpoint = createEndpoint(/** @type {any} */ (server.stdout), /** @type {any} */ (server.stdin));
  endpoint.onNotification('window/logMessage', (p) => output.appendLine(p.message));
  const init = await endpoint.request('initialize', {
    processId: process.pid,
    clientInfo: { name: 'vscode-nn' },
    rootUri: vscode.workspace.workspaceFolders?.[0]?.uri.toString() ?? null,
    capabilities: {},
  });
  endpoint.notify('initialized', {});
  registerFeatures(vscode, endpoint, context, { semanticTokens: init.capabilities.semanticTokensProvider.legend });
}

async function deactivate() {
  if (!endpoint || !server || server.exitCode !== null) return;
  try {
    await Promise.race([endpoint.request('shutdown', null), new Promise((resolve) => setTimeout(resolve, 1000))]);
    endpoint.notify('exit', null);
  } finally {
    setTimeout(() => server?.kill(), 500);
  }
}

module.exports = { activate, deactivate };
