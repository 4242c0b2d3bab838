// The generated TypeScript of every example and compiling fixture passes `tsc --strict --noEmit`
// (plus noUnusedLocals/Parameters), against the runtime's published declarations (dist/, built by
// `pretest`), resolved as an app would: `nnc/runtime` through the package's exports.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { typeErrors } from './helpers/typecheck.js';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = `${root}test/.out/typecheck/`;

function sources(): { name: string; source: string }[] {
  const fromDir = (dir: string) =>
    readdirSync(root + dir)
      .filter((f) => f.endsWith('.nn'))
      .map((f) => ({ name: `${dir}/${f}`, source: readFileSync(`${root}${dir}/${f}`, 'utf8') }));
  return [...fromDir('examples'), ...fromDir('test/fixtures')].filter(({ source, name }) => !compile(source, { fileName: name }).hasErrors);
}

describe('generated code type-checks', () => {
  it('passes tsc --strict for every example and compiling fixture', () => {
    mkdirSync(outDir, { recursive: true });
    const files: string[] = [];
    for (const { name, source } of sources()) {
      const output = compile(source, { fileName: name }).output!;
      const file = `${outDir}${name.replace(/[/.]/g, '_')}.ts`;
      writeFileSync(file, output);
      files.push(file);
    }
    expect(files.length).toBeGreaterThanOrEqual(3);
    const diagnostics = typeErrors(files);
    expect(diagnostics).toEqual([]);
  });
});
