// Compiles `.nn` source and imports the generated module inside vitest (which strips the types
// and maps `nnc/runtime` to runtime/index.ts, see vitest.config.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '../../compiler/compile.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';

export const outDir = fileURLToPath(new URL('../.out/', import.meta.url));

/** Compiles or throws with the rendered diagnostics (a test failure should show them). */
export function compileOrThrow(source: string, fileName = 'test.nn'): string {
  const r = compile(source, { fileName });
  if (r.output === undefined) throw new Error(`compile failed:\n${renderDiagnostics(r.diagnostics, fileName, source)}`);
  return r.output;
}

export function writeGenerated(source: string, fileName = 'test.nn'): string {
  const output = compileOrThrow(source, fileName);
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}${createHash('sha1').update(output).digest('hex').slice(0, 12)}.ts`;
  writeFileSync(file, output);
  return file;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function loadModel(source: string, fileName = 'test.nn'): Promise<Record<string, any>> {
  return import(/* @vite-ignore */ writeGenerated(source, fileName));
}
