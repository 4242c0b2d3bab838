// The runtime contract is checked by the type checker, not only by running generated code:
// RuntimeImports takes only names the runtime exports (compiler/codegen/runtime-contract.ts), so a
// misspelt or renamed export is a type error in the compiler's build. And every `rt.` name in the
// generated code of the examples and fixtures is an export of the runtime.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import * as runtime from '../runtime/index.js';
import { outDir } from './helpers/load.js';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Type errors of one file checked with the repository's settings (the runtime from its source). */
function typeErrorsOf(file: string): string[] {
  const { config } = ts.readConfigFile(`${root}tsconfig.json`, (f) => ts.sys.readFile(f));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const program = ts.createProgram([file], { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => `${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

/** The `rt.X` of generated code in value positions (calls, classes, constants; types are `QualifiedName`s). */
function runtimeValuesUsed(output: string): Set<string> {
  const used = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'rt') used.add(n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(ts.createSourceFile('generated.ts', output, ts.ScriptTarget.ES2022, true));
  return used;
}

describe('the runtime contract', () => {
  it('RuntimeImports accepts runtime exports and rejects other names at type-check time', () => {
    const dir = `${outDir}runtime-contract/`;
    mkdirSync(dir, { recursive: true });
    const file = `${dir}probe.ts`;
    writeFileSync(
      file,
      [
        `import { RuntimeImports } from '../../../compiler/codegen/imports.js';`,
        `const rt = new RuntimeImports();`,
        `export const fine = [rt.use('outputGradient'), rt.use('GeneratedTrainableModel'), rt.useType('TrainPlan')];`,
        `export const misspelt = rt.use('outputGradients');`,
        `export const notAType = rt.useType('TrainPlans');`,
        '',
      ].join('\n'),
    );
    const errors = typeErrorsOf(file);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^4: Argument of type '"outputGradients"' is not assignable/);
    expect(errors[1]).toMatch(/^5: Argument of type '"TrainPlans"' is not assignable/);
  });

  it('every rt. name in generated code is a runtime export', () => {
    const exported = new Set(Object.keys(runtime));
    const used = new Set<string>();
    for (const dir of ['examples', 'test/fixtures']) {
      for (const f of readdirSync(root + dir).filter((n) => n.endsWith('.nn'))) {
        const output = compile(readFileSync(`${root}${dir}/${f}`, 'utf8'), { fileName: f }).output;
        if (output !== undefined) for (const name of runtimeValuesUsed(output)) used.add(name);
      }
    }
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
  });
});
