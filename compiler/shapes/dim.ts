// Tensor dimensions as the checker sees them: a known size, a named symbol (`batch`), an
// expression over symbols (`h/2`, `2*n + 1`, `3*h*w`), or unknown. Expressions are kept in the
// canonical form of poly.ts, so equal sizes compare equal however they were computed. Unknown
// propagates silently: it stands for "already reported" or "cannot know", and never produces a
// second diagnostic.
import {
  addPoly,
  ceilDivPoly,
  constantOf,
  constPoly,
  floorDivPoly,
  mulPoly,
  polyKey,
  showPoly,
  subPoly,
  symbolsOf,
  symPoly,
  type Poly,
} from './poly.js';

export type Dim = { kind: 'const'; value: number } | { kind: 'sym'; name: string } | { kind: 'expr'; poly: Poly } | { kind: 'unknown' };

/** A shape is a list of dims; `undefined` is a value whose shape (even its rank) is unknown. */
export type Shape = Dim[] | undefined;

export const unknownDim: Dim = { kind: 'unknown' };

export function constDim(value: number): Dim {
  return { kind: 'const', value };
}

export function symDim(name: string): Dim {
  return { kind: 'sym', name };
}

/** The simplest Dim for a polynomial: a constant or a bare symbol where it is one. */
export function dimOfPoly(p: Poly): Dim {
  const c = constantOf(p);
  if (c !== undefined) return constDim(c);
  const only = p.length === 1 ? p[0]! : undefined;
  if (only && only.coeff === 1 && only.atoms.length === 1 && only.atoms[0]!.kind === 'sym') return symDim(only.atoms[0]!.name);
  return { kind: 'expr', poly: p };
}

/** The polynomial of a dim, or undefined when it is unknown. */
export function polyOfDim(d: Dim): Poly | undefined {
  switch (d.kind) {
    case 'const':
      return constPoly(d.value);
    case 'sym':
      return symPoly(d.name);
    case 'expr':
      return d.poly;
    case 'unknown':
      return undefined;
  }
}

function lift2(a: Dim, b: Dim, op: (x: Poly, y: Poly) => Poly): Dim {
  const x = polyOfDim(a);
  const y = polyOfDim(b);
  return x && y ? dimOfPoly(op(x, y)) : unknownDim;
}

export const addDims = (a: Dim, b: Dim): Dim => lift2(a, b, addPoly);
export const subDims = (a: Dim, b: Dim): Dim => lift2(a, b, subPoly);
export const mulDims = (a: Dim, b: Dim): Dim => lift2(a, b, mulPoly);

/** floor(a / d) for a whole d ≥ 1. */
export function floorDivDim(a: Dim, d: number): Dim {
  const p = polyOfDim(a);
  return p ? dimOfPoly(floorDivPoly(p, d)) : unknownDim;
}

/** ceil(a / d) for a whole d ≥ 1. */
export function ceilDivDim(a: Dim, d: number): Dim {
  const p = polyOfDim(a);
  return p ? dimOfPoly(ceilDivPoly(p, d)) : unknownDim;
}

/** The product of dims (the size of a flattened tensor); 1 for none. */
export function productOfDims(dims: readonly Dim[]): Dim {
  return dims.reduce<Dim>((acc, d) => mulDims(acc, d), constDim(1));
}

export function showDim(d: Dim): string {
  switch (d.kind) {
    case 'const':
      return String(d.value);
    case 'sym':
      return d.name;
    case 'expr':
      return showPoly(d.poly);
    case 'unknown':
      return '?';
  }
}

export function showShape(s: Shape): string {
  return s ? `[${s.map(showDim).join(', ')}]` : '[…]';
}

/**
 * How two dims compare: `equal` (the same for every value of the symbols), `different` (never
 * equal: they differ by a nonzero constant), `depends` (equal for some values of the symbols
 * only: the mismatch depends on `symbols`), or `unknown` (one of them is unknown).
 */
export type DimComparison = { result: 'equal' } | { result: 'different' } | { result: 'depends'; symbols: string[] } | { result: 'unknown' };

export function compareDims(a: Dim, b: Dim): DimComparison {
  const x = polyOfDim(a);
  const y = polyOfDim(b);
  if (!x || !y) return { result: 'unknown' };
  const diff = subPoly(x, y);
  if (diff.length === 0) return { result: 'equal' };
  if (constantOf(diff) !== undefined) return { result: 'different' };
  return { result: 'depends', symbols: symbolsOf(diff) };
}

/**
 * `true` when equal, `false` when certainly different, `undefined` when it cannot be decided:
 * one is unknown, or the answer depends on a symbol (a bare symbol may stand for any size, so
 * `n` against `4` is undecided, while `n + 1` against `n` is certainly different).
 */
export function dimEquals(a: Dim, b: Dim): boolean | undefined {
  const c = compareDims(a, b);
  return c.result === 'equal' ? true : c.result === 'different' ? false : undefined;
}

export function knownSize(d: Dim | undefined): number | undefined {
  return d?.kind === 'const' ? d.value : undefined;
}

/** A canonical text key, equal for equal dims (unknown dims get `?`). */
export function dimKey(d: Dim): string {
  const p = polyOfDim(d);
  return p ? polyKey(p) : '?';
}

/**
 * The symbols on which two dims' equality depends, when at least one of them is an expression
 * (`h` against `h/2`, `2*n` against `n`): such dims agree only for particular sizes, so a
 * declaration that states one where the layers produce the other is a mistake. Two bare symbols,
 * or a symbol and a number, may stand for the same size and are not reported.
 */
export function symbolicMismatch(a: Dim, b: Dim): string[] | undefined {
  if (a.kind !== 'expr' && b.kind !== 'expr') return undefined;
  const c = compareDims(a, b);
  return c.result === 'depends' ? c.symbols : undefined;
}
