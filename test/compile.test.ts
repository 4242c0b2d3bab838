import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../runtime/index.js';
import { compile } from '../compiler/compile.js';
import { catalogue } from '../compiler/diagnostics/catalogue.js';
import { compilerVersion } from '../compiler/version.js';
import { loadModel } from './helpers/load.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const examples = readdirSync(`${root}examples`).filter((f) => f.endsWith('.nn'));

describe('compile()', () => {
  it('compiles every example without errors', () => {
    expect(examples.length).toBeGreaterThanOrEqual(1);
    for (const f of examples) {
      const r = compile(readFileSync(`${root}examples/${f}`, 'utf8'), { fileName: `examples/${f}` });
      expect(r.diagnostics.filter((d) => d.severity === 'error'), f).toEqual([]);
      expect(r.output, f).toBeDefined();
    }
  });

  it('is deterministic: compiling twice gives byte-identical output', () => {
    for (const f of examples) {
      const source = readFileSync(`${root}examples/${f}`, 'utf8');
      expect(compile(source, { fileName: f }).output).toBe(compile(source, { fileName: f }).output);
    }
  });

  it('emits no code when there are errors, but still returns the checked program', () => {
    const r = compile('model M { input x: [batch, 2]\n dense(4)\n dens(1) }');
    expect(r.output).toBeUndefined();
    expect(r.hasErrors).toBe(true);
    expect(r.program.models[0]!.nodes.map((n) => n.id)).toEqual(['dense']);
  });

  it('reports diagnostics with stable codes from the catalogue only', () => {
    const r = compile('model M { input x: [batch, 3]\n dense(2, in: 4) }');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NN3102']);
    expect(Object.keys(catalogue)).toContain(r.diagnostics[0]!.code);
  });

  it('keeps the compiler version in step with package.json', () => {
    expect(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version).toBe(compilerVersion);
  });
});

describe('diagnostic catalogue', () => {
  it('has unique, well-formed, banded codes', () => {
    const codes = Object.keys(catalogue);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^NN[1-5]\d{3}$/);
    const titles = Object.values(catalogue);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('documents every code in docs/diagnostics.md', () => {
    const doc = readFileSync(`${root}docs/diagnostics.md`, 'utf8');
    for (const [code, title] of Object.entries(catalogue)) expect(doc, code).toContain(`## ${code}: ${title}`);
  });
});

describe('code injection', () => {
  beforeAll(() => useBackend('cpu'));

  it('a name with quotes is a syntax error, never output', () => {
    const r = compile('model x"; process.exit(1); " { input x: [batch, 1]\n dense(1) }');
    expect(r.output).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NN1001']);
  });

  it('file names and names that are TypeScript keywords are escaped', async () => {
    const fileName = 'evil */ "; process.exit(1); "\n// .nn';
    const source = `
model constructor { input class: [batch, 1]
  dense(1) }
data function = table { new, this -> return
  1, 2 -> 3 }
model tf { input rt: [batch, 2]
  dense(1, kernel: [[1], [1]], bias: [0]) }
train tf on function { loss: mse }`;
    const r = compile(source, { fileName });
    expect(r.diagnostics).toEqual([]);
    expect(r.output!.split('\n')[0]).toContain(JSON.stringify(fileName).replace(/\n/g, ' '));
    expect(r.output).not.toContain('\n// .nn');
    const mod = await loadModel(source, fileName);
    const model = new mod['tf_']();
    const y = model.predict([[1, 2]]);
    expect(Array.from(y.dataSync() as Float32Array)).toEqual([3]);
    y.dispose();
    expect(mod['function_'].labels).toEqual(['return']);
  });
});
