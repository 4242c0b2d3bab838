// Emits one model as a class: weights as tf.Variables created from seeded initialisers, a
// straight-line forward pass, and typed predict/train/evaluate/save/load.
import { num } from '../layers/activations.js';
import type { ModelIR } from '../ir.js';
import { showShape, type Dim } from '../shapes/dim.js';
import type { RuntimeImports } from './imports.js';
import { commentText, str, type CodeWriter } from './writer.js';

export function shapeLiteral(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d.kind === 'const' ? String(d.value) : 'null')).join(', ')}]`;
}

function tensorType(rank: number): string {
  return rank >= 1 && rank <= 6 ? `tf.Tensor${rank}D` : 'tf.Tensor';
}

function nestedArrayType(rank: number): string {
  return 'number' + '[]'.repeat(rank);
}

export function emitModel(model: ModelIR, className: string, w: CodeWriter, rt: RuntimeImports): void {
  const input = model.inputs[0]!;
  const output = model.outputs[0]!;

  w.line(`export interface ${className}Options {`);
  w.line(`  /** Seed for the initial weights; the same seed gives the same weights on every backend. */`);
  w.line(`  seed?: number;`);
  w.line(`}`);
  w.line();
  w.line(`/**`);
  w.line(` * Model \`${commentText(model.name)}\`: ${commentText(input.name)} ${showShape(input.shape)} -> ${showShape(output.shape)}, ${model.paramCount} parameters.`);
  w.line(` */`);
  w.block(`export class ${className} implements ${rt.useType('TrainableModel')} {`, () => {
    w.line(`readonly modelName = ${str(model.name)};`);
    w.line(`/** Shape of the input \`${commentText(input.name)}\` ${showShape(input.shape)}; \`null\` marks a symbolic dimension. */`);
    w.line(`static readonly inputShape: readonly (number | null)[] = ${shapeLiteral(input.shape)};`);
    w.line(`/** Shape of the output ${showShape(output.shape)}. */`);
    w.line(`static readonly outputShape: readonly (number | null)[] = ${shapeLiteral(output.shape)};`);
    w.line(`static readonly paramCount = ${model.paramCount};`);
    w.block(`readonly params: {`, () => {
      for (const node of model.nodes) {
        if (node.weights.length === 0) continue;
        w.line(`readonly ${node.id}: { ${node.weights.map((wt) => `readonly ${wt.name}: tf.Variable`).join('; ')} };`);
      }
    }, '};');
    w.line();
    w.block(`constructor(options: ${className}Options = {}) {`, () => {
      w.line(`${rt.use('requireBackend')}();`);
      const anyRandom = model.nodes.some((n) => n.weights.some((wt) => !wt.values && wt.init === 'glorot_uniform'));
      if (anyRandom) w.line(`const seed = options.seed ?? ${rt.use('DEFAULT_SEED')};`);
      else w.line(`void options;`);
      w.block(`this.params = {`, () => {
        for (const node of model.nodes) {
          if (node.weights.length === 0) continue;
          w.block(`${node.id}: {`, () => {
            for (const wt of node.weights) w.line(`${wt.name}: tf.variable(${initializer(node.id, wt, rt)}, ${wt.trainable}),`);
          }, '},');
        }
      }, '};');
    });
    w.line();
    w.line(`/** The forward pass for one batch; call it inside \`tf.tidy\`. */`);
    w.block(`forward(${input.id}: tf.Tensor, _training = false): tf.Tensor {`, () => {
      if (model.nodes.some((n) => n.weights.length > 0)) w.line(`const p = this.params;`);
      for (const node of model.nodes) {
        const expr = node.def.emit({
          input: node.input.id,
          args: node.args,
          inputShape: node.input.shape,
          outputShape: node.shape,
          weight: (name) => `p.${node.id}.${name}`,
          runtime: (name) => rt.use(name),
        });
        w.line(`const ${node.local} = ${expr}; // ${node.id}: ${showShape(node.shape)}`);
      }
      w.line(`return ${output.id};`);
    });
    w.line();
    const rank = input.shape.length;
    w.line(`/** Predicts a batch. \`${commentText(input.name)}\` is ${showShape(input.shape)}: a tensor or nested arrays. The caller disposes the result. */`);
    w.block(`predict(${input.id}: tf.Tensor | ${nestedArrayType(rank)}): ${tensorType(output.shape.length)} {`, () => {
      w.line(`const t = ${rt.use('toInputTensor')}(${input.id}, ${className}.inputShape, ${str(input.name)});`);
      w.line(`const y = tf.tidy(() => this.forward(t, false));`);
      w.line(`if (t !== ${input.id}) t.dispose();`);
      w.line(`return y as ${tensorType(output.shape.length)};`);
    });
    w.line();
    w.line(`/** Trains on a table of samples as \`plan\` says; resolves with the per-epoch history. */`);
    w.block(`train(data: ${rt.useType('TableData')}, plan: ${rt.useType('TrainPlan')}, options: ${rt.useType('FitOptions')} = {}): Promise<${rt.useType('History')}> {`, () => {
      w.line(`return ${rt.use('fit')}(this, data, plan, options);`);
    });
    w.line();
    w.line(`/** Loss and metrics of the model on a table of samples. */`);
    w.block(`evaluate(data: ${rt.useType('TableData')}, plan: ${rt.useType('TrainPlan')}): Record<string, number> {`, () => {
      w.line(`return ${rt.use('evaluate')}(this, data, plan);`);
    });
    w.line();
    w.line(`/** Writes the weights to \`dir\` (weights.json + weights.bin), atomically. */`);
    w.block(`save(dir: string): Promise<void> {`, () => w.line(`return ${rt.use('saveWeights')}(this, dir);`));
    w.line();
    w.line(`/** Reads weights written by \`save\`; names and shapes must match. */`);
    w.block(`load(dir: string): Promise<void> {`, () => w.line(`return ${rt.use('loadWeights')}(this, dir);`));
    w.line();
    w.line(`/** Every weight with its stable name, in a fixed order. */`);
    w.block(`weights(): ${rt.useType('NamedWeight')}[] {`, () => {
      const all = model.nodes.flatMap((n) => n.weights.map((wt) => `{ name: ${str(`${n.id}/${wt.name}`)}, variable: this.params.${n.id}.${wt.name} }`));
      if (all.length === 0) w.line('return [];');
      else w.block('return [', () => all.forEach((entry) => w.line(`${entry},`)), '];');
    });
    w.line();
    w.line(`/** Frees the weights' memory. */`);
    w.block(`dispose(): void {`, () => w.line(`for (const { variable } of this.weights()) variable.dispose();`));
  });
}

function initializer(layerId: string, wt: { name: string; shape: number[]; init: string; values?: number[] }, rt: RuntimeImports): string {
  const shape = `[${wt.shape.join(', ')}]`;
  if (wt.values) return `tf.tensor([${wt.values.map(num).join(', ')}], ${shape})`;
  switch (wt.init) {
    case 'glorot_uniform':
      return `${rt.use('glorotUniform')}(${shape}, ${rt.use('deriveSeed')}(seed, ${str(`${layerId}/${wt.name}`)}))`;
    case 'ones':
      return `${rt.use('ones')}(${shape})`;
    default:
      return `${rt.use('zeros')}(${shape})`;
  }
}
