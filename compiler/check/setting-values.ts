// Checkers for the plain values training settings take: whole numbers, booleans, and names looked
// up in a vocabulary (losses, metrics). Each reports its own mistake and returns undefined.
import type { DiagnosticSink } from '../diagnostics/make.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Expr } from '../syntax/ast.js';
import { describe } from './args.js';

export function positiveInt(e: Expr, what: string, sink: DiagnosticSink, expected = 'a whole number from 1 to 1000000000'): number | undefined {
  if (e.kind === 'number' && Number.isInteger(e.value) && e.value >= 1 && e.value <= 1e9) return e.value;
  sink.error(e.kind === 'number' ? 'NN4009' : 'NN3001', e.span, `\`${what}\` must be ${expected}`, { found: describe(e) });
  return undefined;
}

export function nonNegativeInt(e: Expr, what: string, sink: DiagnosticSink): number | undefined {
  if (e.kind === 'number' && Number.isInteger(e.value) && e.value >= 0 && e.value < 2 ** 32) return e.value;
  sink.error(e.kind === 'number' ? 'NN4009' : 'NN3001', e.span, `\`${what}\` must be a whole number from 0 to 4294967295`, { found: describe(e) });
  return undefined;
}

export function bool(e: Expr, what: string, sink: DiagnosticSink): boolean | undefined {
  if (e.kind === 'name' && (e.name === 'true' || e.name === 'false')) return e.name === 'true';
  sink.error('NN3001', e.span, `\`${what}\` must be \`true\` or \`false\``, { found: describe(e) });
  return undefined;
}

/** A name (or a string) from `table`, such as a loss or a metric; `plural` names the table in help. */
export function lookupName<T>(e: Expr, table: Record<string, T>, code: 'NN4001' | 'NN4003', what: string, plural: string, sink: DiagnosticSink): T | undefined {
  const name = e.kind === 'name' ? e.name : e.kind === 'string' ? e.value : undefined;
  if (name !== undefined && Object.hasOwn(table, name)) return table[name];
  const names = Object.keys(table);
  const message = name !== undefined ? `unknown ${what} \`${name}\`` : `a ${what} is a name such as \`${names[0]}\`, found ${describe(e)}`;
  const otherwise = `${plural} are ${names.map((k) => `\`${k}\``).join(', ')}`;
  sink.error(code, e.span, message, name !== undefined ? didYouMean(name, names, e.span, otherwise) : { help: otherwise });
  return undefined;
}
