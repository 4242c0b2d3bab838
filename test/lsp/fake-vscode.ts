// Just enough of the `vscode` API for the extension's client to run outside the editor: classes
// that keep their arguments, and registries that record the providers.
type Listener = (e: unknown) => void;

class Position {
  constructor(readonly line: number, readonly character: number) {}
}
class Range {
  constructor(readonly start: Position, readonly end: Position) {}
}
class Record_ {
  constructor(...args: unknown[]) {
    Object.assign(this, { args });
  }
}
class WorkspaceEdit {
  readonly edits: { uri: string; range: Range; newText: string }[] = [];
  replace(uri: { toString(): string }, range: Range, newText: string) {
    this.edits.push({ uri: uri.toString(), range, newText });
  }
}

export function fakeVscode() {
  const listeners: Record<string, Listener[]> = { open: [], change: [], close: [] };
  const providers: Record<string, unknown> = {};
  const diagnostics = new Map<string, unknown[]>();
  const on = (kind: string) => (l: Listener) => {
    listeners[kind]!.push(l);
    return { dispose() {} };
  };
  const register = (name: string) => (_selector: unknown, provider: unknown) => {
    providers[name] = provider;
    return { dispose() {} };
  };
  const vscode = {
    Position,
    Range,
    WorkspaceEdit,
    Location: class extends Record_ {},
    Hover: class {
      constructor(readonly contents: { value: string }, readonly range?: Range) {}
    },
    MarkdownString: class {
      constructor(readonly value: string) {}
    },
    CompletionItem: class {
      insertText?: unknown;
      constructor(readonly label: string, readonly kind: number) {}
    },
    SnippetString: class {
      constructor(readonly value: string) {}
    },
    Diagnostic: class {
      code?: unknown;
      constructor(readonly range: Range, readonly message: string, readonly severity: number) {}
    },
    DiagnosticRelatedInformation: class extends Record_ {},
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    SignatureHelp: class {},
    SignatureInformation: class {
      constructor(readonly label: string) {}
    },
    ParameterInformation: class extends Record_ {},
    TextEdit: class {
      constructor(readonly range: Range, readonly newText: string) {}
    },
    DocumentSymbol: class {
      children: unknown[] = [];
      constructor(readonly name: string) {}
    },
    FoldingRange: class {
      constructor(readonly start: number, readonly end: number) {}
    },
    FoldingRangeKind: { Comment: 1, Imports: 2, Region: 3 },
    SemanticTokensLegend: class extends Record_ {},
    SemanticTokens: class {
      constructor(readonly data: Uint32Array) {}
    },
    CodeAction: class {
      edit?: WorkspaceEdit;
      constructor(readonly title: string) {}
    },
    CodeActionKind: { QuickFix: 'quickfix' },
    CodeLens: class {
      constructor(readonly range: Range, readonly command?: { title: string }) {}
    },
    InlayHint: class {
      constructor(readonly position: Position, readonly label: string) {}
    },
    Uri: { parse: (s: string) => ({ toString: () => s }) },
    workspace: { onDidOpenTextDocument: on('open'), onDidChangeTextDocument: on('change'), onDidCloseTextDocument: on('close'), textDocuments: [] as unknown[] },
    languages: {
      createDiagnosticCollection: () => ({ set: (uri: { toString(): string }, list: unknown[]) => diagnostics.set(uri.toString(), list), dispose() {} }),
      registerHoverProvider: register('hover'),
      registerCompletionItemProvider: register('completion'),
      registerSignatureHelpProvider: register('signatureHelp'),
      registerDefinitionProvider: register('definition'),
      registerReferenceProvider: register('references'),
      registerRenameProvider: register('rename'),
      registerDocumentSymbolProvider: register('documentSymbols'),
      registerFoldingRangeProvider: register('folding'),
      registerDocumentSemanticTokensProvider: register('semanticTokens'),
      registerDocumentFormattingEditProvider: register('formatting'),
      registerCodeActionsProvider: register('codeActions'),
      registerCodeLensProvider: register('codeLens'),
      registerInlayHintsProvider: register('inlayHints'),
    },
  };
  /** A document as the extension sees it. */
  const document = (uri: string, text: string, version = 1) => ({ uri: { toString: () => uri }, languageId: 'nn', version, getText: () => text });
  return { vscode, listeners, providers, diagnostics, document };
}
