// The language server: documents in, diagnostics and answers out. It only wires the protocol to
// the features (each in its own file, each a pure function of an Analysis) and schedules checking:
// a change is checked after a short pause (debounce), and a result whose document has changed
// meanwhile is dropped, never published. Every handler is guarded: a bug answers empty, logged,
// and the server keeps running. Answers are fitted to what the client declared in `initialize`
// (client-support.ts): no snippets, markdown or related information to a client that takes none.
import {
  CodeActionKind,
  createConnection,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeActionParams,
  type CompletionParams,
  type Connection,
  type DefinitionParams,
  type DocumentFormattingParams,
  type ExecuteCommandParams,
  type InitializeParams,
  type InitializeResult,
  type InlayHintParams,
  type ReferenceParams,
  type RenameParams,
  type TextDocumentPositionParams,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from './analysis.js';
import {
  adaptCodeActions,
  adaptCompletion,
  adaptDiagnostics,
  adaptHover,
  adaptSignatureHelp,
  adaptSymbols,
  applyFixCommand,
  clientSupport,
  fullSupport,
  type ClientSupport,
} from './client-support.js';
import { codeActions } from './code-actions.js';
import { codeLenses } from './code-lens.js';
import { completion } from './completion.js';
import { defaultDocsUrl, toLspDiagnostics } from './diagnostics.js';
import { formatDocument } from './formatting.js';
import { hover } from './hover.js';
import { inlayHints } from './inlay-hints.js';
import { definition, prepareRename, references, rename, RenameError } from './navigation.js';
import { documentSymbols, foldingRanges } from './outline.js';
import { toOffset } from './ranges.js';
import { semanticTokens, semanticTokensLegend } from './semantic-tokens.js';
import { signatureHelp } from './signature-help.js';

export interface ServerOptions {
  /** Milliseconds to wait after a change before checking (default 10). */
  debounceMs?: number;
  /** Base URL of docs/diagnostics.md for the codes' links. */
  docsUrl?: string;
}

export function startServer(connection: Connection, defaults: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  const timers = new Map<string, NodeJS.Timeout>();
  let debounceMs = defaults.debounceMs ?? 10;
  let docsUrl = defaults.docsUrl ?? defaultDocsUrl();
  // What the client declared it can show; answers are rewritten to fit (see client-support.ts).
  let support: ClientSupport = fullSupport;

  const log = (what: string, e: unknown) => connection.console.error(`nnc: ${what} failed: ${(e as Error)?.stack ?? String(e)}`);

  const analysisOf = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const cached = analyses.get(uri);
    if (cached && cached.version === doc.version) return cached;
    const a = analyze(doc.getText(), doc.version, fileNameOf(uri));
    analyses.set(uri, a);
    return a;
  };

  function guard<P extends { textDocument: { uri: string } }, R>(what: string, fallback: R, run: (a: Analysis, params: P) => R) {
    return (params: P): R => {
      try {
        const a = analysisOf(params.textDocument.uri);
        return a ? run(a, params) : fallback;
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        log(what, e);
        return fallback;
      }
    };
  }

  const publish = (uri: string, version: number) => {
    timers.delete(uri);
    try {
      const doc = documents.get(uri);
      if (!doc || doc.version !== version) return;
      const a = analysisOf(uri)!;
      const diagnostics = adaptDiagnostics(toLspDiagnostics(a, uri, docsUrl), support);
      // Let changes that arrived while checking be applied first; a stale result is dropped.
      setImmediate(() => {
        const now = documents.get(uri);
        if (now && now.version === version) void connection.sendDiagnostics({ uri, version, diagnostics });
      });
    } catch (e) {
      log('checking', e);
    }
  };

  const schedule = (uri: string, version: number) => {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => publish(uri, version), debounceMs));
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    support = clientSupport(params.capabilities);
    const options = (params.initializationOptions ?? {}) as ServerOptions;
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0) debounceMs = options.debounceMs;
    if (typeof options.docsUrl === 'string') docsUrl = options.docsUrl;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['(', ',', ':', '[', '>'] },
        signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [':'] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: semanticTokensLegend, full: true },
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
        // Only for clients that take code actions as commands, not literals with edits.
        ...(!support.codeActionLiterals && support.applyEdit ? { executeCommandProvider: { commands: [applyFixCommand] } } : {}),
      },
      serverInfo: { name: 'nnc' },
    };
  });

  documents.onDidOpen((e: { document: TextDocument }) => schedule(e.document.uri, e.document.version));
  documents.onDidChangeContent((e: { document: TextDocument }) => schedule(e.document.uri, e.document.version));
  documents.onDidClose((e: { document: TextDocument }) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    analyses.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const at = (a: Analysis, position: { line: number; character: number }) => toOffset(a.lines, position);
  connection.onHover(guard('hover', null, (a, p: TextDocumentPositionParams) => adaptHover(hover(a, at(a, p.position)), support)));
  connection.onCompletion(guard('completion', [], (a, p: CompletionParams) => adaptCompletion(completion(a, at(a, p.position)), support)));
  connection.onSignatureHelp(guard('signature help', null, (a, p: TextDocumentPositionParams) => adaptSignatureHelp(signatureHelp(a, at(a, p.position)), support)));
  connection.onDefinition(guard('definition', null, (a, p: DefinitionParams) => definition(a, at(a, p.position), p.textDocument.uri)));
  connection.onReferences(guard('references', [], (a, p: ReferenceParams) => references(a, at(a, p.position), p.textDocument.uri, p.context.includeDeclaration)));
  connection.onPrepareRename(guard('prepare rename', null, (a, p: TextDocumentPositionParams) => prepareRename(a, at(a, p.position))));
  connection.onRenameRequest(
    guard('rename', null, (a, p: RenameParams) => {
      try {
        return rename(a, at(a, p.position), p.newName, p.textDocument.uri);
      } catch (e) {
        if (e instanceof RenameError) throw new ResponseError(LSPErrorCodes.RequestFailed, e.message);
        throw e;
      }
    }),
  );
  connection.onDocumentSymbol(guard('document symbols', [], (a, p: { textDocument: { uri: string } }) => adaptSymbols(documentSymbols(a), p.textDocument.uri, support)));
  connection.onFoldingRanges(guard('folding ranges', [], (a) => foldingRanges(a)));
  connection.languages.semanticTokens.on(guard('semantic tokens', { data: [] }, (a) => semanticTokens(a)));
  connection.onDocumentFormatting(guard('formatting', [], (a, _p: DocumentFormattingParams) => formatDocument(a)));
  connection.onCodeAction(guard('code actions', [], (_a, p: CodeActionParams) => adaptCodeActions(codeActions(p.context.diagnostics, p.textDocument.uri), support)));
  connection.onCodeLens(guard('code lens', [], (a) => codeLenses(a)));
  connection.languages.inlayHint.on(guard('inlay hints', [], (a, p: InlayHintParams) => inlayHints(a, p.range)));
  connection.onExecuteCommand(async (p: ExecuteCommandParams) => {
    const edit = p.command === applyFixCommand ? (p.arguments?.[0] as WorkspaceEdit | undefined) : undefined;
    try {
      if (edit) await connection.workspace.applyEdit(edit);
    } catch (e) {
      log('applying a fix', e);
    }
  });

  documents.listen(connection);
  connection.listen();
}

function fileNameOf(uri: string): string {
  const path = decodeURIComponent(uri.replace(/^[a-z]+:\/\//i, ''));
  return path.slice(path.lastIndexOf('/') + 1) || 'input.nn';
}

/** `nnc lsp --stdio`: serves until the client disconnects (the library then ends the process). */
export function startStdioServer(): Promise<number> {
  // stdout carries the protocol: anything the process prints must go to stderr instead.
  for (const method of ['log', 'info', 'warn', 'debug'] as const) console[method] = (...args: unknown[]) => console.error(...args);
  const connection = createConnection(process.stdin, process.stdout);
  process.on('uncaughtException', (e) => connection.console.error(`nnc: unexpected error: ${e?.stack ?? String(e)}`));
  startServer(connection);
  return new Promise((resolve) => connection.onExit(() => resolve(0)));
}
