// What a model costs to run, from its shapes alone: FLOPs per example (shown by the editor) and
// the wasm thread count training should use (chosen by `nnc train`). Each layer counts its own
// (`LayerDef.flops`, by the convention of LayerFlops in layers/types.ts); this file only sums.
import type { LayerNode, ModelIR } from './ir.js';
import type { LayerFlops } from './layers/types.js';

/** A layer's FLOPs for one example, forward and training; undefined where a size they depend on is symbolic. */
export function layerFlops(node: LayerNode): LayerFlops | undefined {
  return node.def.flops({ input: node.input.shape, inputs: node.inputs.map((i) => i.shape), output: node.shape, args: node.args, weights: node.weights });
}

/** A layer's forward FLOPs for one example. */
export function flopsPerExample(node: LayerNode): number | undefined {
  return layerFlops(node)?.forward;
}

/** The sum over the layers the forward pass computes; undefined if any layer's count is. */
function modelFlops(model: ModelIR, part: keyof LayerFlops): number | undefined {
  let total = 0;
  for (const node of model.nodes) {
    if (node.weightsOnly) continue; // its result reaches no output: the forward pass does not compute it
    const flops = layerFlops(node);
    if (flops === undefined) return undefined;
    total += flops[part];
  }
  return total;
}

/** A model's forward FLOPs per example. */
export function modelFlopsPerExample(model: ModelIR): number | undefined {
  return modelFlops(model, 'forward');
}

/** A model's FLOPs per example of one training step (forward and backward). */
export function modelTrainingFlopsPerExample(model: ModelIR): number | undefined {
  return modelFlops(model, 'training');
}

/**
 * Measured in bench/results.md: a second wasm thread slows the MLP 784-128-10 (0.2 MFLOP per
 * example: 0.84×) and speeds the keras.io MNIST convnet (4.9 MFLOP: 1.26×), because the pool's
 * hand-off costs more than small kernels save. Models above this much forward work per example
 * get two threads; a model whose cost is unknown (symbolic sizes) keeps one.
 */
export const threadedWorkPerExample = 1e6;

export function wasmThreadsFor(model: ModelIR): 1 | 2 {
  const flops = modelFlopsPerExample(model);
  return flops !== undefined && flops >= threadedWorkPerExample ? 2 : 1;
}
