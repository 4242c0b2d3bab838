import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { modelToDot } from '../compiler/graph.js';

const root = fileURLToPath(new URL('../', import.meta.url));

describe('nnc graph', () => {
  const program = compile(readFileSync(`${root}test/fixtures/compose.nn`, 'utf8')).program;
  const deep = program.models.find((m) => m.name === 'Deep')!;

  it('draws one box per layer, one edge per data flow, and a cluster per block instance', () => {
    const dot = modelToDot(deep);
    const boxes = dot.match(/^\s*n\d+ \[label=/gm) ?? [];
    expect(boxes).toHaveLength(deep.nodes.length);
    const edges = dot.match(/ -> /g) ?? [];
    const flows = deep.nodes.reduce((n, node) => n + node.inputs.length, 0) + deep.outputs.length;
    expect(edges).toHaveLength(flows);
    // residual, residual_1, two_residuals and the two residuals nested in it.
    expect(dot.match(/subgraph cluster_/g)).toHaveLength(5);
    expect(dot).toContain('[batch, 16]');
    expect(dot).toContain('Deep — 2,354 parameters');
  });

  it('marks a shared layer and lists several inputs and outputs', () => {
    const dot = modelToDot(program.models.find((m) => m.name === 'Siamese')!);
    expect(dot).toContain('dashed');
    expect(dot).toMatch(/in0 .*left/);
    expect(dot).toMatch(/in1 .*right/);
    expect(dot).toMatch(/out1 .*difference/);
  });

  it('writes an SVG laid out by Graphviz', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-graph-'));
    const out = join(dir, 'net.svg');
    const r = spawnSync(process.execPath, [`${root}bin/nnc.js`, 'graph', `${root}test/fixtures/compose.nn`, '--model', 'Deep', '-o', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('two_residuals');
    expect((svg.match(/class="node"/g) ?? []).length).toBe(deep.nodes.length + deep.inputs.length + deep.outputs.length);
    const missing = spawnSync(process.execPath, [`${root}bin/nnc.js`, 'graph', `${root}test/fixtures/compose.nn`, '--model', 'Nope'], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('has no model `Nope`; it has Deep, Siamese');
  });
});
