// What a model costs to run, from its shapes alone: FLOPs per example (shown by the editor) and
// the wasm thread count training should use (chosen by `nnc train`).
import type { LayerNode, ModelIR } from './ir.js';

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

/**
 * Measured in bench/results.md: a second wasm thread slows the MLP 784-128-10 (0.2 MFLOP per
 * example: 0.84×) and speeds the keras.io MNIST convnet (4.9 MFLOP: 1.26×), because the pool's
 * hand-off costs more than small kernels save. Models above this much work per example get
 * two threads; a model whose cost is unknown (symbolic sizes) keeps one.
 */
export const threadedWorkPerExample = 1e6;

export function wasmThreadsFor(model: ModelIR): 1 | 2 {
  const flops = modelFlopsPerExample(model);
  return flops !== undefined && flops >= threadedWorkPerExample ? 2 : 1;
}
