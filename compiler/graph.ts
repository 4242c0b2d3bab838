// `nnc graph`: a model as a Graphviz DOT graph — layers as boxes with their output shapes, edges
// for data flow, block instances as nested clusters. Pure text; the CLI lays it out with Graphviz.
import type { LayerNode, ModelIR } from './ir.js';
import { showShape } from './shapes/dim.js';

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Cluster {
  name: string;
  nodes: LayerNode[];
  children: Map<string, Cluster>;
}

export function modelToDot(model: ModelIR): string {
  const lines: string[] = [];
  lines.push(`digraph ${quote(model.name)} {`);
  lines.push('  graph [rankdir=TB, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.35, labelloc=t];');
  lines.push('  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, color="#4a5568", fillcolor="#edf2f7"];');
  lines.push('  edge [color="#718096", arrowsize=0.6];');
  lines.push(`  label=${quote(`${model.name} — ${model.paramCount.toLocaleString('en-US')} parameters`)};`);

  const valueNode = new Map<string, string>();
  for (const [i, input] of model.inputs.entries()) {
    const id = `in${i}`;
    valueNode.set(input.id, id);
    lines.push(`  ${id} [label=<<b>${html(input.name)}</b><br/>${html(showShape(input.shape))}>, fillcolor="#c6f6d5", color="#2f855a"];`);
  }

  // Group nodes by their block scope path (`a/b/c` → nested clusters).
  const root: Cluster = { name: '', nodes: [], children: new Map() };
  model.nodes.forEach((node, i) => {
    valueNode.set(node.local, `n${i}`);
    let cluster = root;
    const parts = node.scope ? node.scope.split('/') : [];
    let path = '';
    for (const part of parts) {
      path = path ? `${path}/${part}` : part;
      if (!cluster.children.has(path)) cluster.children.set(path, { name: path, nodes: [], children: new Map() });
      cluster = cluster.children.get(path)!;
    }
    cluster.nodes.push(node);
  });

  let clusterCount = 0;
  const emitCluster = (cluster: Cluster, indent: string): void => {
    for (const node of cluster.nodes) {
      const i = model.nodes.indexOf(node);
      const title = `${node.id.split('/').pop()} (${node.kerasClass})`;
      const params = node.paramCount > 0 ? `<br/><font point-size="8">${node.paramCount.toLocaleString('en-US')} params</font>` : '';
      const shared = node.sharedWith ? ', style="rounded,filled,dashed"' : '';
      lines.push(`${indent}n${i} [label=<<b>${html(title)}</b><br/>${html(showShape(node.shape))}${params}>${shared}];`);
    }
    for (const child of cluster.children.values()) {
      lines.push(`${indent}subgraph cluster_${clusterCount++} {`);
      lines.push(`${indent}  label=${quote(child.name.split('/').pop()!)}; style="rounded,dashed"; color="#a0aec0"; fontsize=10;`);
      emitCluster(child, indent + '  ');
      lines.push(`${indent}}`);
    }
  };
  emitCluster(root, '  ');

  model.nodes.forEach((node, i) => {
    for (const input of node.inputs) {
      const from = valueNode.get(input.id);
      if (from) lines.push(`  ${from} -> n${i};`);
    }
  });
  for (const [i, output] of model.outputs.entries()) {
    const id = `out${i}`;
    lines.push(`  ${id} [label=<<b>${html(output.name)}</b><br/>${html(showShape(output.shape))}>, shape=box, fillcolor="#fefcbf", color="#b7791f"];`);
    const from = valueNode.get(output.id);
    if (from) lines.push(`  ${from} -> ${id};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
