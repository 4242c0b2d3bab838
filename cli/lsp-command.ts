// `nnc lsp --stdio`: the language server, speaking LSP over stdin/stdout until the client exits.
// The server lives in lsp/ (the only code that knows vscode-languageserver); it is loaded on demand.
import type { CommandIO } from './io.js';
import { UsageError } from './io.js';

export async function runLsp(args: string[], _io: CommandIO): Promise<number> {
  // vscode-languageclient adds `--clientProcessId=N`; the protocol's own `processId` covers it.
  const unknown = args.filter((a) => a !== '--stdio' && !a.startsWith('--clientProcessId'));
  if (unknown.length > 0 || !args.includes('--stdio')) {
    throw new UsageError('`nnc lsp` talks over standard input and output: run `nnc lsp --stdio`');
  }
  const { startStdioServer } = await import('../lsp/server.js');
  return startStdioServer();
}
