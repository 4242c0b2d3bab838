// Code generation owns its names (compiler/codegen/locals.ts): every local the emitter writes,
// taken from its own table so that the list cannot go stale, is tried as an input's name, a `let`
// name (of a one-input and of a two-input model), a data set's name and a model's name. Each
// program compiles, its TypeScript passes `tsc --strict`, and it trains through the derived backward
// pass (where `out`, `yTrue` and `loss` are locals) and predicts to exactly the numbers of the same
// program with plain names.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { compile } from '../compiler/compile.js';
import { CodeWriter } from '../compiler/codegen/writer.js';
import { functionLocals, generatedLocalNames, modelFunctionScope, nameModelValues, valueNames } from '../compiler/codegen/locals.js';
import { keywordNames } from '../grammar/tokens.js';
import { useBackend } from '../runtime/index.js';
import { loadModel, outDir } from './helpers/load.js';
import { typeErrors } from './helpers/typecheck.js';

/** Where a program uses the name: models and data sets share one namespace, so two programs. */
type Use = 'model' | 'data' | 'plain';

/** A program that uses `name` for an input, a `let` and a model, or for its data set; each trains. */
function program(name: string, use: Use): string {
  const [input, bound, model] = use === 'model' ? [name, name, name] : ['x', 'hidden', 'Single'];
  const data = use === 'data' ? name : 'gates';
  return `
model ByInput {
  input ${input}: [batch, 2]
  dense(4, activation: tanh)
  dense(1, activation: sigmoid)
}

model ByLet {
  input x: [batch, 2]
  let ${bound} = x |> dense(4, activation: tanh)
  ${bound} |> dense(1, activation: sigmoid)
}

model ${model} {
  input x: [batch, 2]
  dense(1, activation: sigmoid)
}

model Pair {
  input ${input}: [batch, 2]
  input other: [batch, 2]
  let joined = concat(${input}, other) |> dense(3)
  output joined
}

data ${data} = table {
  a, b -> y
  0, 0 -> 0
  0, 1 -> 1
  1, 0 -> 1
  1, 1 -> 0
}

train ByInput on ${data} { loss: mse  optimizer: sgd(0.5)  batch: full  epochs: 3  seed: 7 }
train ByLet on ${data} { loss: mse  optimizer: sgd(0.5)  batch: full  epochs: 3  seed: 7 }
train ${model} on ${data} { loss: mse  optimizer: sgd(0.5)  batch: full  epochs: 3  seed: 7 }
`;
}

interface Trained {
  losses: number[];
  gradients: (string | undefined)[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function trainAll(mod: Record<string, any>): Promise<Trained> {
  const losses: number[] = [];
  const gradients: (string | undefined)[] = [];
  for (const run of mod['trainings']) {
    const model = run.createModel(run.plan.seed);
    const history = await model.train(run.data, run.plan, { seed: run.plan.seed });
    losses.push(...history.epochs.map((e: { logs: Record<string, number> }) => e.logs['loss']!));
    gradients.push(history.gradients);
    model.dispose();
  }
  return { losses, gradients };
}

// `model` and `data` are words of the language: no `.nn` name can be spelled like them. The names
// the issue reported (`grads` is no local today) are tried too.
const reported = ['out', 'loss', 'yTrue', 'grads', 'tf', 'rt'];
const names = [...new Set([...generatedLocalNames().filter((n) => !keywordNames.includes(n)), ...reported])];

describe('names the generated code writes itself', () => {
  beforeAll(() => useBackend('cpu'));

  it('are every local of the table but the language keywords, and the names the issue reported', () => {
    // The names the issue reported, and the module's own imports.
    for (const n of ['out', 'loss', 'yTrue', 'tf', 'rt', 'p', 't', 'y', 'seed', 'options', 'trainings']) expect(generatedLocalNames()).toContain(n);
    expect(generatedLocalNames().filter((n) => !names.includes(n))).toEqual(['data', 'model']);
    for (const n of reported) expect(names).toContain(n);
  });

  it('compile without errors and pass tsc --strict as inputs, lets, data and models', () => {
    const dir = `${outDir}reserved-names/`;
    mkdirSync(dir, { recursive: true });
    const files = names.flatMap((name) =>
      (['model', 'data'] as const).map((use) => {
        const r = compile(program(name, use), { fileName: `${name}.nn` });
        expect(r.diagnostics, `${name} (${use})`).toEqual([]);
        const file = `${dir}${name}-${use}.ts`;
        writeFileSync(file, r.output!);
        return file;
      }),
    );
    expect(typeErrors(files)).toEqual([]);
  });

  it('leave a fresh local clear of the function\'s own locals and of the model\'s values', () => {
    const model = nameModelValues(compile(program('out', 'model')).program.models[0]!, ['ByInput']);
    expect(valueNames(model)).toEqual(['out_', 'dense', 'dense_1']);
    const scope = modelFunctionScope('lossAndGradients', model);
    expect([scope.local('out'), scope.fresh('out'), scope.fresh('dense'), scope.fresh('dense'), scope.fresh('grad')]).toEqual(['out', 'out__2', 'dense_2', 'dense_3', 'grad']);
  });

  it('are renamed in the output, as TypeScript keywords are', () => {
    const output = compile(program('out', 'model'), { fileName: 'out.nn' }).output!;
    expect(output).toContain('override forward(out_: tf.Tensor');
    expect(output).toContain('const out = rt.outputGradient(');
    expect(compile(program('model', 'data')).diagnostics.map((d) => d.code)).toContain('NN1001');
    expect(compile(program('history', 'data')).output).toContain('export const history_: rt.TableData');
    expect(compile(program('seed', 'model')).output).toContain('export class seed_ extends');
  });

  it('train, through the derived backward pass, exactly as the same program with plain names', async () => {
    const reference = await trainAll(await loadModel(program('', 'plain'), 'plain.nn'));
    expect(reference.gradients).toEqual(['derived', 'derived', 'derived']);
    expect(reference.losses).toHaveLength(9);
    expect(reference.losses.every(Number.isFinite)).toBe(true);
    for (const name of names) {
      for (const use of ['model', 'data'] as const) {
        const trained = await trainAll(await loadModel(program(name, use), `${name}.nn`));
        expect(trained, `${name} (${use})`).toEqual(reference);
      }
    }
  });

  it('predict through a several-input model (forwardAll) as with plain names', async () => {
    const predictPair = async (source: string, input: string) => {
      const mod = await loadModel(source, 'pair.nn');
      const model = new mod['Pair']({ seed: 3 });
      const { joined } = model.predict({ [input]: [[1, 2]], other: [[3, -4]] });
      const values = Array.from(joined.dataSync() as Float32Array);
      joined.dispose();
      model.dispose();
      return values;
    };
    const reference = await predictPair(program('', 'plain'), 'x');
    expect(reference).toHaveLength(3);
    for (const name of names) expect(await predictPair(program(name, 'model'), name), name).toEqual(reference);
  });
});

/** Whether an identifier stands for a value here (not a property name or a declaration's own name). */
function isReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) && parent.getChildAt(parent.getChildCount() - 1) === id) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === id) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) || ts.isClassDeclaration(parent)) && parent.name === id) return false;
  if (ts.isInterfaceDeclaration(parent) || ts.isTypeAliasDeclaration(parent)) return false;
  return true;
}

/** The names an arrow function or its body declares. */
function declaredIn(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if ((ts.isVariableDeclaration(n) || ts.isParameter(n)) && ts.isIdentifier(n.name)) names.add(n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/** An arrow that reads nothing but its own names and tf/rt: what it declares can shadow nothing it reads. */
function isClosed(arrow: ts.ArrowFunction): boolean {
  const own = declaredIn(arrow);
  let closed = true;
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && isReference(n) && !own.has(n.text) && n.text !== 'tf' && n.text !== 'rt' && !(n.text in globalThis)) closed = false;
    ts.forEachChild(n, visit);
  };
  visit(arrow.body);
  return closed;
}

/**
 * The plain names generated code declares inside its functions (parameters and consts, outside
 * arrows that read only their own names), and the names it declares at module level.
 */
function declarations(output: string): { local: Set<string>; moduleLevel: Set<string> } {
  const file = ts.createSourceFile('generated.ts', output, ts.ScriptTarget.ES2022, true);
  const local = new Set<string>();
  const moduleLevel = new Set<string>();
  const visit = (n: ts.Node, inFunction: boolean): void => {
    if (ts.isArrowFunction(n) && isClosed(n)) return;
    if ((ts.isVariableDeclaration(n) || ts.isParameter(n)) && ts.isIdentifier(n.name) && !n.name.text.includes('$')) (inFunction ? local : moduleLevel).add(n.name.text);
    if ((ts.isClassDeclaration(n) || ts.isFunctionDeclaration(n)) && n.name && !inFunction) moduleLevel.add(n.name.text);
    ts.forEachChild(n, (c) => visit(c, inFunction || ts.isFunctionLike(n)));
  };
  visit(file, false);
  return { local, moduleLevel };
}

describe('the table of generated locals', () => {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const corpus = ['examples', 'test/fixtures'].flatMap((dir) =>
    readdirSync(root + dir)
      .filter((f) => f.endsWith('.nn'))
      .map((f) => ({ name: `${dir}/${f}`, source: readFileSync(`${root}${dir}/${f}`, 'utf8') })),
  );

  it('lists every plain local the generated code declares; module-level names avoid them all', () => {
    const table = new Set(generatedLocalNames());
    const moduleOwn = new Set<string>(functionLocals.module);
    let checked = 0;
    const named = names.flatMap((n) => (['model', 'data'] as const).map((use) => ({ name: `${n}-${use}.nn`, source: program(n, use) })));
    for (const { name, source } of [...corpus, ...named]) {
      const r = compile(source, { fileName: name });
      if (r.output === undefined) continue;
      const { local, moduleLevel } = declarations(r.output);
      // The model's values, as codegen names them (classes are named in the program's order).
      const classes = [...r.output.matchAll(/^export class (\w+) /gm)].map((m) => m[1]!);
      const values = new Set(r.program.models.flatMap((m, i) => valueNames(nameModelValues(m, [classes[i]!]))));
      const strays = [...local].filter((n) => !table.has(n) && !values.has(n));
      expect(strays, name).toEqual([]);
      const clashes = [...moduleLevel].filter((n) => table.has(n) && !moduleOwn.has(n));
      expect(clashes, name).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('an exception in code generation', () => {
  it('is an internal-error diagnostic (NN5002), not a stack trace', () => {
    const spy = vi.spyOn(CodeWriter.prototype, 'line').mockImplementation(() => {
      throw new Error('the writer broke');
    });
    try {
      const r = compile(program('x', 'plain'), { fileName: 'plain.nn' });
      expect(r.output).toBeUndefined();
      expect(r.hasErrors).toBe(true);
      expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['NN5002', 'internal compiler error: the writer broke']]);
    } finally {
      spy.mockRestore();
    }
  });
});
