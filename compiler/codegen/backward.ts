// The backward pass derived by the compiler, for models that are a chain of layers (one input,
// one output, no shared weights) of dense, conv1d/conv2d (dilation 1), conv2d_transpose, max and
// average pooling (1-D, 2-D, global), upsampling, flatten, reshape, dropout and activation layers
// (below the first layer with weights, any layer without weights): the compiler knows every layer and
// shape, so it writes forward and backward as straight-line tfjs-core code with no gradient tape.
// Without a tape tfjs fuses conv2d + bias + relu (and matMul + bias + activation) into one kernel
// in the forward pass; each dense weight gradient is a matmul with an explicit transpose (the fast
// form on wasm), each conv or pooling gradient one kernel call (runtime/kernels/derived-backward.ts),
// dropout multiplies by the mask its forward pass drew from the runtime's dropout stream, the
// output layer's softmax/sigmoid is folded into the loss gradient, and nothing computes the
// gradient of the input below the first layer with weights. Emitted as `lossAndGradients` unless
// compile() is told not to (`derivedBackward: false`); the training step uses it in place of the
// tape where it applies (runtime/derived-step.ts). tfjs's autodiff stays the oracle
// (test/derived-backward.test.ts, test/derived-conv.test.ts).
import { activationByName, num } from '../layers/activations.js';
import { numberList, tupleOf } from '../layers/spatial.js';
import type { ActivationValue } from '../layers/types.js';
import type { LayerNode, ModelIR } from '../ir.js';
import type { RuntimeImports } from './imports.js';
import { str, type CodeWriter } from './writer.js';

/** Activations whose derivative the derived pass writes from the activation's output alone. */
const SUPPORTED = new Set(['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leaky_relu', 'elu']);
/** The output activations `outputGradient` takes; leaky_relu and elu go through 'linear' there. */
const OUTPUT_ACTIVATIONS = new Set(['linear', 'relu', 'sigmoid', 'tanh', 'softmax']);
/** Layers with no weights and no activation whose input gradient the derived pass writes. */
const MOVERS = new Set([
  'flatten',
  'reshape',
  'dropout',
  'max_pooling1d',
  'max_pooling2d',
  'average_pooling1d',
  'average_pooling2d',
  'global_max_pooling1d',
  'global_max_pooling2d',
  'global_average_pooling1d',
  'global_average_pooling2d',
  'up_sampling1d',
  'up_sampling2d',
]);

/** The activation a node applies last: an activation layer's own, or the `activation:` of dense and conv. */
function activationOf(node: LayerNode): ActivationValue {
  const def = activationByName.get(node.def.name);
  if (def) return { kind: 'activation', name: def.name, alpha: (node.args['alpha'] as number | undefined) ?? def.alpha };
  const value = node.args['activation'] as ActivationValue | undefined;
  if (!value) return { kind: 'activation', name: 'linear' };
  return { ...value, alpha: value.alpha ?? activationByName.get(value.name)?.alpha };
}

/** Why this layer, on its own, has no derived gradient; null when it has one. */
function layerObstacle(node: LayerNode): string | null {
  const name = node.def.name;
  if (name === 'dense') return node.input.shape.length === 2 ? null : `layer ${node.id} has an input of rank ${node.input.shape.length}`;
  if (name === 'conv2d_transpose') return null;
  if (name === 'conv1d' || name === 'conv2d') {
    return tupleOf(node.args, 'dilation_rate', name === 'conv1d' ? 1 : 2).some((d) => d > 1) ? `layer ${node.id} is dilated` : null;
  }
  if (MOVERS.has(name) || activationByName.has(name)) return null;
  return `layer ${node.id} (${name}) has no derived gradient`;
}

/** The index of the first layer with trainable weights (the layers' count when none has any). */
function firstWithWeights(nodes: readonly LayerNode[]): number {
  const first = nodes.findIndex((n) => n.weights.some((wt) => wt.trainable));
  return first < 0 ? nodes.length : first;
}

/** Why the model's backward pass cannot be derived, or null when it can. */
export function derivedBackwardObstacle(model: ModelIR): string | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || model.nodes.length === 0) return 'not a single chain';
  let previous = model.inputs[0]!.id;
  const first = firstWithWeights(model.nodes);
  for (const [i, node] of model.nodes.entries()) {
    if (node.inputs.length !== 1 || node.input.id !== previous || node.sharedWith) return 'not a single chain';
    // No gradient flows below the first layer with weights: a layer there (one_hot) only runs
    // forward, which the derived pass can do for any layer without weights that ignores `training`.
    if (i < first && node.weights.length === 0 && (!node.def.usesTraining || node.def.name === 'dropout')) {
      previous = node.local;
      continue;
    }
    const obstacle = layerObstacle(node);
    if (obstacle !== null) return obstacle;
    const activation = activationOf(node);
    if (!SUPPORTED.has(activation.name)) return `activation ${activation.name} of ${node.id}`;
    if (activation.name === 'softmax' && i !== model.nodes.length - 1) return 'softmax before the output layer';
    // With a negative alpha the activation's sign no longer tells where its input was positive.
    if ((activation.alpha ?? 0) < 0) return `activation ${activation.name} of ${node.id} has a negative alpha`;
    previous = node.local;
  }
  return model.outputs[0]!.id === previous ? null : 'not a single chain';
}

/** `$` cannot occur in a .nn name, so these locals never collide with the forward pass's. */
const grad = (node: LayerNode, weight: string) => `g$${node.local}$${weight}`;
/** dL/dz at the node's pre-activation: its output for layers without an activation. */
const delta = (node: LayerNode) => `d$${node.local}`;
const mask = (node: LayerNode) => `mask$${node.local}`;

/**
 * dL/dz from dL/da (the expression `da`) through the node's activation, whose derivative is written
 * from its output: the node's own, or `output` where the caller has the same values elsewhere.
 */
function throughActivation(node: LayerNode, da: string, rt: RuntimeImports, output = node.local): string {
  const a = activationOf(node);
  if (a.name === 'linear') return da;
  const alpha = a.name === 'leaky_relu' || a.name === 'elu' ? `, ${num(a.alpha!)}` : '';
  return `${rt.use('activationBackward')}(${str(a.name)}, ${output}, ${da}${alpha})`;
}

const MAX_POOLS = new Set(['max_pooling1d', 'max_pooling2d', 'global_max_pooling1d', 'global_max_pooling2d']);

/**
 * dL/dz of the layer below `node` from dL/d(node's output) `d`. A max pooling passes each window's
 * gradient to the window's maximum, where the activation below has the value the pooling output
 * holds: so its derivative is taken at the pooled size (a quarter of the values for 2×2 windows),
 * then routed. The same numbers as routing first, with less work.
 */
function belowGradient(node: LayerNode, below: LayerNode, d: string, rt: RuntimeImports): string {
  if (MAX_POOLS.has(node.def.name) && activationOf(below).name !== 'linear') {
    return inputGradient(node, throughActivation(below, d, rt, node.local), rt);
  }
  return throughActivation(below, inputGradient(node, d, rt), rt);
}

/**
 * Where a layer with a bias feeds a max pooling, the gradient at the pooling's size: every window
 * passes its whole gradient to one position, so the bias gradient (a sum over every position) is
 * the sum of this smaller tensor — a quarter of the additions for 2×2 windows.
 */
function pooledGradient(node: LayerNode, below: LayerNode, d: string, rt: RuntimeImports): string | null {
  if (!MAX_POOLS.has(node.def.name) || !below.weights.some((wt) => wt.trainable && wt.name === 'bias')) return null;
  return activationOf(below).name === 'linear' ? d : throughActivation(below, d, rt, node.local);
}

const pooled = (node: LayerNode) => `dp$${node.local}`;

/** The window, strides and padding of a pooling node (strides default to the window), as emitted arguments. */
function poolArgs(node: LayerNode, n: number): { window: number[]; strides: number[]; pad: string } {
  const window = tupleOf(node.args, 'pool_size', n);
  const strides = node.args['strides'] !== undefined ? tupleOf(node.args, 'strides', n) : window;
  return { window, strides, pad: str(node.args['padding'] as string) };
}

/** The strides (one number for conv1d) and padding of a conv node, as emitted arguments. */
function convArgs(node: LayerNode, n: number): { stride: string; pad: string } {
  const strides = tupleOf(node.args, 'strides', n);
  return { stride: n === 1 ? String(strides[0]) : numberList(strides), pad: str(node.args['padding'] as string) };
}

/** Each trainable weight's gradient (emitted as a local) from dL/dz `d`, as `"name": local` entries. */
function emitWeightGradients(node: LayerNode, d: string, w: CodeWriter, rt: RuntimeImports, biasFrom: string | null = null): string[] {
  const x = node.input.id;
  const entries: string[] = [];
  for (const wt of node.weights) {
    if (!wt.trainable) continue;
    const g = grad(node, wt.name);
    const isKernel = wt.name === 'kernel';
    if (node.def.name === 'dense') w.line(`const ${g} = ${isKernel ? `tf.matMul(tf.transpose(${x}), ${d})` : `tf.sum(${d}, 0)`};`);
    else {
      const n = node.def.name === 'conv1d' ? 1 : 2;
      const { stride, pad } = convArgs(node, n);
      const op = node.def.name === 'conv2d_transpose' ? 'conv2dTransposeKernelGradient' : `conv${n}dKernelGradient`;
      const kernel = `${rt.use(op)}(${x}, ${d}, ${numberList(wt.shape)}, ${stride}, ${pad})`;
      // The bias gradient sums over every axis but the channels': of dL/dz, or of the smaller
      // gradient a max pooling above routes from (see pooledGradient).
      const bias = biasFrom === null ? `tf.sum(${d}, ${numberList(n === 1 ? [0, 1] : [0, 1, 2])})` : `${rt.use('sumToChannels')}(${biasFrom})`;
      w.line(`const ${g} = ${isKernel ? kernel : bias};`);
    }
    entries.push(`${str(`${node.id}/${wt.name}`)}: ${g}`);
  }
  return entries;
}

/** dL/d(the node's input) from dL/dz `d`, as an expression. */
function inputGradient(node: LayerNode, d: string, rt: RuntimeImports): string {
  const x = node.input.id;
  const name = node.def.name;
  switch (name) {
    case 'dense':
      return `tf.matMul(${d}, tf.transpose(p.${node.local}.kernel))`;
    case 'conv1d':
    case 'conv2d': {
      const n = name === 'conv1d' ? 1 : 2;
      const { stride, pad } = convArgs(node, n);
      return `${rt.use(`conv${n}dInputGradient`)}(${x}, ${d}, p.${node.local}.kernel, ${stride}, ${pad})`;
    }
    case 'conv2d_transpose': {
      const { stride, pad } = convArgs(node, 2);
      return `${rt.use('conv2dTransposeInputGradient')}(${d}, p.${node.local}.kernel, ${stride}, ${pad})`;
    }
    case 'max_pooling1d':
    case 'max_pooling2d':
    case 'average_pooling1d':
    case 'average_pooling2d': {
      const n = name.endsWith('1d') ? 1 : 2;
      const { window, strides, pad } = poolArgs(node, n);
      const sizes = n === 1 ? `${window[0]}, ${strides[0]}` : `${numberList(window)}, ${numberList(strides)}`;
      return name.startsWith('max')
        ? `${rt.use(`maxPool${n}dGradient`)}(${d}, ${x}, ${node.local}, ${sizes}, ${pad})`
        : `${rt.use(`avgPool${n}dGradient`)}(${d}, ${x}, ${sizes}, ${pad})`;
    }
    case 'global_max_pooling1d':
    case 'global_max_pooling2d':
      return `${rt.use('globalMaxPoolGradient')}(${d}, ${x}, ${node.local})`;
    case 'global_average_pooling1d':
    case 'global_average_pooling2d':
      return `${rt.use('globalAvgPoolGradient')}(${d}, ${x})`;
    case 'up_sampling1d':
    case 'up_sampling2d':
      return `${rt.use('upSamplingGradient')}(${d}, ${x}, ${numberList(tupleOf(node.args, 'size', name === 'up_sampling1d' ? 1 : 2))})`;
    case 'flatten':
    case 'reshape':
      return `tf.reshape(${d}, ${x}.shape)`;
    case 'dropout':
      return (node.args['rate'] as number) > 0 ? `tf.mul(${d}, ${mask(node)})` : d;
    default:
      // An activation layer: `d` is already the gradient at its input.
      return d;
  }
}

/** Dropout's forward line in the derived pass: it keeps its mask for the backward pass. */
function dropoutForward(node: LayerNode, w: CodeWriter, rt: RuntimeImports): string {
  const rate = node.args['rate'] as number;
  if (rate <= 0) return node.input.id; // as rt.dropout, which draws nothing then
  w.line(`const ${mask(node)} = ${rt.use('dropoutMask')}(${node.input.id}.shape, ${num(rate)});`);
  return `tf.mul(${node.input.id}, ${mask(node)})`;
}

/**
 * Emits `lossAndGradients` after `forward`; `emitForwardBody` writes the forward pass's own lines
 * (`const p = this.params;` and one `const` per layer, each layer written by `replace` where it
 * gives an expression), so both passes compute the same values.
 */
export function emitBackward(
  model: ModelIR,
  w: CodeWriter,
  rt: RuntimeImports,
  emitForwardBody: (replace?: (node: LayerNode) => string | undefined) => void,
): boolean {
  if (derivedBackwardObstacle(model) !== null) return false;
  const input = model.inputs[0]!;
  const nodes = model.nodes;
  const last = nodes[nodes.length - 1]!;
  // Nothing needs the gradient below the first layer with weights.
  const first = firstWithWeights(nodes);
  w.line();
  w.line(`/**`);
  w.line(` * The loss, the prediction (as \`forward(x, true)\`) and the gradient of every trainable weight`);
  w.line(` * (keyed by its name in \`weights()\`), by the backward pass nnc derived: straight-line code, no`);
  w.line(` * gradient tape. Call it inside \`tf.tidy\`.`);
  w.line(` */`);
  w.block(`lossAndGradients(${input.id}: tf.Tensor, yTrue: tf.Tensor, loss: ${rt.useType('LossName')} | ${rt.useType('CustomLoss')}): { loss: tf.Scalar; prediction: tf.Tensor; gradients: Record<string, tf.Tensor> } {`, () => {
    emitForwardBody((node) => (node.def.name === 'dropout' ? dropoutForward(node, w, rt) : undefined));
    const output = activationOf(last);
    const folded = OUTPUT_ACTIVATIONS.has(output.name);
    w.line(`const out = ${rt.use('outputGradient')}(loss, yTrue, ${last.local}, ${str(folded ? output.name : 'linear')});`);
    // Filled from the output back; listed in the order of weights() at the end.
    const entries: string[][] = [];
    if (first < nodes.length) {
      let d = delta(last);
      w.line(`const ${d} = ${folded ? 'out.dz' : throughActivation(last, 'out.dz', rt)};`);
      let biasFrom: string | null = null;
      for (let i = nodes.length - 1; i >= first; i--) {
        const node = nodes[i]!;
        entries.unshift(emitWeightGradients(node, d, w, rt, biasFrom));
        biasFrom = null;
        if (i === first) break;
        const below = nodes[i - 1]!;
        const routed = pooledGradient(node, below, d, rt);
        if (routed !== null && routed !== d) {
          w.line(`const ${pooled(below)} = ${routed};`);
          biasFrom = pooled(below);
        } else if (routed !== null) biasFrom = d;
        const next = biasFrom !== null ? inputGradient(node, biasFrom, rt) : belowGradient(node, below, d, rt);
        // Layers that pass the gradient through unchanged (dropout at rate 0, activation layers
        // over a linear layer) get no local of their own.
        if (next === d) continue;
        d = delta(below);
        w.line(`const ${d} = ${next};`);
      }
    }
    const gradients = entries.flat();
    w.line(`return { loss: out.loss, prediction: ${last.local}, gradients: ${gradients.length > 0 ? `{ ${gradients.join(', ')} }` : '{}'} };`);
  });
  return true;
}
