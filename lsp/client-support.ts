// What the client said it can show (its `initialize` capabilities), and the answers rewritten to
// fit: the features write snippets, markdown, parameter offsets, nested symbols, related places and
// code actions with edits; a client that did not declare one of them gets the plain form instead.
// Without this, a client such as Emacs' eglot (no snippet support) shows `dense(${1:units})`.
import {
  InsertTextFormat,
  MarkupKind,
  type ClientCapabilities,
  type CodeAction,
  type Command,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type MarkupContent,
  type SignatureHelp,
  type SymbolInformation,
} from 'vscode-languageserver';

export interface ClientSupport {
  snippets: boolean;
  completionMarkdown: boolean;
  hoverMarkdown: boolean;
  signatureMarkdown: boolean;
  parameterLabelOffsets: boolean;
  hierarchicalSymbols: boolean;
  codeDescription: boolean;
  relatedInformation: boolean;
  /** Code actions as literals with edits; otherwise commands the server carries out (workspace/applyEdit). */
  codeActionLiterals: boolean;
  applyEdit: boolean;
}

/** Everything the features write: for tests and in-process callers that speak to a full client. */
export const fullSupport: ClientSupport = {
  snippets: true,
  completionMarkdown: true,
  hoverMarkdown: true,
  signatureMarkdown: true,
  parameterLabelOffsets: true,
  hierarchicalSymbols: true,
  codeDescription: true,
  relatedInformation: true,
  codeActionLiterals: true,
  applyEdit: true,
};

const acceptsMarkdown = (formats: readonly string[] | undefined) => formats?.includes(MarkupKind.Markdown) === true;

export function clientSupport(caps: ClientCapabilities = {}): ClientSupport {
  const text = caps.textDocument ?? {};
  return {
    snippets: text.completion?.completionItem?.snippetSupport === true,
    completionMarkdown: acceptsMarkdown(text.completion?.completionItem?.documentationFormat),
    hoverMarkdown: acceptsMarkdown(text.hover?.contentFormat),
    signatureMarkdown: acceptsMarkdown(text.signatureHelp?.signatureInformation?.documentationFormat),
    parameterLabelOffsets: text.signatureHelp?.signatureInformation?.parameterInformation?.labelOffsetSupport === true,
    hierarchicalSymbols: text.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
    codeDescription: text.publishDiagnostics?.codeDescriptionSupport === true,
    relatedInformation: text.publishDiagnostics?.relatedInformation === true,
    codeActionLiterals: text.codeAction?.codeActionLiteralSupport !== undefined,
    applyEdit: caps.workspace?.applyEdit === true,
  };
}

/**
 * A snippet as the text a snippet-capable editor would show before anything is typed: each
 * placeholder's default (`${1:units}` → `units`), choices' first entry, bare tab stops removed,
 * escapes (`\$`, `\}`, `\\`) undone.
 */
export function snippetToText(snippet: string): string {
  let i = 0;
  const parse = (inPlaceholder: boolean): string => {
    let out = '';
    while (i < snippet.length) {
      const c = snippet[i]!;
      if (c === '\\' && i + 1 < snippet.length && '$}\\,|'.includes(snippet[i + 1]!)) {
        out += snippet[i + 1];
        i += 2;
      } else if (inPlaceholder && c === '}') {
        return out;
      } else if (c === '$' && /\d/.test(snippet[i + 1] ?? '')) {
        i++;
        while (/\d/.test(snippet[i] ?? '')) i++;
      } else if (c === '$' && snippet[i + 1] === '{') {
        const header = /^\$\{(\d+|[A-Za-z_]\w*)(:|\||\})/.exec(snippet.slice(i));
        if (!header) {
          out += c;
          i++;
          continue;
        }
        i += header[0].length;
        if (header[2] === ':') {
          out += parse(true);
          i++; // the closing brace
        } else if (header[2] === '|') {
          const end = snippet.indexOf('|}', i);
          out += snippet.slice(i, end < 0 ? undefined : end).split(',')[0];
          i = end < 0 ? snippet.length : end + 2;
        }
      } else {
        out += c;
        i++;
      }
    }
    return out;
  };
  return parse(false);
}

/** Markdown as plain text: fences, emphasis and code ticks go, the words and line breaks stay. */
export function markdownToText(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => !/^\s*```/.test(line))
    .join('\n')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/ {2}$/gm, '');
}

function documentation(doc: string | MarkupContent | undefined, markdown: boolean): string | MarkupContent | undefined {
  if (doc === undefined || typeof doc === 'string' || markdown || doc.kind !== MarkupKind.Markdown) return doc;
  return { kind: MarkupKind.PlainText, value: markdownToText(doc.value) };
}

export function adaptCompletion(items: CompletionItem[], support: ClientSupport): CompletionItem[] {
  if (support.snippets && support.completionMarkdown) return items;
  return items.map((item) => {
    const out: CompletionItem = { ...item };
    if (!support.snippets && item.insertTextFormat === InsertTextFormat.Snippet) {
      out.insertText = snippetToText(item.insertText ?? item.label);
      out.insertTextFormat = InsertTextFormat.PlainText;
    }
    const doc = documentation(item.documentation, support.completionMarkdown);
    if (doc !== undefined) out.documentation = doc;
    return out;
  });
}

export function adaptHover(hover: Hover | null, support: ClientSupport): Hover | null {
  if (!hover || support.hoverMarkdown) return hover;
  const contents = hover.contents;
  if (typeof contents === 'object' && 'kind' in contents && contents.kind === MarkupKind.Markdown) {
    return { ...hover, contents: { kind: MarkupKind.PlainText, value: markdownToText(contents.value) } };
  }
  return hover;
}

export function adaptSignatureHelp(help: SignatureHelp | null, support: ClientSupport): SignatureHelp | null {
  if (!help || (support.parameterLabelOffsets && support.signatureMarkdown)) return help;
  return {
    ...help,
    signatures: help.signatures.map((s) => ({
      ...s,
      ...(s.documentation !== undefined ? { documentation: documentation(s.documentation, support.signatureMarkdown)! } : {}),
      parameters: s.parameters?.map((p) => ({
        ...p,
        label: typeof p.label === 'string' || support.parameterLabelOffsets ? p.label : s.label.slice(p.label[0], p.label[1]),
        ...(p.documentation !== undefined ? { documentation: documentation(p.documentation, support.signatureMarkdown)! } : {}),
      })),
    })),
  };
}

/** Nested symbols flattened to SymbolInformation (each with its container's name) for older clients. */
export function adaptSymbols(symbols: DocumentSymbol[], uri: string, support: ClientSupport): DocumentSymbol[] | SymbolInformation[] {
  if (support.hierarchicalSymbols) return symbols;
  const flat: SymbolInformation[] = [];
  const visit = (s: DocumentSymbol, container?: string) => {
    flat.push({ name: s.name, kind: s.kind, location: { uri, range: s.range }, ...(container !== undefined ? { containerName: container } : {}) });
    for (const child of s.children ?? []) visit(child, s.name);
  };
  symbols.forEach((s) => visit(s));
  return flat;
}

export function adaptDiagnostics(diagnostics: Diagnostic[], support: ClientSupport): Diagnostic[] {
  if (support.codeDescription && support.relatedInformation) return diagnostics;
  return diagnostics.map((d) => {
    const { codeDescription, relatedInformation, ...rest } = d;
    const out: Diagnostic = { ...rest };
    if (codeDescription && support.codeDescription) out.codeDescription = codeDescription;
    if (relatedInformation?.length) {
      if (support.relatedInformation) out.relatedInformation = relatedInformation;
      else out.message += relatedInformation.map((r) => `\n${r.location.range.start.line + 1}:${r.location.range.start.character + 1}: ${r.message}`).join('');
    }
    return out;
  });
}

/** The command a client without code action literals runs to apply a fix; the server applies the edit. */
export const applyFixCommand = 'nn.applyFix';

export function adaptCodeActions(actions: CodeAction[], support: ClientSupport): (CodeAction | Command)[] {
  if (support.codeActionLiterals) return actions;
  if (!support.applyEdit) return [];
  return actions.filter((a) => a.edit).map((a) => ({ title: a.title, command: applyFixCommand, arguments: [a.edit] }));
}
