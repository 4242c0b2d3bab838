// Numbers about a layer that the editor shows: FLOPs per example and readable counts.

export { flopsPerExample, modelFlopsPerExample } from '../compiler/cost.js';

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
