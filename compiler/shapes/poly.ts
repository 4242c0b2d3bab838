// Integer polynomials over dimension symbols, with floor division by a constant as an atom.
// Every operation returns the canonical form (terms merged and sorted, zero terms dropped,
// exact parts of a division pulled out of the floor), so two sizes are equal exactly when their
// canonical keys are equal, and certainly different when their difference is a nonzero constant.

/** A factor of a term: a symbol (`h`) or `floor(num / den)` with den ≥ 2. */
export type Atom = { kind: 'sym'; name: string } | { kind: 'floor'; num: Poly; den: number };

/** coeff · atoms[0] · atoms[1] · …; atoms sorted by key, repeated for powers. */
export interface Term {
  coeff: number;
  atoms: Atom[];
}

/** A sum of terms with distinct monomials, sorted; the empty list is 0. */
export type Poly = Term[];

export function atomKey(a: Atom): string {
  return a.kind === 'sym' ? a.name : `floor(${polyKey(a.num)}/${a.den})`;
}

function monomialKey(atoms: readonly Atom[]): string {
  return atoms.map(atomKey).join('*');
}

export function polyKey(p: Poly): string {
  return p.map((t) => `${t.coeff}:${monomialKey(t.atoms)}`).join('+');
}

function normalize(terms: Term[]): Poly {
  const byKey = new Map<string, Term>();
  for (const t of terms) {
    if (t.coeff === 0) continue;
    const atoms = [...t.atoms].sort((a, b) => (atomKey(a) < atomKey(b) ? -1 : atomKey(a) > atomKey(b) ? 1 : 0));
    const key = monomialKey(atoms);
    const seen = byKey.get(key);
    if (seen) seen.coeff += t.coeff;
    else byKey.set(key, { coeff: t.coeff, atoms });
  }
  // Higher degree first, then by name, constants last: `2*n + 1`, `h*w - 3`.
  return [...byKey.values()]
    .filter((t) => t.coeff !== 0)
    .sort((a, b) => b.atoms.length - a.atoms.length || (monomialKey(a.atoms) < monomialKey(b.atoms) ? -1 : monomialKey(a.atoms) > monomialKey(b.atoms) ? 1 : 0));
}

export function constPoly(n: number): Poly {
  return normalize([{ coeff: n, atoms: [] }]);
}

export function symPoly(name: string): Poly {
  return [{ coeff: 1, atoms: [{ kind: 'sym', name }] }];
}

export function addPoly(a: Poly, b: Poly): Poly {
  return normalize([...a, ...b].map((t) => ({ ...t })));
}

export function scalePoly(a: Poly, k: number): Poly {
  return normalize(a.map((t) => ({ coeff: t.coeff * k, atoms: t.atoms })));
}

export function subPoly(a: Poly, b: Poly): Poly {
  return addPoly(a, scalePoly(b, -1));
}

export function mulPoly(a: Poly, b: Poly): Poly {
  const terms: Term[] = [];
  for (const x of a) for (const y of b) terms.push({ coeff: x.coeff * y.coeff, atoms: [...x.atoms, ...y.atoms] });
  return normalize(terms);
}

/** The constant value when the polynomial has no symbols. */
export function constantOf(p: Poly): number | undefined {
  if (p.length === 0) return 0;
  return p.length === 1 && p[0]!.atoms.length === 0 ? p[0]!.coeff : undefined;
}

/**
 * floor(p / d) for a whole d ≥ 1. Terms whose coefficients d divides come out of the floor
 * (floor((2n + h)/2) = n + floor(h/2)), as does the whole part of the constant
 * (floor((h - 2)/2) = floor(h/2) - 1), and nested floors merge (floor(floor(h/2)/2) = floor(h/4)).
 */
export function floorDivPoly(p: Poly, d: number): Poly {
  if (d === 1) return p;
  const exact: Term[] = [];
  const rest: Term[] = [];
  for (const t of p) {
    if (t.atoms.length === 0) {
      const r = ((t.coeff % d) + d) % d;
      exact.push({ coeff: (t.coeff - r) / d, atoms: [] });
      if (r !== 0) rest.push({ coeff: r, atoms: [] });
    } else if (t.coeff % d === 0) exact.push({ coeff: t.coeff / d, atoms: t.atoms });
    else rest.push(t);
  }
  const restPoly = normalize(rest);
  // Only a constant remainder 0 ≤ r < d is left: its floor is 0.
  if (restPoly.every((t) => t.atoms.length === 0)) return normalize(exact);
  let atom: Atom = { kind: 'floor', num: restPoly, den: d };
  const only = restPoly.length === 1 ? restPoly[0]! : undefined;
  if (only && only.coeff === 1 && only.atoms.length === 1 && only.atoms[0]!.kind === 'floor') {
    const inner = only.atoms[0]!;
    atom = { kind: 'floor', num: inner.num, den: inner.den * d };
  }
  return normalize([...exact, { coeff: 1, atoms: [atom] }]);
}

/** ceil(p / d) = floor((p + d - 1) / d). */
export function ceilDivPoly(p: Poly, d: number): Poly {
  return floorDivPoly(addPoly(p, constPoly(d - 1)), d);
}

/** The symbols a polynomial depends on, in order of first appearance. */
export function symbolsOf(p: Poly, into: string[] = []): string[] {
  for (const t of p) {
    for (const a of t.atoms) {
      if (a.kind === 'sym') {
        if (!into.includes(a.name)) into.push(a.name);
      } else symbolsOf(a.num, into);
    }
  }
  return into;
}

function showAtom(a: Atom): string {
  if (a.kind === 'sym') return a.name;
  const inner = showPoly(a.num);
  return `${a.num.length > 1 || (a.num[0] && a.num[0].coeff !== 1 && a.num[0].atoms.length > 0) ? `(${inner})` : inner}/${a.den}`;
}

function showMonomial(t: Term): string {
  const factors = t.atoms.map((a) => {
    const s = showAtom(a);
    // A floor inside a product reads ambiguously without parentheses: 3*(h/2).
    return a.kind === 'floor' && t.atoms.length + (Math.abs(t.coeff) !== 1 ? 1 : 0) > 1 ? `(${s})` : s;
  });
  const c = Math.abs(t.coeff);
  if (factors.length === 0) return String(c);
  return c === 1 ? factors.join('*') : `${c}*${factors.join('*')}`;
}

/** `2*n + 1`, `h/2`, `(h + 1)/2`, `3*h*w`, `h - 2`. Floor division reads as `/`. */
export function showPoly(p: Poly): string {
  if (p.length === 0) return '0';
  return showTerms(absorbConstant(p));
}

/**
 * For display only: folds a constant back into a lone floor whose numerator already has one,
 * floor((2n + 3)/4) - 1 → (2*n - 1)/4, which reads as written; `h/2 - 1` stays as it is.
 */
function absorbConstant(p: Poly): Poly {
  const constant = p.find((t) => t.atoms.length === 0);
  const floors = p.filter((t) => t.atoms.length === 1 && t.atoms[0]!.kind === 'floor' && t.coeff === 1);
  if (!constant || floors.length !== 1 || p.length !== 2) return p;
  const atom = floors[0]!.atoms[0] as { kind: 'floor'; num: Poly; den: number };
  if (constantOf(atom.num) !== undefined || !atom.num.some((t) => t.atoms.length === 0)) return p;
  return [{ coeff: 1, atoms: [{ kind: 'floor', num: addPoly(atom.num, constPoly(constant.coeff * atom.den)), den: atom.den }] }];
}

function showTerms(p: Poly): string {
  return p
    .map((t, i) => {
      const m = showMonomial(t);
      if (i === 0) return t.coeff < 0 ? `-${m}` : m;
      return t.coeff < 0 ? ` - ${m}` : ` + ${m}`;
    })
    .join('');
}
