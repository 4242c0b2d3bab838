// Code actions: each diagnostic's fixes (carried in its `data` as LSP text edits) as quick fixes.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { DiagnosticData } from './diagnostics.js';

export function codeActions(diagnostics: Diagnostic[], uri: string): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    const data = d.data as Partial<DiagnosticData> | undefined;
    for (const fix of Array.isArray(data?.fixes) ? data.fixes : []) {
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: data!.fixes!.length === 1, edit: { changes: { [uri]: fix.edits } } });
    }
  }
  return actions;
}
