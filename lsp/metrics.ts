// Numbers about a layer that the editor shows: FLOPs per example and readable counts.
import type { LayerNode, ModelIR } from '../compiler/ir.js';

/**
 * Multiply-adds of a layer with a `kernel`, counted as 2 FLOPs each: the kernel is applied once per
 * output position (every output axis but the batch and the last), so dense costs 2·in·units and a
 * convolution 2·(kernel size)·(output positions). Layers without a kernel are not counted
 * (undefined), nor are shapes with a symbolic axis other than the batch.
 */
export function flopsPerExample(node: LayerNode): number | undefined {
  const kernel = node.weights.find((w) => w.name === 'kernel');
  if (!kernel) return undefined;
  let positions = 1;
  for (const d of node.shape.slice(1, -1)) {
    if (d.kind !== 'const') return undefined;
    positions *= d.value;
  }
  return 2 * kernel.shape.reduce((a, b) => a * b, 1) * positions;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A model's multiply-add FLOPs: layers without weights (activations) count 0; unknown if any layer's count is. */
export function modelFlopsPerExample(model: ModelIR): number | undefined {
  let total = 0;
  for (const node of model.nodes) {
    if (node.weights.length === 0) continue;
    const flops = flopsPerExample(node);
    if (flops === undefined) return undefined;
    total += flops;
  }
  return total;
}
