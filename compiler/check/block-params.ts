// A block's parameters: their declaration (checked once per block), their binding as layer-style
// parameters at each use, and their substitution into the calls inside the block.
import type { DiagnosticSink } from '../diagnostics/make.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { ArgValue, ParamSpec } from '../layers/types.js';
import type { BlockDecl, CallExpr, Expr, ModelStatement, Span } from '../syntax/ast.js';
import { describe } from './args.js';
import { paramOf, type Frame } from './model-frame.js';

const blockParamTypes: Record<string, ParamSpec['type']> = { int: 'int', float: 'float', bool: 'bool', activation: 'activation' };

export function hasInput(body: readonly ModelStatement[]): boolean {
  return body.some((s) => s.kind === 'input');
}

/** Checks a block's declaration itself (parameter types), once, wherever it is used. */
export function checkBlockDecl(block: BlockDecl, sink: DiagnosticSink): void {
  const seen = new Set<string>();
  for (const p of block.params) {
    if (seen.has(p.name.name)) sink.error('NN2009', p.name.span, `parameter \`${p.name.name}\` is declared twice`);
    seen.add(p.name.name);
    if (!blockParamTypes[p.type.name]) {
      sink.error('NN2025', p.type.span, `unknown parameter type \`${p.type.name}\``, didYouMean(p.type.name, Object.keys(blockParamTypes), p.type.span, 'parameter types are `int`, `float`, `bool` and `activation`'));
    } else if (p.default !== undefined && literalValue(p.default, blockParamTypes[p.type.name]!) === undefined) {
      sink.error('NN3001', p.default.span, `the default of \`${p.name.name}\` must be a literal ${p.type.name}`, { found: describe(p.default) });
    }
  }
  if (!hasInput(block.body)) sink.error('NN3005', block.name.span, `block \`${block.name.name}\` has no input`, { help: 'declare what it takes, e.g. `input x: [b, h, w, c]`' });
}

/** A block's parameters as layer-style ParamSpecs, so blocks bind arguments like layers do. */
export function blockParamSpecs(block: BlockDecl): ParamSpec[] {
  return block.params.map(blockParamSpec).filter((p): p is ParamSpec => p !== undefined);
}

function blockParamSpec(p: BlockDecl['params'][number]): ParamSpec | undefined {
  const type = blockParamTypes[p.type.name];
  if (!type) return undefined; // reported by checkBlockDecl
  const spec: ParamSpec = { name: p.name.name, type, positional: true, doc: `Parameter \`${p.name.name}\` (${p.type.name}).` };
  if (p.default === undefined) spec.required = true;
  else spec.default = literalValue(p.default, type);
  return spec;
}

function literalValue(e: Expr, type: ParamSpec['type']): ArgValue | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'name' && type === 'bool') return e.name === 'true';
  if (e.kind === 'name' && type === 'activation') return { kind: 'activation', name: e.name };
  return undefined;
}

/** Replaces block parameters used as arguments (`conv2d(filters, 3)`) by their values. */
export function substituteParams(call: CallExpr, frame: Frame): CallExpr {
  const sub = (e: Expr): Expr => {
    if (e.kind === 'name') {
      const v = paramOf(frame, e.name);
      return v === undefined ? e : argToExpr(v, e.span);
    }
    if (e.kind === 'call') return { ...e, args: e.args.map((a) => ({ ...a, value: sub(a.value) })) };
    if (e.kind === 'list') return { ...e, items: e.items.map(sub) };
    if (e.kind === 'unary' && e.operand.kind === 'name') {
      const inner = sub(e.operand);
      return inner.kind === 'number' ? { ...inner, value: -inner.value, text: `-${inner.text}`, span: e.span } : e;
    }
    return e;
  };
  return { ...call, args: call.args.map((a) => ({ ...a, value: sub(a.value) })) };
}

/** An argument value written back as an expression, for substituting block parameters. */
function argToExpr(v: ArgValue, span: Span): Expr {
  if (typeof v === 'number') return { kind: 'number', value: v, text: String(v), span };
  if (typeof v === 'boolean') return { kind: 'name', name: String(v), span };
  if (typeof v === 'string') return { kind: 'name', name: v, span };
  if (Array.isArray(v)) return { kind: 'list', items: v.map((n) => ({ kind: 'number', value: n, text: String(n), span })), span };
  if (v.kind === 'activation') {
    const callee = { name: v.name, span };
    return v.alpha === undefined ? { kind: 'name', name: v.name, span } : { kind: 'call', callee, args: [{ name: { name: 'alpha', span }, value: { kind: 'number', value: v.alpha, text: String(v.alpha), span }, span }], span };
  }
  return { kind: 'list', items: [], span };
}
