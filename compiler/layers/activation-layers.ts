// Every activation is also a layer of its own: `relu()`, `leaky_relu(alpha: 0.1)`.
import { passThrough } from '../codegen/backward-rules.js';
import { activations, type ActivationDef } from './activations.js';
import { elementwise, exampleSize } from './flops.js';
import type { LayerDef, ParamSpec } from './types.js';

function activationLayer(a: ActivationDef): LayerDef {
  const params: ParamSpec[] =
    a.alpha === undefined ? [] : [{ name: 'alpha', type: 'float', positional: true, default: a.alpha, doc: 'Slope (leaky_relu) or scale (elu) for negative inputs.' }];
  return {
    name: a.name,
    kerasClass: a.kerasClass,
    doc: a.doc,
    params,
    outputShape: (ctx) => ctx.input,
    weights: () => [],
    emit: (ctx) => a.emit(ctx.input, ctx.args['alpha'] as number | undefined, ctx.runtime),
    // backward.ts applies the activation's derivative (it has none: the model keeps the tape), so
    // the gradient is already at the layer's input.
    backward: passThrough,
    // One op per value.
    flops: (ctx) => elementwise(exampleSize(ctx.output)),
  };
}

export const activationLayers: readonly LayerDef[] = activations.filter((a) => a.name !== 'linear').map(activationLayer);
