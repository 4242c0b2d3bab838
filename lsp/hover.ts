// Hover: what the name under the cursor is, and what the checker knows about it: a value's shape,
// a layer's arguments, output shape, parameter count, FLOPs and documentation, a model's totals.
import type { Hover } from 'vscode-languageserver';
import type { LayerNode, ModelIR } from '../compiler/ir.js';
import { layerByName } from '../compiler/layers/registry.js';
import { activationByName } from '../compiler/layers/activations.js';
import { showShape } from '../compiler/shapes/dim.js';
import { modelAt, nodesOfCall, type Analysis } from './analysis.js';
import { flopsPerExample, formatCount, modelFlopsPerExample } from './metrics.js';
import { walk, type AstNode } from './ast-walk.js';
import { toRange } from './ranges.js';
import { occurrenceAt, type Occurrence } from './symbols.js';
import { describeParam, settingDocs, showArg, signatureLabel, training } from './vocabulary.js';

export function hover(a: Analysis, offset: number): Hover | null {
  const o = occurrenceAt(a.index, offset);
  if (!o) return null;
  const text = describe(a, o);
  return text ? { contents: { kind: 'markdown', value: text }, range: toRange(a.lines, o.span) } : null;
}

function code(text: string): string {
  return '```nn\n' + text + '\n```';
}

function describe(a: Analysis, o: Occurrence): string | undefined {
  switch (o.kind) {
    case 'layer':
    case 'model': {
      const nodes = o.call ? nodesOfCall(a, o.call.span) : [];
      if (nodes.length > 0 && o.kind === 'model') return describeBlockCall(o.name, nodes);
      if (nodes.length > 0) return describeLayerNodes(nodes);
      if (o.kind === 'layer') {
        const def = layerByName.get(o.name);
        return def ? `${code(signatureLabel(def))}\n\n${def.doc}` : undefined;
      }
      const model = a.result.program.models.find((m) => m.name === o.name);
      if (model) return describeModel(model);
      return `${code(`${(a.index.topLevel.get(o.name)?.kind as string | undefined) ?? 'model'} ${o.name}`)}`;
    }
    case 'value': {
      // A shared layer (`layer shared = dense(8)`) applied by name: the application it made here.
      const applied = nodesOfCall(a, o.span);
      if (applied.length > 0) return `(shared layer \`${o.name}\`)\n\n${describeLayerNodes(applied)}`;
      const statement = definingStatement(a, o);
      if (statement?.kind === 'layer') {
        const value = statement['value'] as { span: { start: number; end: number } } | undefined;
        return code(`(shared layer) ${o.name} = ${value ? a.text.slice(value.span.start, value.span.end) : '…'}`) + '\n\nA layer instance: every use applies the same weights.';
      }
      if (o.decl.kind === 'block') return `${code(`${o.name}`)}\n\nA value inside block \`${(o.decl['name'] as { name?: string } | undefined)?.name ?? ''}\`: its shape is set by each use of the block.`;
      const shape = valueShape(a, o);
      return `${code(`${o.name}: ${shape ? showShape(shape) : 'unknown shape'}`)}\n\nfloat32 tensor`;
    }
    case 'param':
      return code(`(block parameter) ${o.name}`);
    case 'dim': {
      const uses = a.index.occurrences.filter((x) => x.symbol === o.symbol).length;
      return `${code(`(dimension) ${o.name}`)}\n\nA symbolic size: any value, the same wherever \`${o.name}\` appears in this declaration (${uses} use${uses === 1 ? '' : 's'}).`;
    }
    case 'data': {
      const data = a.result.program.data.find((d) => d.name === o.name);
      if (!data) return code(`data ${o.name}`);
      return `${code(`data ${data.name}: ${data.x.length} rows`)}\n\nfeatures: ${data.features.join(', ')} → labels: ${data.labels.join(', ') || '(none)'}\n\nx: [${data.x.length}, ${data.features.length}], y: [${data.y.length}, ${data.labels.length}]`;
    }
    case 'activation': {
      const def = activationByName.get(o.name);
      return def ? `${code(`(activation) ${def.name}`)}\n\n${def.doc}` : undefined;
    }
    case 'argument': {
      const callee = o.call ? (o.call['callee'] as { name?: string } | undefined)?.name : undefined;
      const param = callee ? layerByName.get(callee)?.params.find((p) => p.name === o.name) : undefined;
      return param ? `${code(`(argument of ${callee}) ${describeParam(param)}`)}\n\n${param.doc}` : undefined;
    }
    case 'setting': {
      const doc = settingDocs[o.name];
      return code(`(training setting) ${o.name}`) + (doc ? `\n\n${doc}` : '');
    }
    case 'name': {
      const vocab = training();
      if (vocab.losses.includes(o.name)) return code(`(loss) ${o.name}`);
      if (Object.hasOwn(vocab.optimizers, o.name)) return `${code(`(optimizer) ${o.name}`)}\n\nsettings: ${vocab.optimizers[o.name]!.map((s) => `\`${s}\``).join(', ')}`;
      if (vocab.metrics.includes(o.name)) return code(`(metric) ${o.name}`);
      const output = modelAt(a, o.span.start)?.outputs.find((x) => x.name === o.name);
      return output ? code(`(output) ${o.name}: ${showShape(output.shape)}`) : undefined;
    }
  }
}

/** The `input`, `let` or `layer` statement that defines a value. */
function definingStatement(a: Analysis, o: Occurrence): AstNode | undefined {
  const def = a.index.occurrences.find((x) => x.symbol === o.symbol && x.definition);
  if (!def) return undefined;
  let found: AstNode | undefined;
  walk(o.decl, ({ node }) => {
    const name = node['name'] as { span?: { start: number } } | undefined;
    if (typeof node.kind === 'string' && name?.span?.start === def.span.start) found = node;
  });
  return found;
}

function valueShape(a: Analysis, o: Occurrence) {
  const model = modelAt(a, o.span.start);
  if (!model) return undefined;
  const input = model.inputs.find((i) => i.name === o.name);
  if (input) return input.shape;
  const bound = model.nodes.filter((n) => n.boundName === o.name);
  return bound[bound.length - 1]?.shape;
}

function describeLayerNodes(nodes: LayerNode[]): string {
  const node = nodes[nodes.length - 1]!;
  const def = node.def;
  const args = def.params
    .filter((p) => node.args[p.name] !== undefined)
    .map((p) => `${p.name}: ${showArg(node.args[p.name])}`)
    .join(', ');
  const lines = [code(`${def.name}(${args}) → ${showShape(node.shape)}`)];
  const facts = [`**output** \`${showShape(node.shape)}\` (input \`${showShape(node.input.shape)}\`)`, `**parameters** ${formatCount(node.paramCount)}`];
  if (node.weights.length) facts.push(`**weights** ${node.weights.map((w) => `${w.name} [${w.shape.join(', ')}]`).join(', ')}`);
  const flops = flopsPerExample(node);
  if (flops !== undefined) facts.push(`**FLOPs per example** ${formatCount(flops)}`);
  if (nodes.length > 1) facts.push(`applied ${nodes.length} times`);
  lines.push(facts.join('  \n'));
  lines.push(def.doc);
  if (def.params.length) lines.push(def.params.map((p) => `- \`${describeParam(p)}\`: ${p.doc}`).join('\n'));
  return lines.join('\n\n');
}

function describeBlockCall(name: string, nodes: LayerNode[]): string {
  const params = nodes.reduce((n, x) => n + x.paramCount, 0);
  const flops = nodes.reduce<number | undefined>((n, x) => (n === undefined || flopsPerExample(x) === undefined ? undefined : n + flopsPerExample(x)!), 0);
  const instances = new Set(nodes.map((n) => n.scope?.split('/')[0])).size;
  const layerCount = instances > 1 ? `${nodes.length / instances} per instance, ${instances} instances (each with its own weights)` : String(nodes.length);
  const facts = [`**output** \`${showShape(nodes[nodes.length - 1]!.shape)}\``, `**layers** ${layerCount}`, `**parameters** ${formatCount(params)}`];
  if (flops !== undefined) facts.push(`**FLOPs per example** ${formatCount(flops)}`);
  return `${code(`block ${name} → ${showShape(nodes[nodes.length - 1]!.shape)}`)}\n\n${facts.join('  \n')}`;
}

export function describeModel(model: ModelIR): string {
  const inputs = model.inputs.map((i) => `${i.name}: ${showShape(i.shape)}`).join(', ');
  const outputs = model.outputs.map((o) => showShape(o.shape)).join(', ');
  const total = modelFlopsPerExample(model);
  const facts = [
    `**layers** ${model.nodes.length}`,
    `**parameters** ${formatCount(model.paramCount)} (${formatCount(model.trainableParamCount)} trainable)`,
    ...(total !== undefined ? [`**FLOPs per example** ${formatCount(total)}`] : []),
  ];
  return `${code(`model ${model.name}(${inputs}) → ${outputs || '?'}`)}\n\n${facts.join('  \n')}${model.complete ? '' : '\n\n(has errors: totals are partial)'}`;
}
