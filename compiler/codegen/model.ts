// Emits one model as a class: weights as tf.Variables created from seeded initialisers, a
// straight-line forward pass, and typed predict/train/evaluate/save/load.
import { num } from '../layers/activations.js';
import type { LayerNode, ModelIR } from '../ir.js';
import { showShape, type Dim } from '../shapes/dim.js';
import { emitBackward } from './backward.js';
import type { RuntimeImports } from './imports.js';
import { FunctionScope, modelFunctionScope, nameModelValues } from './locals.js';
import { commentText, str, type CodeWriter } from './writer.js';

export function shapeLiteral(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d.kind === 'const' ? String(d.value) : 'null')).join(', ')}]`;
}

function tensorType(rank: number): string {
  return rank >= 1 && rank <= 6 ? `tf.Tensor${rank}D` : 'tf.Tensor';
}

/**
 * An expression typed by the rank the checker inferred (`… as tf.Tensor4D`), so its local is
 * rank-typed and later lines need no casts; tsc rejects it where tfjs's own types know another rank.
 */
function ranked(expr: string, rank: number): string {
  const type = tensorType(rank);
  return type === 'tf.Tensor' ? expr : `${expr} as ${type}`;
}

function nestedArrayType(rank: number): string {
  return 'number' + '[]'.repeat(rank);
}

/** What an app may pass for a tensor of this rank: a tensor typed by it, or nested arrays of its depth. */
function valueType(rank: number): string {
  return `${tensorType(rank)} | ${nestedArrayType(rank)}`;
}

/**
 * The base class of a one-input, one-output model. Its `train`/`evaluate` take tables (and 2-D
 * samples) only where the input is a table row; other models take samples of their own ranks.
 */
function trainableBase(model: ModelIR, rt: RuntimeImports): string {
  const [input, output] = [model.inputs[0]!, model.outputs[0]!];
  if (input.shape.length === 2) return rt.use('GeneratedTrainableModel');
  return `${rt.use('GeneratedTrainableModel')}<${rt.useType('TensorData')}<${valueType(input.shape.length)}, ${valueType(output.shape.length)}>>`;
}

/** The forward pass's flag is named `training` only where a layer reads it (else tsc's noUnusedParameters objects). */
function trainingParam(model: ModelIR, scope: FunctionScope<'forward'> | FunctionScope<'forwardAll'>): string {
  return model.nodes.some((n) => n.def.usesTraining) ? scope.local('training') : scope.local('_training');
}

/**
 * What a layer's line says about it: the source line it comes from (`chain.nn:5 dense(8)`), its
 * shape, and whose weights a shared layer uses. Without the source, the layer's id.
 */
function layerComment(node: LayerNode, w: CodeWriter): string {
  const origin = w.origin(node.span) || node.id;
  return `${origin}: ${showShape(node.shape)}${node.sharedWith ? ` (the weights of ${node.sharedWith})` : ''}`;
}

/** The local of the node whose weights a node uses (itself, or the node it shares them with). */
function weightOwner(model: ModelIR, node: LayerNode): LayerNode {
  return node.sharedWith ? model.nodes.find((n) => n.id === node.sharedWith && !n.sharedWith) ?? node : node;
}

export function emitModel(checked: ModelIR, className: string, w: CodeWriter, rt: RuntimeImports, derivedBackward = false): void {
  // Code generation names the values: clear of every local the methods write and of the class.
  const model = nameModelValues(checked, [className]);
  const single = model.inputs.length === 1 && model.outputs.length === 1;
  const owners = model.nodes.filter((n) => n.weights.length > 0);
  const signature = `${model.inputs.map((i) => `${commentText(i.name)} ${showShape(i.shape)}`).join(', ')} -> ${model.outputs.map((o) => showShape(o.shape)).join(', ')}`;

  w.line(`export interface ${className}Options {`);
  w.line(`  /** Seed for the initial weights; the same seed gives the same weights on every backend. */`);
  w.line(`  seed?: number;`);
  w.line(`}`);
  w.line();
  if (!single) {
    w.line(`/** Inputs of \`${commentText(model.name)}\`, by name. */`);
    w.block(`export interface ${className}Inputs {`, () => model.inputs.forEach((i) => w.line(`${i.name}: ${valueType(i.shape.length)}; // ${showShape(i.shape)}`)));
    w.line();
    // A type alias, not an interface: tf.tidy returns only types with an (implicit) index signature.
    w.line(`/** Outputs of \`${commentText(model.name)}\`, by name. */`);
    w.block(`export type ${className}Outputs = {`, () => model.outputs.forEach((o) => w.line(`${o.name}: ${tensorType(o.shape.length)}; // ${showShape(o.shape)}`)), '};');
    w.line();
  }
  w.line(`/**`);
  w.line(` * Model \`${commentText(model.name)}\`${w.originLine(model.span)}: ${signature}, ${model.paramCount} parameters.`);
  w.line(` */`);
  // Saving, loading, freeing, and (one input, one output) train/evaluate come from the runtime's
  // base classes: the class holds only what is particular to this network.
  w.block(`export class ${className} extends ${single ? trainableBase(model, rt) : rt.use('GeneratedModel')} {`, () => {
    w.line(`override readonly modelName = ${str(model.name)};`);
    if (single) {
      const input = model.inputs[0]!;
      const output = model.outputs[0]!;
      w.line(`/** Shape of the input \`${commentText(input.name)}\` ${showShape(input.shape)}; \`null\` marks a symbolic dimension. */`);
      w.line(`static readonly inputShape: readonly (number | null)[] = ${shapeLiteral(input.shape)};`);
      w.line(`/** Shape of the output ${showShape(output.shape)}. */`);
      w.line(`static readonly outputShape: readonly (number | null)[] = ${shapeLiteral(output.shape)};`);
    } else {
      w.line(`/** Shapes of the inputs; \`null\` marks a symbolic dimension. */`);
      w.line(`static readonly inputShapes: Readonly<Record<keyof ${className}Inputs, readonly (number | null)[]>> = { ${model.inputs.map((i) => `${i.name}: ${shapeLiteral(i.shape)}`).join(', ')} };`);
    }
    w.line(`static readonly paramCount = ${model.paramCount};`);
    if (owners.length === 0) w.line(`readonly params = {};`);
    else
      w.block(`readonly params: {`, () => {
        for (const node of owners) w.line(`readonly ${node.local}: { ${node.weights.map((wt) => `readonly ${wt.name}: tf.Variable`).join('; ')} };`);
      }, '};');
    w.line();
    const ctor = new FunctionScope('modelConstructor');
    const options = ctor.local('options');
    const seed = ctor.local('seed');
    w.block(`constructor(${options}: ${className}Options = {}) {`, () => {
      w.line(`super();`);
      w.line(`${rt.use('requireBackend')}();`);
      const anyRandom = owners.some((n) => n.weights.some((wt) => !wt.values && (wt.init === 'glorot_uniform' || wt.init === 'orthogonal' || wt.init === 'random_uniform')));
      if (anyRandom) w.line(`const ${seed} = ${options}.seed ?? ${rt.use('DEFAULT_SEED')};`);
      else w.line(`void ${options};`);
      if (owners.length > 0)
        w.block(`this.params = {`, () => {
          for (const node of owners) {
            const origin = w.origin(node.span);
            w.block(`${node.local}: {${origin ? ` // ${origin}` : ''}`, () => {
              for (const wt of node.weights) w.line(`${wt.name}: ${rt.use('variable')}(${initializer(node.id, wt, rt, seed)}, ${wt.trainable}),`);
            }, '},');
          }
        }, '};');
    });
    w.line();
    // `replace` lets the derived backward pass write a layer its own way (dropout keeps its mask).
    const emitBody = (scope: FunctionScope<'forward'> | FunctionScope<'forwardAll'> | FunctionScope<'lossAndGradients'>, replace?: (node: LayerNode) => string | undefined) => {
      const p = scope.local('p');
      if (owners.length > 0) w.line(`const ${p} = this.params;`);
      for (const node of model.nodes) {
        if (node.weightsOnly) continue; // its result reaches no output: nothing reads it
        const owner = weightOwner(model, node);
        const expr = replace?.(node) ?? node.def.emit({
          input: node.input.id,
          inputs: node.inputs.map((i) => i.id),
          args: node.args,
          inputShape: node.input.shape,
          outputShape: node.shape,
          weight: (name) => `${p}.${owner.local}.${name}`,
          runtime: (name) => rt.use(name),
          training: 'training',
          id: node.id,
          origin: w.origin(node.span),
        });
        w.line(`const ${node.local} = ${ranked(expr, node.shape.length)}; // ${layerComment(node, w)}`);
      }
    };
    if (single) {
      const input = model.inputs[0]!;
      const output = model.outputs[0]!;
      const forward = modelFunctionScope('forward', model);
      w.line(`/** The forward pass for one batch; call it inside \`tf.tidy\`. */`);
      // Typed by the output's rank where a layer computes it (the input itself is a plain tf.Tensor).
      const returns = model.nodes.some((n) => n.local === output.id) ? tensorType(output.shape.length) : 'tf.Tensor';
      w.block(`override forward(${input.id}: tf.Tensor, ${trainingParam(model, forward)} = false): ${returns} {`, () => {
        emitBody(forward);
        w.line(`return ${output.id};`);
      });
      if (derivedBackward) emitBackward(model, w, rt, (replace) => emitBody(modelFunctionScope('lossAndGradients', model), replace));
      w.line();
      const predict = modelFunctionScope('predict', model);
      const [t, y] = [predict.local('t'), predict.local('y')];
      w.line(`/** Predicts a batch. \`${commentText(input.name)}\` is ${showShape(input.shape)}: a tensor or nested arrays. The caller disposes the result. */`);
      w.block(`predict(${input.id}: ${valueType(input.shape.length)}): ${tensorType(output.shape.length)} {`, () => {
        w.line(`const ${t} = ${rt.use('toInputTensor')}(${input.id}, ${className}.inputShape, ${str(input.name)});`);
        w.line(`const ${y} = tf.tidy(() => this.forward(${t}, false));`);
        w.line(`return ${rt.use('settlePrediction')}(${y}, [${t}], [${input.id}]) as ${tensorType(output.shape.length)};`);
      });
    } else {
      const forwardAll = modelFunctionScope('forwardAll', model);
      const inputs = forwardAll.local('inputs');
      w.line(`/** The forward pass for one batch of every input; call it inside \`tf.tidy\`. */`);
      w.block(`forwardAll(${inputs}: Record<keyof ${className}Inputs, tf.Tensor>, ${trainingParam(model, forwardAll)} = false): ${className}Outputs {`, () => {
        for (const i of model.inputs) w.line(`const ${i.id} = ${ranked(`${inputs}.${i.name}`, i.shape.length)};`);
        emitBody(forwardAll);
        w.line(`return { ${model.outputs.map((o) => `${o.name}: ${o.id}`).join(', ')} };`);
      });
      w.line();
      const predict = modelFunctionScope('predict', model);
      const [given, ts, y] = [predict.local('inputs'), predict.local('ts'), predict.local('y')];
      w.line(`/** Predicts a batch: each input a tensor or nested arrays. The caller disposes the results. */`);
      w.block(`predict(${given}: ${className}Inputs): ${className}Outputs {`, () => {
        w.line(`const ${ts} = ${rt.use('toInputTensors')}(${given}, ${className}.inputShapes);`);
        w.line(`const ${y} = tf.tidy(() => this.forwardAll(${ts}, false)) as ${className}Outputs;`);
        w.line(`return ${rt.use('settlePrediction')}(${y}, [${model.inputs.map((i) => `${ts}.${i.name}`).join(', ')}], [${model.inputs.map((i) => `${given}.${i.name}`).join(', ')}]);`);
      });
    }
    w.line();
    w.line(`/** Every weight with its stable name, in a fixed order. */`);
    w.block(`override weights(): ${rt.useType('NamedWeight')}[] {`, () => {
      const all = owners.flatMap((n) => n.weights.map((wt) => `{ name: ${str(`${n.id}/${wt.name}`)}, variable: this.params.${n.local}.${wt.name}, regularized: ${wt.regularized} }`));
      if (all.length === 0) w.line('return [];');
      else w.block('return [', () => all.forEach((entry) => w.line(`${entry},`)), '];');
    });
  });
}

function initializer(layerId: string, wt: { name: string; shape: number[]; init: string; values?: number[] }, rt: RuntimeImports, seed: string): string {
  const shape = `[${wt.shape.join(', ')}]`;
  if (wt.values) return `tf.tensor([${wt.values.map(num).join(', ')}], ${shape})`;
  switch (wt.init) {
    case 'glorot_uniform':
      return `${rt.use('glorotUniform')}(${shape}, ${rt.use('deriveSeed')}(${seed}, ${str(`${layerId}/${wt.name}`)}))`;
    case 'orthogonal':
      return `${rt.use('orthogonal')}(${shape}, ${rt.use('deriveSeed')}(${seed}, ${str(`${layerId}/${wt.name}`)}))`;
    case 'random_uniform':
      return `${rt.use('randomUniform')}(${shape}, ${rt.use('deriveSeed')}(${seed}, ${str(`${layerId}/${wt.name}`)}), -0.05, 0.05)`;
    case 'ones':
      return `${rt.use('ones')}(${shape})`;
    default:
      return `${rt.use('zeros')}(${shape})`;
  }
}
