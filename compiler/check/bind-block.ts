// Matching a block's declared input type against the value it is given: names in the type that
// are block parameters take the parameter's value, other names (`b`, `h`) bind to the caller's
// dims, and a name used twice must bind to the same dim both times.
import type { ArgValue } from '../layers/types.js';
import { constDim, type Dim } from '../shapes/dim.js';
import { sizeAgreement } from '../shapes/size-agreement.js';
import type { AxisMismatch } from '../layers/merge-mismatch.js';

/** Sizes that differ, or agree only for some values of their symbols, cannot bind. */
function disagreement(axis: number, a: Dim, b: Dim): AxisMismatch | undefined {
  const agreement = sizeAgreement(a, b);
  return agreement.result === 'different' || agreement.result === 'depends' ? { axis, left: a, right: b, agreement } : undefined;
}

export function substituteSymbols(shape: readonly Dim[], params: ReadonlyMap<string, ArgValue>, dims: ReadonlyMap<string, Dim>): Dim[] {
  return shape.map((d) => {
    if (d.kind !== 'sym') return d;
    const p = params.get(d.name);
    if (typeof p === 'number') return constDim(p);
    return dims.get(d.name) ?? d;
  });
}

/**
 * Binds the symbols of `declared` to the dims of `actual`; false when they cannot match, after
 * telling `onMismatch` (when given) the first axis that does not.
 */
export function bindBlockInput(declared: readonly Dim[], actual: readonly Dim[], params: ReadonlyMap<string, ArgValue>, dims: Map<string, Dim>, onMismatch?: (m: AxisMismatch) => void): boolean {
  if (declared.length !== actual.length) return false;
  const resolved = substituteSymbols(declared, params, dims);
  for (const [i, d] of resolved.entries()) {
    const a = actual[i]!;
    if (d.kind === 'sym' && !dims.has(d.name)) {
      dims.set(d.name, a);
      continue;
    }
    const mismatch = disagreement(i, d.kind === 'sym' ? dims.get(d.name)! : d, a);
    if (mismatch) {
      onMismatch?.(mismatch);
      return false;
    }
  }
  return true;
}
