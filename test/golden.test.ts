// Golden tests: each test/fixtures/<case>.nn sits beside <case>.diag (rendered diagnostics),
// <case>.shapes (every layer's output shape) and, when it compiles, <case>.ts (the generated
// module). Re-bless with UPDATE_GOLDEN=1 and review the diff like code.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { renderDiagnostics } from '../compiler/diagnostics/render.js';
import type { ProgramIR } from '../compiler/ir.js';
import { showShape } from '../compiler/shapes/dim.js';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';
const cases = readdirSync(dir).filter((f) => f.endsWith('.nn')).sort();

function shapesOf(program: ProgramIR): string {
  const lines: string[] = [];
  for (const m of program.models) {
    lines.push(`model ${m.name} (${m.paramCount} params)`);
    for (const i of m.inputs) lines.push(`  input ${i.name}: ${showShape(i.shape)}`);
    for (const n of m.nodes) lines.push(`  ${n.id}${n.boundName ? ` (let ${n.boundName})` : ''}: ${showShape(n.input.shape)} -> ${showShape(n.shape)}, ${n.paramCount} params`);
    for (const o of m.outputs) lines.push(`  output ${o.name}: ${showShape(o.shape)}`);
  }
  return lines.join('\n') + '\n';
}

function expectGolden(path: string, actual: string | undefined): void {
  if (update) {
    if (actual === undefined) rmSync(path, { force: true });
    else writeFileSync(path, actual);
    return;
  }
  if (actual === undefined) {
    expect(existsSync(path), `${path} should not exist`).toBe(false);
    return;
  }
  expect(existsSync(path), `missing golden file ${path} (run with UPDATE_GOLDEN=1)`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('golden fixtures', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(5));
  for (const file of cases) {
    const base = file.slice(0, -3);
    it(base, () => {
      const source = readFileSync(dir + file, 'utf8');
      const result = compile(source, { fileName: `fixtures/${file}` });
      expectGolden(`${dir}${base}.diag`, renderDiagnostics(result.diagnostics, `fixtures/${file}`, source) + '\n');
      expectGolden(`${dir}${base}.shapes`, shapesOf(result.program));
      expectGolden(`${dir}${base}.ts`, result.output);
    });
  }
});
