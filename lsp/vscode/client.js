// @ts-check
// The editor side of the protocol, written against the plain `vscode` API (no
// vscode-languageclient): it keeps the server's copy of each `.nn` document in sync, shows the
// diagnostics it publishes, and registers one provider per feature, each converting VS Code's
// types to LSP's and back. `vscode` is passed in, so the wiring can be tested without an editor.
'use strict';

/** @typedef {ReturnType<typeof import('./jsonrpc.js').createEndpoint>} Endpoint */

const selector = { language: 'nn' };

/**
 * @param {any} vscode the `vscode` module
 * @param {Endpoint} endpoint a started JSON-RPC endpoint to `nnc lsp --stdio`
 * @param {{ subscriptions: { dispose(): unknown }[] }} context
 * @param {{ semanticTokens: { tokenTypes: string[], tokenModifiers: string[] } }} capabilities
 */
function registerFeatures(vscode, endpoint, context, capabilities) {
  const keep = (/** @type {{ dispose(): unknown }} */ d) => context.subscriptions.push(d);
  const position = (/** @type {any} */ p) => new vscode.Position(p.line, p.character);
  const range = (/** @type {any} */ r) => new vscode.Range(position(r.start), position(r.end));
  const lspPosition = (/** @type {any} */ p) => ({ line: p.line, character: p.character });
  const lspRange = (/** @type {any} */ r) => ({ start: lspPosition(r.start), end: lspPosition(r.end) });
  const doc = (/** @type {any} */ d) => ({ uri: d.uri.toString() });
  const at = (/** @type {any} */ d, /** @type {any} */ p) => ({ textDocument: doc(d), position: lspPosition(p) });
  const markdown = (/** @type {any} */ v) => (v === undefined || v === null ? undefined : new vscode.MarkdownString(typeof v === 'string' ? v : v.value));
  const edit = (/** @type {any} */ e) => new vscode.TextEdit(range(e.range), e.newText);
  const workspaceEdit = (/** @type {any} */ changes) => {
    const out = new vscode.WorkspaceEdit();
    for (const [uri, edits] of Object.entries(changes ?? {})) for (const e of /** @type {any[]} */ (edits)) out.replace(vscode.Uri.parse(uri), range(e.range), e.newText);
    return out;
  };
  /** @param {string} method @param {unknown} params @param {any} token */
  const ask = (method, params, token) =>
    endpoint.request(method, params).catch((/** @type {Error} */ e) => {
      if (!token?.isCancellationRequested) console.error(`nnc: ${method}: ${e.message}`);
      return null;
    });

  // Documents: the server gets the full text on every change (simplest correct sync).
  const versions = new Map();
  const isNn = (/** @type {any} */ d) => d.languageId === 'nn';
  const opened = (/** @type {any} */ d) => {
    if (!isNn(d)) return;
    versions.set(d.uri.toString(), d.version);
    endpoint.notify('textDocument/didOpen', { textDocument: { uri: d.uri.toString(), languageId: 'nn', version: d.version, text: d.getText() } });
  };
  keep(vscode.workspace.onDidOpenTextDocument(opened));
  keep(
    vscode.workspace.onDidChangeTextDocument((/** @type {any} */ e) => {
      if (!isNn(e.document) || e.contentChanges.length === 0) return;
      endpoint.notify('textDocument/didChange', { textDocument: { uri: e.document.uri.toString(), version: e.document.version }, contentChanges: [{ text: e.document.getText() }] });
    }),
  );
  keep(
    vscode.workspace.onDidCloseTextDocument((/** @type {any} */ d) => {
      if (!isNn(d)) return;
      versions.delete(d.uri.toString());
      endpoint.notify('textDocument/didClose', { textDocument: { uri: d.uri.toString() } });
    }),
  );
  for (const d of vscode.workspace.textDocuments) opened(d);

  // Diagnostics, keeping each one's LSP form for code actions (its fixes are in `data`).
  const collection = vscode.languages.createDiagnosticCollection('nn');
  keep(collection);
  const original = new WeakMap();
  const severity = [vscode.DiagnosticSeverity.Error, vscode.DiagnosticSeverity.Warning, vscode.DiagnosticSeverity.Information, vscode.DiagnosticSeverity.Hint];
  endpoint.onNotification('textDocument/publishDiagnostics', (/** @type {any} */ p) => {
    const uri = vscode.Uri.parse(p.uri);
    collection.set(
      uri,
      p.diagnostics.map((/** @type {any} */ d) => {
        const out = new vscode.Diagnostic(range(d.range), d.message, severity[(d.severity ?? 1) - 1]);
        out.source = d.source;
        out.code = d.codeDescription ? { value: d.code, target: vscode.Uri.parse(d.codeDescription.href) } : d.code;
        out.relatedInformation = (d.relatedInformation ?? []).map(
          (/** @type {any} */ r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.parse(r.location.uri), range(r.location.range)), r.message),
        );
        original.set(out, d);
        return out;
      }),
    );
  });

  keep(
    vscode.languages.registerHoverProvider(selector, {
      async provideHover(/** @type {any} */ d, /** @type {any} */ p, /** @type {any} */ token) {
        const h = await ask('textDocument/hover', at(d, p), token);
        return h ? new vscode.Hover(markdown(h.contents), h.range ? range(h.range) : undefined) : undefined;
      },
    }),
  );

  keep(
    vscode.languages.registerCompletionItemProvider(
      selector,
      {
        async provideCompletionItems(/** @type {any} */ d, /** @type {any} */ p, /** @type {any} */ token) {
          const items = (await ask('textDocument/completion', at(d, p), token)) ?? [];
          return (Array.isArray(items) ? items : items.items).map((/** @type {any} */ i) => {
            const item = new vscode.CompletionItem(i.label, (i.kind ?? 1) - 1);
            item.detail = i.detail;
            item.documentation = markdown(i.documentation);
            item.sortText = i.sortText;
            if (i.insertText) item.insertText = i.insertTextFormat === 2 ? new vscode.SnippetString(i.insertText) : i.insertText;
            return item;
          });
        },
      },
      '(',
      ',',
      ':',
      '[',
      '>',
    ),
  );

  keep(
    vscode.languages.registerSignatureHelpProvider(
      selector,
      {
        async provideSignatureHelp(/** @type {any} */ d, /** @type {any} */ p, /** @type {any} */ token) {
          const s = await ask('textDocument/signatureHelp', at(d, p), token);
          if (!s) return undefined;
          const help = new vscode.SignatureHelp();
          help.signatures = s.signatures.map((/** @type {any} */ sig) => {
            const info = new vscode.SignatureInformation(sig.label, markdown(sig.documentation));
            info.parameters = (sig.parameters ?? []).map((/** @type {any} */ q) => new vscode.ParameterInformation(q.label, markdown(q.documentation)));
            return info;
          });
          help.activeSignature = s.activeSignature ?? 0;
          help.activeParameter = s.activeParameter ?? -1;
          return help;
        },
      },
      { triggerCharacters: ['(', ','], retriggerCharacters: [':'] },
    ),
  );

  const location = (/** @type {any} */ l) => new vscode.Location(vscode.Uri.parse(l.uri), range(l.range));
  keep(
    vscode.languages.registerDefinitionProvider(selector, {
      async provideDefinition(/** @type {any} */ d, /** @type {any} */ p, /** @type {any} */ token) {
        const l = await ask('textDocument/definition', at(d, p), token);
        return l ? location(l) : undefined;
      },
    }),
  );
  keep(
    vscode.languages.registerReferenceProvider(selector, {
      async provideReferences(/** @type {any} */ d, /** @type {any} */ p, /** @type {any} */ c, /** @type {any} */ token) {
        const ls = await ask('textDocument/references', { ...at(d, p), context: { includeDeclaration: c.includeDeclaration } }, token);
        return (ls ?? []).map(location);
      },
    }),
  );
  keep(
    vscode.languages.registerRenameProvider(selector, {
      async prepareRename(/** @type {any} */ d, /** @type {any} */ p, /** @type {any} */ token) {
        const r = await ask('textDocument/prepareRename', at(d, p), token);
        if (!r) throw new Error('only models, blocks, data, values and dimension symbols can be renamed');
        return { range: range(r.range), placeholder: r.placeholder };
      },
      async provideRenameEdits(/** @type {any} */ d, /** @type {any} */ p, /** @type {string} */ newName) {
        // Not through `ask`: the server's reason for refusing a name must reach the user.
        const e = await endpoint.request('textDocument/rename', { ...at(d, p), newName });
        return e ? workspaceEdit(e.changes) : undefined;
      },
    }),
  );

  const symbol = (/** @type {any} */ s) => {
    const out = new vscode.DocumentSymbol(s.name, s.detail ?? '', (s.kind ?? 1) - 1, range(s.range), range(s.selectionRange));
    out.children = (s.children ?? []).map(symbol);
    return out;
  };
  keep(
    vscode.languages.registerDocumentSymbolProvider(selector, {
      async provideDocumentSymbols(/** @type {any} */ d, /** @type {any} */ token) {
        return ((await ask('textDocument/documentSymbol', { textDocument: doc(d) }, token)) ?? []).map(symbol);
      },
    }),
  );
  const foldingKinds = { comment: vscode.FoldingRangeKind.Comment, imports: vscode.FoldingRangeKind.Imports, region: vscode.FoldingRangeKind.Region };
  keep(
    vscode.languages.registerFoldingRangeProvider(selector, {
      async provideFoldingRanges(/** @type {any} */ d, /** @type {any} */ _c, /** @type {any} */ token) {
        const rs = (await ask('textDocument/foldingRange', { textDocument: doc(d) }, token)) ?? [];
        return rs.map((/** @type {any} */ r) => new vscode.FoldingRange(r.startLine, r.endLine, r.kind ? /** @type {any} */ (foldingKinds)[r.kind] : undefined));
      },
    }),
  );
  const legend = new vscode.SemanticTokensLegend(capabilities.semanticTokens.tokenTypes, capabilities.semanticTokens.tokenModifiers);
  keep(
    vscode.languages.registerDocumentSemanticTokensProvider(
      selector,
      {
        async provideDocumentSemanticTokens(/** @type {any} */ d, /** @type {any} */ token) {
          const t = await ask('textDocument/semanticTokens/full', { textDocument: doc(d) }, token);
          return new vscode.SemanticTokens(new Uint32Array(t?.data ?? []));
        },
      },
      legend,
    ),
  );
  keep(
    vscode.languages.registerDocumentFormattingEditProvider(selector, {
      async provideDocumentFormattingEdits(/** @type {any} */ d, /** @type {any} */ options, /** @type {any} */ token) {
        const es = await ask('textDocument/formatting', { textDocument: doc(d), options: { tabSize: options.tabSize, insertSpaces: options.insertSpaces } }, token);
        return (es ?? []).map(edit);
      },
    }),
  );
  keep(
    vscode.languages.registerCodeActionsProvider(
      selector,
      {
        async provideCodeActions(/** @type {any} */ d, /** @type {any} */ r, /** @type {any} */ c, /** @type {any} */ token) {
          const diagnostics = c.diagnostics.map((/** @type {any} */ x) => original.get(x)).filter(Boolean);
          if (diagnostics.length === 0) return [];
          const actions = (await ask('textDocument/codeAction', { textDocument: doc(d), range: lspRange(r), context: { diagnostics } }, token)) ?? [];
          return actions.map((/** @type {any} */ a) => {
            const action = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
            action.edit = workspaceEdit(a.edit?.changes);
            action.isPreferred = a.isPreferred;
            action.diagnostics = c.diagnostics.filter((/** @type {any} */ x) => (a.diagnostics ?? []).some((/** @type {any} */ y) => y.code === original.get(x)?.code && y.message === original.get(x)?.message));
            return action;
          });
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );
  keep(
    vscode.languages.registerCodeLensProvider(selector, {
      async provideCodeLenses(/** @type {any} */ d, /** @type {any} */ token) {
        const ls = (await ask('textDocument/codeLens', { textDocument: doc(d) }, token)) ?? [];
        return ls.map((/** @type {any} */ l) => new vscode.CodeLens(range(l.range), l.command ? { title: l.command.title, command: '' } : undefined));
      },
    }),
  );
  keep(
    vscode.languages.registerInlayHintsProvider(selector, {
      async provideInlayHints(/** @type {any} */ d, /** @type {any} */ r, /** @type {any} */ token) {
        const hs = (await ask('textDocument/inlayHint', { textDocument: doc(d), range: lspRange(r) }, token)) ?? [];
        return hs.map((/** @type {any} */ h) => {
          const hint = new vscode.InlayHint(position(h.position), h.label, h.kind);
          hint.paddingLeft = h.paddingLeft;
          hint.tooltip = h.tooltip;
          return hint;
        });
      },
    }),
  );
}

module.exports = { registerFeatures };
