// The backward pass derived by the compiler, for models with one input and one output whose layers
// have a backward rule (`LayerDef.backward`, in each layer's file: every layer of the library, the
// `step` activation aside, whose activation has no `derivative`; below the first layer with
// weights, any layer without weights): the compiler knows every layer and shape, so it writes forward and
// backward as straight-line tfjs-core code with no gradient tape. The model may be any graph of
// them (`let`, residual blocks, `repeat`, shared layers): the pass walks the layers from the output
// back, keeps one gradient per tensor, and sums what each reader of a tensor sends back (and a
// shared layer's weight gradients over its uses). Without a tape tfjs fuses conv2d + bias + relu
// (and matMul + bias + activation) into one kernel in the forward pass; each dense weight gradient
// is a matmul with an explicit transpose (the fast form on wasm), each conv or pooling gradient one
// kernel call (runtime/kernels/derived-backward.ts), dropout multiplies by the mask its forward
// pass drew from the runtime's dropout stream, batch norm keeps its batch statistics, the output
// layer's softmax/sigmoid is folded into the loss gradient, and nothing computes the gradient of a
// tensor that depends on no weight. Emitted as `lossAndGradients` unless compile() is told not to
// (`derivedBackward: false`); the training step uses it in place of the tape where it applies
// (runtime/derived-step.ts). tfjs's autodiff stays the oracle (test/derived-backward.test.ts,
// test/derived-conv.test.ts, test/derived-graph.test.ts).
import { activationByName } from '../layers/activations.js';
import type { ActivationValue, BackwardEmitter, LayerBackward } from '../layers/types.js';
import type { LayerNode, ModelIR } from '../ir.js';
import { gradLocal } from './backward-rules.js';
import type { RuntimeImports } from './imports.js';
import { modelFunctionScope } from './locals.js';
import { str, type CodeWriter } from './writer.js';

/** The rule that differentiates a node, if its layer has one. */
function ruleOf(node: LayerNode): LayerBackward | undefined {
  return node.def.backward;
}

/** The activation a node applies last: an activation layer's own, or the `activation:` of dense and conv. */
function activationOf(node: LayerNode): ActivationValue {
  const def = activationByName.get(node.def.name);
  if (def) return { kind: 'activation', name: def.name, alpha: (node.args['alpha'] as number | undefined) ?? def.alpha };
  const value = ruleOf(node)?.appliesActivation ? (node.args['activation'] as ActivationValue | undefined) : undefined;
  if (!value) return { kind: 'activation', name: 'linear' };
  return { ...value, alpha: value.alpha ?? activationByName.get(value.name)?.alpha };
}

/** The node whose weights a node uses: itself, or the node it shares them with. */
function ownerOf(model: ModelIR, node: LayerNode): LayerNode {
  return node.sharedWith ? model.nodes.find((n) => n.id === node.sharedWith && !n.sharedWith) ?? node : node;
}

/** Which tensors need a gradient, and the node that computes the output. */
interface GradientPlan {
  /** Locals of the tensors that depend on a trainable weight and reach the output: they need dL/d(tensor). */
  live: ReadonlySet<string>;
  output: LayerNode | undefined;
}

function gradientPlan(model: ModelIR): GradientPlan {
  const outputId = model.outputs[0]?.id;
  const reaches = new Set(outputId === undefined ? [] : [outputId]);
  for (const node of [...model.nodes].reverse()) {
    if (reaches.has(node.local)) for (const input of node.inputs) reaches.add(input.id);
  }
  // Below the first layer with weights (one_hot, a normalising layer) nothing needs a gradient.
  const dependent = new Set<string>();
  for (const node of model.nodes) {
    if (ownerOf(model, node).weights.some((wt) => wt.trainable) || node.inputs.some((i) => dependent.has(i.id))) dependent.add(node.local);
  }
  return { live: new Set([...dependent].filter((id) => reaches.has(id))), output: model.nodes.find((n) => n.local === outputId) };
}

/** Why this (live) layer has no derived gradient; null when it has one. */
function layerObstacle(node: LayerNode, plan: GradientPlan): string | null {
  const rule = ruleOf(node);
  if (rule === undefined) return `layer ${node.id} (${node.def.name}) has no derived gradient`;
  const own = rule.obstacle?.(node) ?? null;
  if (own !== null) return own;
  if (rule.inputs === undefined && node.inputs.some((i) => plan.live.has(i.id))) return `layer ${node.id} (${node.def.name}) reads ids computed from weights, which have no gradient`;
  const activation = activationOf(node);
  const def = activationByName.get(activation.name);
  if (def?.derivative === undefined) return `activation ${activation.name} of ${node.id}`;
  if (def.derivativeOnlyAtOutput && node !== plan.output) return `${activation.name} before the output layer`;
  // With a negative alpha the activation's sign no longer tells where its input was positive.
  if ((activation.alpha ?? 0) < 0) return `activation ${activation.name} of ${node.id} has a negative alpha`;
  return null;
}

/** Why the model's backward pass cannot be derived, or null when it can. */
export function derivedBackwardObstacle(model: ModelIR): string | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return 'not a single input and a single output';
  const plan = gradientPlan(model);
  if (plan.output === undefined) return 'the output is not computed by a layer';
  for (const node of model.nodes) {
    // A layer that needs no gradient only runs forward; lossAndGradients has no `training` flag, so
    // a layer that reads it needs a derived forward line (its training behaviour, written out).
    const obstacle = plan.live.has(node.local) ? layerObstacle(node, plan) : null;
    if (obstacle !== null) return obstacle;
    if (node.def.usesTraining && ruleOf(node)?.forward === undefined) return `layer ${node.id} (${node.def.name}) behaves differently in training and has no derived forward pass`;
  }
  return null;
}

/** dL/dz at the node's pre-activation: its output for layers without an activation. */
const delta = (node: LayerNode) => `d$${node.local}`;
const pooled = (node: LayerNode) => `dp$${node.local}`;

/**
 * dL/dz from dL/da (the expression `da`) through the node's activation, whose derivative is written
 * from its output: the node's own, or `output` where the caller has the same values elsewhere.
 */
function throughActivation(node: LayerNode, da: string, rt: RuntimeImports, output = node.local): string {
  const a = activationOf(node);
  // derivedBackwardObstacle has checked that every live node's activation has a derivative.
  return activationByName.get(a.name)!.derivative!(output, da, a.alpha, (name) => rt.use(name));
}

/** One layer's share of the gradient of a tensor it reads. */
interface Contribution {
  consumer: LayerNode;
  /** The consumer's dL/dz. */
  d: string;
  /** dL/d(the tensor) through this consumer. */
  expr: string;
}

/**
 * Emits dL/dz of a live node from what its readers contribute (summed where several read it),
 * returning its local and, where a max pooling alone reads it, the same gradient at the pooled size.
 */
function emitDelta(model: ModelIR, node: LayerNode, contributions: readonly Contribution[], e: BackwardEmitter): { d: string; pooled: string | null } {
  const { w, rt } = e;
  const named = (expr: string, dp: string | null = null) => {
    // A gradient passed on unchanged (an activation layer over a linear one, dropout at rate 0, a
    // residual add) gets no local of its own.
    if (/^[\w$]+$/.test(expr)) return { d: expr, pooled: dp };
    w.line(`const ${delta(node)} = ${expr};`);
    return { d: delta(node), pooled: dp };
  };
  const only = contributions.length === 1 ? contributions[0]! : undefined;
  if (only !== undefined && ruleOf(only.consumer)?.routesMaximum) {
    // A max pooling passes each window's gradient to the window's maximum, where the activation
    // below has the value the pooling output holds: so its derivative is taken at the pooled size,
    // then routed, and a bias gradient (a sum over every position) is the sum of that smaller
    // tensor. The same numbers as routing first, with a quarter of the work for 2×2 windows.
    const route = (d: string) => ruleOf(only.consumer)!.inputs!(only.consumer, d, e, [true])[0]!;
    const linear = activationOf(node).name === 'linear';
    const hasBias = ownerOf(model, node).weights.some((wt) => wt.trainable && wt.name === 'bias');
    if (hasBias && linear) return named(route(only.d), only.d);
    if (hasBias) {
      w.line(`const ${pooled(node)} = ${throughActivation(node, only.d, rt, only.consumer.local)};`);
      return named(route(pooled(node)), pooled(node));
    }
    if (!linear) return named(route(throughActivation(node, only.d, rt, only.consumer.local)));
  }
  const exprs = contributions.map((c) => c.expr);
  const sum = exprs.length === 1 ? exprs[0]! : exprs.length === 2 ? `tf.add(${exprs[0]}, ${exprs[1]})` : `tf.addN([${exprs.join(', ')}])`;
  return named(throughActivation(node, sum, rt));
}

/**
 * Emits `lossAndGradients` after `forward`; `emitForwardBody` writes the forward pass's own lines
 * (`const p = this.params;` and one `const` per layer, each layer written by `replace` where it
 * gives an expression), so both passes compute the same values. The backward pass walks the
 * layers from the output back (the IR's order is a valid forward order), one gradient per tensor,
 * the contributions of its readers summed.
 */
export function emitBackward(
  model: ModelIR,
  w: CodeWriter,
  rt: RuntimeImports,
  emitForwardBody: (replace?: (node: LayerNode) => string | undefined) => void,
): boolean {
  if (derivedBackwardObstacle(model) !== null) return false;
  const input = model.inputs[0]!;
  const plan = gradientPlan(model);
  const last = plan.output!;
  // Every local the function writes itself comes from its scope (codegen/locals.ts), where the
  // model's values already yield to them; the rules' own locals contain `$`, which no .nn name can.
  const scope = modelFunctionScope('lossAndGradients', model);
  const [p, yTrue, loss, out] = [scope.local('p'), scope.local('yTrue'), scope.local('loss'), scope.local('out')];
  const e: BackwardEmitter = { w, rt, weight: (node, name) => `${p}.${ownerOf(model, node).local}.${name}`, inputNeeded: (node) => node.inputs.some((i) => plan.live.has(i.id)) };
  w.line();
  w.line(`/**`);
  w.line(` * The loss, the prediction (as \`forward(x, true)\`) and the gradient of every trainable weight`);
  w.line(` * (keyed by its name in \`weights()\`), by the backward pass nnc derived: straight-line code, no`);
  w.line(` * gradient tape. Call it inside \`tf.tidy\`.`);
  w.line(` */`);
  w.block(`lossAndGradients(${input.id}: tf.Tensor, ${yTrue}: tf.Tensor, ${loss}: ${rt.useType('LossName')} | ${rt.useType('CustomLoss')}): { loss: tf.Scalar; prediction: tf.Tensor; gradients: Record<string, tf.Tensor> } {`, () => {
    emitForwardBody((node) => ruleOf(node)?.forward?.(node, e));
    const output = activationOf(last);
    const folded = activationByName.get(output.name)?.outputGradient === true;
    w.line(`// The loss and its gradient at the output layer's pre-activation${folded && output.name !== 'linear' ? ` (its ${output.name} folded in)` : ''}.`);
    w.line(`const ${out} = ${rt.use('outputGradient')}(${loss}, ${yTrue}, ${last.local}, ${str(folded ? output.name : 'linear')});`);
    // Each weight's gradient locals (several for a shared layer), by its name in weights().
    const byWeight = new Map<string, string[]>();
    const contributions = new Map<string, Contribution[]>();
    for (const node of [...model.nodes].reverse()) {
      if (!plan.live.has(node.local)) continue;
      // Each layer's block is labelled as the forward pass labels its line.
      w.line(`// ${w.origin(node.span) || node.id}: backward${node.sharedWith ? ` (the weights of ${node.sharedWith})` : ''}`);
      let d: string;
      let dp: string | null = null;
      if (node === last) {
        d = delta(last);
        w.line(`const ${d} = ${folded ? `${out}.dz` : throughActivation(last, `${out}.dz`, rt)};`);
      } else ({ d, pooled: dp } = emitDelta(model, node, contributions.get(node.local) ?? [], e));
      const rule = ruleOf(node)!;
      const owner = ownerOf(model, node);
      const trainable = owner.weights.filter((wt) => wt.trainable);
      if (trainable.length > 0) {
        const exprs = rule.weights!(node, d, e, owner.weights, dp);
        for (const wt of trainable) {
          w.line(`const ${gradLocal(node, wt.name)} = ${exprs[wt.name]};`);
          const key = `${owner.id}/${wt.name}`;
          byWeight.set(key, [...(byWeight.get(key) ?? []), gradLocal(node, wt.name)]);
        }
      }
      const needed = node.inputs.map((i) => plan.live.has(i.id));
      if (!needed.some(Boolean)) continue;
      rule.inputs!(node, d, e, needed).forEach((expr, k) => {
        if (expr === null) return;
        const id = node.inputs[k]!.id;
        // Readers in forward order, so sums read as the forward pass does.
        contributions.set(id, [{ consumer: node, d, expr }, ...(contributions.get(id) ?? [])]);
      });
    }
    // Listed in the order of weights(); a shared layer's gradient is the sum over its uses.
    const entries = model.nodes.filter((n) => !n.sharedWith).flatMap((n) =>
      n.weights.filter((wt) => wt.trainable).map((wt) => {
        const locals = [...(byWeight.get(`${n.id}/${wt.name}`) ?? [])].reverse();
        const value = locals.length === 0 ? `tf.zerosLike(${p}.${n.local}.${wt.name})` : locals.length === 1 ? locals[0]! : locals.length === 2 ? `tf.add(${locals[0]}, ${locals[1]})` : `tf.addN([${locals.join(', ')}])`;
        return `${str(`${n.id}/${wt.name}`)}: ${value}`;
      }),
    );
    w.line(`return { loss: ${out}.loss, prediction: ${last.local}, gradients: ${entries.length > 0 ? `{ ${entries.join(', ')} }` : '{}'} };`);
  });
  return true;
}
