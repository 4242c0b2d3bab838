// `nnc summary`: Keras' model.summary() layout — layer (type), output shape, parameter count, and
// totals with their size in bytes (float32).
import type { ModelIR } from './ir.js';
import { showDim } from './shapes/dim.js';

function shapeText(dims: { kind: string }[]): string {
  return `(${(dims as Parameters<typeof showDim>[0][]).map(showDim).join(', ')})`;
}

function bytes(n: number): string {
  const b = n * 4;
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = b;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)} ${units[u]}`;
}

export function formatSummary(model: ModelIR): string {
  const rows: [string, string, string][] = [];
  // Keras lists input layers only for functional models with several inputs.
  if (model.inputs.length > 1) for (const input of model.inputs) rows.push([`${input.name} (InputLayer)`, shapeText(input.shape), '0']);
  // A shared layer is one layer however often it is applied: Keras lists it once.
  for (const n of model.nodes.filter((node) => !node.sharedWith)) rows.push([`${n.id} (${n.kerasClass})`, shapeText(n.shape), n.paramCount.toLocaleString('en-US')]);
  const head: [string, string, string] = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = [0, 1, 2].map((i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)) + 2) as [number, number, number];
  widths[0] = Math.max(widths[0], 33);
  widths[1] = Math.max(widths[1], 24);
  widths[2] = Math.max(widths[2], 15);
  const cell = (text: string, i: number, right = false) => ' ' + (right ? text.padStart(widths[i]! - 2) : text.padEnd(widths[i]! - 2)) + ' ';
  const line = (l: string, m: string, r: string, fill: string) => l + widths.map((w) => fill.repeat(w)).join(m) + r;
  const out = [`Model: "${model.name}"`];
  out.push(line('┏', '┳', '┓', '━'));
  out.push('┃' + cell(head[0], 0) + '┃' + cell(head[1], 1) + '┃' + cell(head[2], 2, true) + '┃');
  out.push(line('┡', '╇', '┩', '━'));
  rows.forEach((r, i) => {
    out.push('│' + cell(r[0], 0) + '│' + cell(r[1], 1) + '│' + cell(r[2], 2, true) + '│');
    if (i < rows.length - 1) out.push(line('├', '┼', '┤', '─'));
  });
  out.push(line('└', '┴', '┘', '─'));
  const nonTrainable = model.paramCount - model.trainableParamCount;
  out.push(` Total params: ${model.paramCount.toLocaleString('en-US')} (${bytes(model.paramCount)})`);
  out.push(` Trainable params: ${model.trainableParamCount.toLocaleString('en-US')} (${bytes(model.trainableParamCount)})`);
  out.push(` Non-trainable params: ${nonTrainable.toLocaleString('en-US')} (${bytes(nonTrainable)})`);
  return out.join('\n');
}
