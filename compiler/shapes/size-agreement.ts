// Whether two sizes that must agree do: equal, different, or equal only for some values of their
// symbols. The canonical form of poly.ts decides equality for most sizes; the rest are decided by
// evaluation. A difference over one symbol h with floors of h/d is, on each residue class of h
// modulo the lcm L of the divisors, a polynomial in k (h = L*k + r): it is zero on that class
// exactly when it is zero at degree + 1 points. So `2*(h/8)` against `h/4` is equal exactly when
// h % 8 is 0, 1, 2 or 3, and `h/2` against `h` is never equal for h ≥ 1.
import { constantOf, subPoly, symbolsOf, type Atom, type Poly } from './poly.js';
import { polyOfDim, type Dim } from './dim.js';

export type SizeAgreement =
  | { result: 'equal' }
  /** Unknown, or a bare symbol against a number or symbol: it may stand for that size. */
  | { result: 'assumed' }
  | { result: 'different'; symbols: string[] }
  /**
   * Equal only for some values of `symbols`: `condition` says when (`h % 8 is 0, 1, 2 or 3`),
   * `multipleOf` is a modulus such that writing the symbol as `multipleOf*h` makes them equal.
   */
  | { result: 'depends'; symbols: string[]; condition: string; multipleOf?: { symbol: string; factor: number } };

const largestModulus = 720;
const rootScanLimit = 4096;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The lcm of the (nested) divisors in a polynomial: every floor is exact on a residue class modulo it. */
function divisorLcm(p: Poly, outer = 1): number {
  let l = 1;
  for (const t of p) {
    for (const a of t.atoms) {
      if (a.kind !== 'floor') continue;
      const inner = divisorLcm(a.num, outer * a.den);
      const den = outer * a.den;
      l = (l * den) / gcd(l, den);
      l = (l * inner) / gcd(l, inner);
    }
  }
  return l;
}

function atomDegree(a: Atom): number {
  return a.kind === 'sym' ? 1 : polyDegree(a.num);
}

function polyDegree(p: Poly): number {
  return p.reduce((m, t) => Math.max(m, t.atoms.reduce((s, a) => s + atomDegree(a), 0)), 0);
}

export function evalPoly(p: Poly, env: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const t of p) {
    let v = t.coeff;
    for (const a of t.atoms) v *= a.kind === 'sym' ? env.get(a.name)! : Math.floor(evalPoly(a.num, env) / a.den);
    sum += v;
  }
  return sum;
}

function listResidues(rs: number[]): string {
  return rs.length === 1 ? String(rs[0]) : `${rs.slice(0, -1).join(', ')} or ${rs[rs.length - 1]}`;
}

/** Decides a difference over one symbol, or returns undefined when it is out of reach. */
function decideOneSymbol(diff: Poly, s: string): SizeAgreement | undefined {
  const modulus = divisorLcm(diff);
  if (modulus > largestModulus) return undefined;
  const degree = polyDegree(diff);
  const at = (h: number) => evalPoly(diff, new Map([[s, h]]));
  const equalClasses: number[] = [];
  for (let r = 0; r < modulus; r++) {
    let zero = true;
    for (let k = 1; k <= degree + 1 && zero; k++) zero = at(modulus * k + r) === 0;
    if (zero) equalClasses.push(r);
  }
  if (equalClasses.length === modulus) return { result: 'equal' };
  if (equalClasses.length > 0) {
    const condition = equalClasses.length === 1 && equalClasses[0] === 0 ? `\`${s}\` is a multiple of ${modulus}` : `\`${s} % ${modulus}\` is ${listResidues(equalClasses)}`;
    return { result: 'depends', symbols: [s], condition, ...(equalClasses.includes(0) ? { multipleOf: { symbol: s, factor: modulus } } : {}) };
  }
  // Nonzero polynomial on every class: equal at finitely many sizes at most.
  const roots: number[] = [];
  for (let h = 1; h <= rootScanLimit && roots.length < 4; h++) if (at(h) === 0) roots.push(h);
  if (roots.length === 0) return { result: 'different', symbols: [s] };
  return { result: 'depends', symbols: [s], condition: `\`${s}\` is ${listResidues(roots.slice(0, 3))}${roots.length > 3 ? ' or more' : ''}` };
}

/** How two sizes that must be equal compare; see SizeAgreement. */
export function sizeAgreement(a: Dim, b: Dim): SizeAgreement {
  const x = polyOfDim(a);
  const y = polyOfDim(b);
  if (!x || !y) return { result: 'assumed' };
  const diff = subPoly(x, y);
  if (diff.length === 0) return { result: 'equal' };
  const symbols = symbolsOf(diff);
  if (constantOf(diff) !== undefined) return { result: 'different', symbols };
  // A bare symbol may be bound to any size (`[batch, n]` against `[batch, 4]`): not a mismatch.
  if (a.kind !== 'expr' && b.kind !== 'expr') return { result: 'assumed' };
  const decided = symbols.length === 1 ? decideOneSymbol(diff, symbols[0]!) : undefined;
  return decided ?? { result: 'depends', symbols, condition: `only for some values of \`${symbols.join('`, `')}\`` };
}

/** The phrase for a 'depends' answer: "equal only when h is a multiple of 8". */
export function describeCondition(agreement: Extract<SizeAgreement, { result: 'depends' }>): string {
  return agreement.condition.startsWith('only for') ? `equal ${agreement.condition}` : `equal only when ${agreement.condition}`;
}
