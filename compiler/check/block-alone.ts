// Every block is checked on its own, used or not: its names, layers and arguments do not depend on
// the shapes it is given, so a mistake there is reported even when no use reaches it (the block is
// unused, or its input is already unknown after an earlier error). Shapes stay unknown here, and
// unknown shapes are never reported, so this adds no shape errors; the uses check those.
// A mistake that a use reports as well is the same diagnostic twice: `dropRepeatedDiagnostics`
// keeps one ("one mistake, one diagnostic").
import { DiagnosticSink } from '../diagnostics/make.js';
import type { ArgValue, ParamSpec } from '../layers/types.js';
import type { BlockDecl, ModelDecl, Span } from '../syntax/ast.js';
import { blockParamSpecs, hasInput } from './block-params.js';
import { ModelEvaluator } from './model-evaluator.js';
import { blockFrame, modelFrame, unknown } from './model-frame.js';
import { resolveType } from './types.js';

/** A stand-in for a parameter that has no default: any value of its type (its uses are not judged). */
const placeholders: Partial<Record<ParamSpec['type'], ArgValue>> = {
  int: 1,
  float: 0.5,
  bool: false,
  activation: { kind: 'activation', name: 'linear' },
};

export function checkBlockAlone(block: BlockDecl, blocks: ReadonlyMap<string, BlockDecl>, sink: DiagnosticSink): void {
  if (!hasInput(block.body)) return; // NN3005 says so; every layer would repeat it
  const scratch = new DiagnosticSink();
  const args: Record<string, ArgValue> = {};
  const standIns = new Set<string>();
  for (const spec of blockParamSpecs(block)) {
    if (spec.default !== undefined) args[spec.name] = spec.default;
    else {
      args[spec.name] = placeholders[spec.type] ?? 1;
      standIns.add(spec.name);
    }
  }
  const asModel: ModelDecl = { kind: 'model', name: block.name, body: block.body, span: block.span, ...(block.recovered ? { recovered: true } : {}) };
  const evaluator = new ModelEvaluator(asModel, blocks, scratch);
  const frame = blockFrame(modelFrame(), block.name.name, block.name.name, args);
  for (const stmt of block.body) {
    if (stmt.kind !== 'input') continue;
    resolveType(stmt.type, scratch);
    const value = unknown(stmt.span);
    frame.values.set(stmt.name.name, value);
    frame.current ??= value;
  }
  evaluator.statements(block.body, frame);
  // What is said about a stand-in's value (or a call holding one) would not be said of a real use.
  const standInSpans = referencesTo(block.body, standIns);
  for (const d of scratch.items) {
    if (!standInSpans.some((s) => d.span.start <= s.start && s.end <= d.span.end)) sink.add(d);
  }
}

/** The spans of every name expression in `node` that refers to one of `names`. */
function referencesTo(node: unknown, names: ReadonlySet<string>): Span[] {
  const found: Span[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const o = n as { kind?: unknown; name?: unknown; span?: Span };
    if (o.kind === 'name' && typeof o.name === 'string' && names.has(o.name) && o.span) found.push(o.span);
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  if (names.size > 0) walk(node);
  return found;
}

/**
 * Keeps the first of identical diagnostics (same code, span and message): a mistake inside a block
 * is met at each use and by the block's own check, but it is one mistake.
 */
export function dropRepeatedDiagnostics(sink: DiagnosticSink): void {
  const seen = new Set<string>();
  const kept = sink.items.filter((d) => {
    const key = `${d.code}@${d.span.start}:${d.span.end}:${d.severity}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  sink.items.splice(0, sink.items.length, ...kept);
}
