// Go to definition, find references and rename, over the symbol index: models, blocks, data,
// values (`input`, `let`, `layer`), block parameters and dimension symbols.
import type { Location, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { keywordNames } from '../grammar/tokens.js';
import type { Analysis } from './analysis.js';
import { toRange } from './ranges.js';
import { occurrenceAt, type Occurrence } from './symbols.js';

function occurrencesOf(a: Analysis, offset: number): Occurrence[] | undefined {
  const o = occurrenceAt(a.index, offset);
  if (!o?.symbol) return undefined;
  return a.index.occurrences.filter((x) => x.symbol === o.symbol);
}

export function definition(a: Analysis, offset: number, uri: string): Location | null {
  const all = occurrencesOf(a, offset);
  const def = all?.find((o) => o.definition);
  return def ? { uri, range: toRange(a.lines, def.span) } : null;
}

export function references(a: Analysis, offset: number, uri: string, includeDeclaration: boolean): Location[] {
  return (occurrencesOf(a, offset) ?? []).filter((o) => includeDeclaration || !o.definition).map((o) => ({ uri, range: toRange(a.lines, o.span) }));
}

export function prepareRename(a: Analysis, offset: number): { range: Range; placeholder: string } | null {
  const o = occurrenceAt(a.index, offset);
  if (!o?.symbol) return null;
  return { range: toRange(a.lines, o.span), placeholder: o.name };
}

export class RenameError extends Error {}

export function rename(a: Analysis, offset: number, newName: string, uri: string): WorkspaceEdit | null {
  const all = occurrencesOf(a, offset);
  if (!all) return null;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) throw new RenameError(`\`${newName}\` is not a name: use letters, digits and \`_\`, not starting with a digit`);
  if (keywordNames.includes(newName)) throw new RenameError(`\`${newName}\` is a keyword`);
  const edits: TextEdit[] = all.map((o) => ({ range: toRange(a.lines, o.span), newText: newName }));
  return { changes: { [uri]: edits } };
}
