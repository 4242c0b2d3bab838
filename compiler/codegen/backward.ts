// The backward pass derived by the compiler, for models that are a chain of dense layers: the
// compiler knows every layer and shape, so it writes forward and backward as straight-line
// tfjs-core code with no gradient tape, each weight gradient a matmul with an explicit transpose
// (the fast form on wasm) and the output layer's softmax/sigmoid folded into the loss gradient.
// Emitted as `lossAndGradients` unless compile() is told not to (`derivedBackward: false`); the
// training step uses it in place of the tape where it applies (runtime/derived-step.ts). tfjs's
// autodiff stays the oracle (test/derived-backward.test.ts).
import type { ActivationValue } from '../layers/types.js';
import type { LayerNode, ModelIR } from '../ir.js';
import type { RuntimeImports } from './imports.js';
import { str, type CodeWriter } from './writer.js';

const SUPPORTED = new Set(['linear', 'relu', 'sigmoid', 'tanh', 'softmax']);

/** Why the model's backward pass cannot be derived, or null when it can. */
export function derivedBackwardObstacle(model: ModelIR): string | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || model.nodes.length === 0) return 'not a single chain';
  let previous = model.inputs[0]!.id;
  for (const [i, node] of model.nodes.entries()) {
    if (node.def.name !== 'dense') return `layer ${node.id} is not dense`;
    if (node.inputs.length !== 1 || node.input.id !== previous || node.sharedWith) return 'not a single chain';
    if (node.input.shape.length !== 2) return `layer ${node.id} has an input of rank ${node.input.shape.length}`;
    const activation = (node.args['activation'] as ActivationValue).name;
    if (!SUPPORTED.has(activation)) return `activation ${activation} of ${node.id}`;
    if (activation === 'softmax' && i !== model.nodes.length - 1) return 'softmax before the output layer';
    previous = node.local;
  }
  return model.outputs[0]!.id === previous ? null : 'not a single chain';
}

function activationOf(node: LayerNode): string {
  return (node.args['activation'] as ActivationValue).name;
}

/** `$` cannot occur in a .nn name, so these locals never collide with the forward pass's. */
const grad = (node: LayerNode, weight: string) => `g$${node.local}$${weight}`;
const delta = (node: LayerNode) => `d$${node.local}`;

/**
 * Emits `lossAndGradients` after `forward`; `emitForwardBody` writes the forward pass's own lines
 * (`const p = this.params;` and one `const` per layer), so both passes compute the same values.
 */
export function emitBackward(model: ModelIR, w: CodeWriter, rt: RuntimeImports, emitForwardBody: () => void): boolean {
  if (derivedBackwardObstacle(model) !== null) return false;
  const input = model.inputs[0]!;
  const nodes = model.nodes;
  const last = nodes[nodes.length - 1]!;
  w.line();
  w.line(`/**`);
  w.line(` * The loss, the prediction (as \`forward(x, true)\`) and the gradient of every trainable weight`);
  w.line(` * (keyed by its name in \`weights()\`), by the backward pass nnc derived: straight-line code, no`);
  w.line(` * gradient tape. Call it inside \`tf.tidy\`.`);
  w.line(` */`);
  w.block(`lossAndGradients(${input.id}: tf.Tensor, yTrue: tf.Tensor, loss: ${rt.useType('LossName')}): { loss: tf.Scalar; prediction: tf.Tensor; gradients: Record<string, tf.Tensor> } {`, () => {
    emitForwardBody();
    w.line(`const out = ${rt.use('outputGradient')}(loss, yTrue, ${last.local}, ${str(activationOf(last))});`);
    w.line(`const ${delta(last)} = out.dz;`);
    // Filled from the output back; listed in the order of weights() at the end.
    const entries: string[][] = [];
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      const d = delta(node);
      const own: string[] = [];
      for (const wt of node.weights) {
        if (!wt.trainable) continue;
        const g = grad(node, wt.name);
        if (wt.name === 'kernel') w.line(`const ${g} = tf.matMul(tf.transpose(${node.input.id}), ${d});`);
        else w.line(`const ${g} = tf.sum(${d}, 0);`);
        own.push(`${str(`${node.id}/${wt.name}`)}: ${g}`);
      }
      entries.unshift(own);
      if (i === 0) break;
      const below = nodes[i - 1]!;
      const da = `tf.matMul(${d}, tf.transpose(p.${node.local}.kernel))`;
      w.line(`const ${delta(below)} = ${rt.use('activationBackward')}(${str(activationOf(below))}, ${below.local}, ${da});`);
    }
    w.line(`return { loss: out.loss, prediction: ${last.local}, gradients: { ${entries.flat().join(', ')} } };`);
  });
  return true;
}
