// The documentation stays true: every `.nn` snippet of the language reference checks cleanly,
// every snippet of the diagnostics reference triggers exactly the code of its section, and every
// layer of the registry has its own entry in the reference.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { activations } from '../compiler/layers/activations.js';
import { layers } from '../compiler/layers/registry.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(root + path, 'utf8');

/** `.nn` code blocks with their section, and the data files shown in that section (```csv title=f.csv). */
function snippets(markdown: string): { code: string; section: string; files: Record<string, string> }[] {
  const out: { code: string; section: string; files: Record<string, string> }[] = [];
  let section = '';
  let files: Record<string, string> = {};
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) {
      section = line.slice(3);
      files = {};
    }
    const fence = /^```(nn|csv|json)(?: title=(\S+))?\s*$/.exec(line.trim());
    if (!fence) continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    if (fence[1] === 'nn') out.push({ code: body.join('\n'), section, files: { ...files } });
    else if (fence[2]) files[fence[2]] = body.join('\n') + '\n';
  }
  return out;
}

describe('docs', () => {
  it('every .nn snippet in docs/language.md checks without errors', () => {
    const all = snippets(read('docs/language.md'));
    expect(all.length).toBeGreaterThan(10);
    for (const { code } of all) {
      const errors = compile(code, { emit: false }).diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => `${d.code} ${d.message}`), code).toEqual([]);
    }
  });

  it('every snippet in docs/diagnostics.md triggers the code of its section', () => {
    const all = snippets(read('docs/diagnostics.md'));
    expect(all.length).toBeGreaterThan(50);
    for (const { code, section, files } of all) {
      const wanted = /^(NN\d{4})/.exec(section)?.[1];
      if (!wanted) continue;
      // Snippets about data files are checked as `nnc check` sees them when the file is missing.
      const missing = Object.fromEntries([...code.matchAll(/(?:csv|json)\("([^"]+)"/g)].map((m) => [m[1]!, files[m[1]!] ?? null]));
      const codes = [...compile(code, { emit: false }).diagnostics, ...compile(code, { emit: false, files: missing }).diagnostics].map((d) => d.code);
      expect(codes, `${section}\n${code}`).toContain(wanted);
    }
  });

  it('every layer has an entry in docs/language.md', () => {
    const doc = read('docs/language.md');
    const activationNames = new Set(activations.map((a) => a.name));
    for (const layer of layers) {
      // Activations share one table (they are also `activation:` values); the rest have a section.
      expect(doc, layer.name).toContain(activationNames.has(layer.name) ? `| \`${layer.name}\`` : `#### \`${layer.name}\``);
    }
  });
});
