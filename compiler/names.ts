// Identifiers that reach generated TypeScript. `.nn` identifiers are already [A-Za-z_][A-Za-z0-9_]*
// (the lexer admits nothing else), so the remaining danger is collisions with TypeScript's reserved
// words and with names the generated code itself uses; a Scope hands out unique, safe names.

const reserved = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private ' +
    'protected public static yield any boolean constructor declare get module require number set string symbol type from of await async ' +
    'arguments eval undefined NaN Infinity Object Array Function Promise Error Math JSON Number String Symbol Map Set globalThis process ' +
    'tf rt'
  ).split(' '),
);

export function isReserved(name: string): boolean {
  return reserved.has(name);
}

export class Scope {
  private readonly used = new Set<string>();
  private readonly reservedHere = new Set<string>();

  /**
   * `taken`: names already in use (a second `x` becomes `x_2`); `reservedNames`: names the
   * generated code writes itself, which a wanted name yields to as to a keyword (`out` → `out_`).
   */
  constructor(taken: Iterable<string> = [], reservedNames: Iterable<string> = []) {
    for (const t of taken) this.used.add(t);
    for (const r of reservedNames) {
      this.used.add(r);
      this.reservedHere.add(r);
    }
  }

  /** A unique identifier close to `wanted`. */
  claim(wanted: string): string {
    return this.claimWith(wanted, []);
  }

  /**
   * A unique identifier close to `wanted` such that it is also free with each suffix appended
   * (a class `M` brings `MOptions` and `MInputs` with it); claims them all.
   */
  claimWith(wanted: string, suffixes: readonly string[]): string {
    let base = /^[A-Za-z_][A-Za-z0-9_]*$/.test(wanted) ? wanted : wanted.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
    if (reserved.has(base) || this.reservedHere.has(base)) base = `${base}_`;
    const free = (n: string) => !this.used.has(n) && suffixes.every((s) => !this.used.has(n + s));
    let name = base;
    for (let i = 2; !free(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    for (const s of suffixes) this.used.add(name + s);
    return name;
  }
}
