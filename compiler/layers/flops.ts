// What the layers' FLOPs rules share (the convention is LayerFlops' in types.ts): the size of one
// example's tensor, known or not, and the forward/training pair of a product or an element-wise op.
import { knownSize, type Dim } from '../shapes/dim.js';
import type { LayerFlops } from './types.js';

/** The number of values of one example (every axis but the batch), or undefined when an axis is symbolic. */
export function exampleSize(shape: readonly Dim[]): number | undefined {
  let size = 1;
  for (const d of shape.slice(1)) {
    const n = knownSize(d);
    if (n === undefined) return undefined;
    size *= n;
  }
  return size;
}

/** The positions a last-axis operation repeats over: every axis but the batch and the last (1 for [batch, n]). */
export function positions(shape: readonly Dim[]): number | undefined {
  return exampleSize(shape.slice(0, -1));
}

/** `multiplyAdds` of products: 2 FLOPs each forward; backward, the input's and the weights' gradients are one product each. */
export function products(multiplyAdds: number | undefined): LayerFlops | undefined {
  return multiplyAdds === undefined ? undefined : { forward: 2 * multiplyAdds, training: 6 * multiplyAdds };
}

/** `ops` element-wise operations forward; backward, one of the same size. */
export function elementwise(ops: number | undefined): LayerFlops | undefined {
  return ops === undefined ? undefined : { forward: ops, training: 2 * ops };
}

/** A layer that only moves values (reshape, padding, a lookup): no arithmetic. */
export const noFlops = (): LayerFlops => ({ forward: 0, training: 0 });

/** The product of the numbers, or undefined if any is. */
export function times(...factors: (number | undefined)[]): number | undefined {
  let product = 1;
  for (const f of factors) {
    if (f === undefined) return undefined;
    product *= f;
  }
  return product;
}
