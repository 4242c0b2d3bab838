// Matching a block's declared input type against the value it is given: names in the type that
// are block parameters take the parameter's value, other names (`b`, `h`) bind to the caller's
// dims, and a name used twice must bind to the same dim both times.
import type { ArgValue } from '../layers/types.js';
import { constDim, type Dim } from '../shapes/dim.js';
import { sizeAgreement } from '../shapes/size-agreement.js';

/** Sizes that differ, or agree only for some values of their symbols, cannot bind. */
function disagree(a: Dim, b: Dim): boolean {
  const r = sizeAgreement(a, b).result;
  return r === 'different' || r === 'depends';
}

export function substituteSymbols(shape: readonly Dim[], params: ReadonlyMap<string, ArgValue>, dims: ReadonlyMap<string, Dim>): Dim[] {
  return shape.map((d) => {
    if (d.kind !== 'sym') return d;
    const p = params.get(d.name);
    if (typeof p === 'number') return constDim(p);
    return dims.get(d.name) ?? d;
  });
}

/** Binds the symbols of `declared` to the dims of `actual`; false when they cannot match. */
export function bindBlockInput(declared: readonly Dim[], actual: readonly Dim[], params: ReadonlyMap<string, ArgValue>, dims: Map<string, Dim>): boolean {
  if (declared.length !== actual.length) return false;
  const resolved = substituteSymbols(declared, params, dims);
  for (const [i, d] of resolved.entries()) {
    const a = actual[i]!;
    if (d.kind === 'sym') {
      const bound = dims.get(d.name);
      if (bound === undefined) dims.set(d.name, a);
      else if (disagree(bound, a)) return false;
    } else if (disagree(d, a)) return false;
  }
  return true;
}
