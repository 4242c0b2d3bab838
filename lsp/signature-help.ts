// Signature help inside a call of a layer or block: its parameters, the one being typed highlighted.
import type { SignatureHelp } from 'vscode-languageserver';
import type { Analysis } from './analysis.js';
import { callable, signatureText } from './callables.js';
import { cursorContext } from './cursor-context.js';

export function signatureHelp(a: Analysis, offset: number): SignatureHelp | null {
  const ctx = cursorContext(a.text, offset);
  const def = ctx.call && ctx.decl !== 'train' && ctx.decl !== 'data' ? callable(a, ctx.call.name) : undefined;
  if (!def) return null;
  const label = signatureText(def);
  let cursor = def.name.length + 1;
  const parameters = def.params.map((p) => {
    const start = label.indexOf(p.label, cursor);
    cursor = start + p.label.length;
    return { label: [start, start + p.label.length] as [number, number], documentation: p.doc };
  });
  let active = -1;
  if (ctx.argumentName !== undefined) active = def.params.findIndex((p) => p.name === ctx.argumentName);
  else {
    const param = def.params.filter((p) => p.positional)[ctx.positionalCount];
    active = param ? def.params.indexOf(param) : -1;
  }
  return { signatures: [{ label, documentation: def.doc, parameters }], activeSignature: 0, ...(active >= 0 ? { activeParameter: active } : {}) };
}
