// Every identifier in a file, classified: which declaration, value, dimension symbol, layer or
// setting it names, and whether it defines or uses it. Definition, references, rename, hover and
// semantic tokens all read this one index.
import { activationByName } from '../compiler/layers/activations.js';
import { layerByName } from '../compiler/layers/registry.js';
import type { Span, SourceFileNode } from '../compiler/syntax/ast.js';
import { walk, type AstNode } from './ast-walk.js';

export type OccurrenceKind =
  | 'model' // a model or block name (declared at the top level, callable in a model)
  | 'data'
  | 'value' // an `input`, `let` or `layer` name inside a model or block
  | 'param' // a block's parameter
  | 'dim' // a dimension symbol such as `batch`
  | 'layer' // a layer from the library
  | 'activation'
  | 'argument' // the name of a named argument, `units:`
  | 'setting' // a training setting key, `epochs:`
  | 'name'; // any other name (`mse`, `adam`, `true`, …)

export interface Occurrence {
  name: string;
  span: Span;
  kind: OccurrenceKind;
  definition: boolean;
  /** Identifies what the name refers to; equal keys are the same thing. Absent for library names. */
  symbol?: string;
  /** The declaration the name appears in. */
  decl: AstNode;
  /** For a callee or an argument name: the call. */
  call?: AstNode;
}

export interface SymbolIndex {
  occurrences: Occurrence[];
  /** Top-level declarations by name (first wins). */
  topLevel: Map<string, AstNode>;
}

const localDefiners = new Set(['input', 'let', 'layer']);

export function buildIndex(ast: SourceFileNode): SymbolIndex {
  const occurrences: Occurrence[] = [];
  const topLevel = new Map<string, AstNode>();
  const decls = ast.decls as unknown as AstNode[];
  for (const decl of decls) {
    const name = identOf(decl['name']);
    if (name && !topLevel.has(name.name)) topLevel.set(name.name, decl);
  }
  const topKind = (decl: AstNode | undefined): OccurrenceKind => (decl?.kind === 'data' ? 'data' : 'model');

  for (const decl of decls) {
    const declName = identOf(decl['name']);
    if (declName) {
      const first = topLevel.get(declName.name) === decl;
      occurrences.push({ name: declName.name, span: declName.span, kind: topKind(decl), definition: true, ...(first ? { symbol: `top:${declName.name}` } : {}), decl });
    }
    // Names defined inside this declaration: its inputs, lets, layer instances and parameters.
    const locals = new Set<string>();
    walk(decl, ({ node, key, parent }) => {
      if (key === 'name' && parent && ((parent.kind !== undefined && localDefiners.has(parent.kind)) || isBlockParam(parent, decl))) {
        const id = identOf(node);
        if (id) locals.add(id.name);
      }
    });
    const localSymbol = (name: string) => `local:${decl.span.start}:${name}`;

    walk(decl, ({ node, key, parent, ancestors }) => {
      const id = identOf(node);
      if (!id || !parent) return;
      const inDims = ancestors.some((a) => Array.isArray(a['dims']));
      const add = (kind: OccurrenceKind, definition: boolean, symbol?: string, call?: AstNode) =>
        occurrences.push({ name: id.name, span: id.span, kind, definition, decl, ...(symbol ? { symbol } : {}), ...(call ? { call } : {}) });

      if (parent === decl && key === 'name') return; // the declaration's own name, added above
      if (decl.kind === 'train' && parent === decl) {
        if (key === 'model' || key === 'data') add(topKind(topLevel.get(id.name)), false, topLevel.has(id.name) ? `top:${id.name}` : undefined);
        return;
      }
      if (key === 'key' && decl.kind === 'train') return add('setting', false);
      if (key === 'name' && parent.kind !== undefined && localDefiners.has(parent.kind)) return add('value', true, localSymbol(id.name));
      if (key === 'name' && isBlockParam(parent, decl)) return add('param', true, localSymbol(id.name));
      if (key === 'type' && isBlockParam(parent, decl)) return add('name', false);
      if (key === 'name' && parent.kind === undefined && 'value' in parent) return add('argument', false, undefined, ancestors[ancestors.length - 2]);
      // In a block, a parameter may size a dimension (`[b, units]`): then it is the parameter.
      if (inDims && node.kind === 'name' && !locals.has(id.name)) return add('dim', false, `dim:${decl.span.start}:${id.name}`);
      const call = key === 'callee' ? parent : undefined;
      if (key !== 'callee' && node.kind !== 'name') return;
      if (locals.has(id.name)) return add(decl.kind === 'block' && isParamName(decl, id.name) ? 'param' : 'value', false, localSymbol(id.name), call);
      const top = topLevel.get(id.name);
      if (top && top.kind !== 'train' && decl.kind !== 'train') return add(topKind(top), false, `top:${id.name}`, call);
      if (layerByName.has(id.name) && decl.kind !== 'train') return add('layer', false, undefined, call ?? node);
      if (activationByName.has(id.name)) return add('activation', false);
      add('name', false, undefined, call);
    });
  }
  // A dimension symbol's first use stands as its definition.
  const seenDims = new Set<string>();
  for (const o of occurrences) {
    if (o.kind === 'dim' && o.symbol && !seenDims.has(o.symbol)) {
      seenDims.add(o.symbol);
      o.definition = true;
    }
  }
  occurrences.sort((a, b) => a.span.start - b.span.start);
  return { occurrences, topLevel };
}

/** An Ident (`{ name, span }`) or a NameRef (`{ kind: 'name', name, span }`). */
function identOf(node: unknown): { name: string; span: Span } | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const n = node as { name?: unknown; span?: Span; kind?: unknown };
  if (typeof n.name !== 'string' || !n.span) return undefined;
  if (n.kind !== undefined && n.kind !== 'name') return undefined;
  return { name: n.name, span: n.span };
}

function isBlockParam(node: AstNode, decl: AstNode): boolean {
  return Array.isArray(decl['params']) && (decl['params'] as unknown[]).includes(node);
}

function isParamName(decl: AstNode, name: string): boolean {
  return ((decl['params'] as AstNode[] | undefined) ?? []).some((p) => identOf(p['name'])?.name === name);
}

/** The occurrence whose name covers the offset (its end included, where the cursor sits after typing). */
export function occurrenceAt(index: SymbolIndex, offset: number): Occurrence | undefined {
  const list = index.occurrences;
  let lo = 0;
  let hi = list.length - 1;
  let found: Occurrence | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const o = list[mid]!;
    if (o.span.start <= offset) {
      if (offset <= o.span.end) found = o;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
