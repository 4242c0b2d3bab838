// What can be called in a model, with its parameters: a layer from the library, or a block of this
// file (its parameters read from the source). Signature help and argument completion use both alike.
import { layerByName } from '../compiler/layers/registry.js';
import type { Analysis } from './analysis.js';
import type { AstNode } from './ast-walk.js';
import { describeParam } from './vocabulary.js';

export interface CallableParam {
  name: string;
  /** `units: int`, `act: activation = relu` */
  label: string;
  doc: string;
  positional: boolean;
  required: boolean;
  type: string;
  choices?: readonly string[];
}

export interface Callable {
  name: string;
  doc: string;
  params: CallableParam[];
}

export function callable(a: Analysis, name: string): Callable | undefined {
  const def = layerByName.get(name);
  if (def) {
    return {
      name,
      doc: def.doc,
      params: def.params.map((p) => ({ name: p.name, label: describeParam(p), doc: p.doc, positional: p.positional === true, required: p.required === true, type: p.type, ...(p.choices ? { choices: p.choices } : {}) })),
    };
  }
  const block = a.index.topLevel.get(name);
  if (block?.kind !== 'block' || !Array.isArray(block['params'])) return undefined;
  const params = (block['params'] as AstNode[]).map((p) => {
    const paramName = (p['name'] as { name?: string } | undefined)?.name ?? '?';
    const type = (p['type'] as { name?: string } | undefined)?.name ?? '';
    const label = a.text.slice(p.span.start, p.span.end).replace(/\s+/g, ' ');
    return { name: paramName, label, doc: `Parameter of block \`${name}\`.`, positional: true, required: p['default'] === undefined, type };
  });
  return { name, doc: `Block \`${name}\`, declared in this file: its layers are applied in place of the call.`, params };
}

export function signatureText(c: Callable): string {
  return `${c.name}(${c.params.map((p) => p.label).join(', ')})`;
}

/** A completion snippet: the call with its required arguments as tab stops. */
export function callSnippet(c: Callable): string {
  const required = c.params.filter((p) => p.required);
  return `${c.name}(${required.map((p, i) => (p.positional ? `\${${i + 1}:${p.name}}` : `${p.name}: \${${i + 1}}`)).join(', ')})`;
}
