// The checker's promise as a property: whatever `compile()` accepts without errors (a) compiles to
// TypeScript, (b) passes tsc as strictly as generated code promises, and (c) runs a forward pass and
// a training step on cpu with the output shape the checker inferred, symbolic sizes bound to small
// values; an exception at run time must carry an NN code. Models are random chains and merges of
// the registry's layers with random arguments and symbolic sizes (helpers/random-model.ts);
// rejected ones are counted, and the accepted fraction must not be tiny, so the generator stays
// meaningful. fast-check shrinks a failure to a small model.
//
// Fast mode (npm test): 2,000 models through compile(), a sample through tsc and the runtime.
// Long mode: NNC_PROPERTY_RUNS=100000 (and NNC_PROPERTY_EXEC_PERCENT, NNC_PROPERTY_TSC,
// NNC_PROPERTY_SEED) — the numbers are printed at the end.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { showShape } from '../compiler/shapes/dim.js';
import { useBackend } from '../runtime/index.js';
import { outDir } from './helpers/load.js';
import { decodeModel, genomeArbitrary } from './helpers/random-model.js';
import { bindSymbols, dimValue, forwardAndTrain, seededRandom, type GeneratedModel } from './helpers/random-model-run.js';
import { typeErrors } from './helpers/typecheck.js';

const RUNS = Number(process.env['NNC_PROPERTY_RUNS'] ?? 2000);
/** Percent of accepted models that run (forward and a training step). */
const EXEC_PERCENT = Number(process.env['NNC_PROPERTY_EXEC_PERCENT'] ?? 10);
/** Accepted models whose TypeScript goes through one tsc program. */
const TSC_SAMPLE = Number(process.env['NNC_PROPERTY_TSC'] ?? 40);
const SEED = Number(process.env['NNC_PROPERTY_SEED'] ?? 12);
/** Survey mode: record every kind of failure (its shortest model) and go on, instead of shrinking the first. */
const COLLECT = process.env['NNC_PROPERTY_COLLECT'] === '1';
const failures = new Map<string, string>();

const stats = {
  generated: 0,
  rejected: 0,
  accepted: 0,
  compiled: 0,
  typeChecked: 0,
  ran: 0,
  /** Of `ran`: models without trainable weights, which run the forward pass only. */
  forwardOnly: 0,
  runtimeErrorsWithCode: 0,
  noSmallBinding: 0,
  outputSizeUnknown: 0,
};
const rejectionCodes = new Map<string, number>();
const codedRuntimeErrors = new Map<string, string>();
const forTsc: { file: string; source: string }[] = [];

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^NN\d{4}$/.test(code)) return code;
  return /\bNN\d{4}\b/.exec(e instanceof Error ? e.message : String(e))?.[0];
};

function writeModule(output: string): string {
  const dir = `${outDir}random-models/`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${createHash('sha1').update(output).digest('hex').slice(0, 16)}.ts`;
  writeFileSync(file, output);
  return file;
}

/** Checks one model; throws (with the source) when the property does not hold. */
async function check(genome: number[]): Promise<void> {
  const { source, ids } = decodeModel(genome);
  const fail = (what: string): never => {
    throw new Error(`${what}\n--- model ---\n${source}`);
  };
  stats.generated++;
  const result = compile(source, { fileName: 'random.nn' });
  if (result.diagnostics.some((d) => d.code === 'NN5002')) fail(`internal compiler error: ${result.diagnostics.find((d) => d.code === 'NN5002')!.message}`);
  if (result.hasErrors) {
    stats.rejected++;
    const code = result.diagnostics.find((d) => d.severity === 'error')?.code ?? '?';
    rejectionCodes.set(code, (rejectionCodes.get(code) ?? 0) + 1);
    return;
  }
  stats.accepted++;
  if (result.output === undefined) fail('accepted without errors, but no TypeScript was generated');
  stats.compiled++;
  const output = result.output!;
  const sampled = (genome[79]! % 100) < EXEC_PERCENT;
  if (forTsc.length < TSC_SAMPLE && (sampled || genome[78]! % 100 < EXEC_PERCENT)) forTsc.push({ file: writeModule(output), source });
  if (!sampled) return;

  const model = result.program!.models.find((m) => m.name === 'M')!;
  const random = seededRandom(genome.reduce((h, n) => (h * 31 + n) >>> 0, 7));
  const binding = bindSymbols(model, random);
  if (!binding) {
    stats.noSmallBinding++;
    return;
  }
  const inputShape = model.inputs[0]!.shape.map((d) => dimValue(d, binding));
  if (inputShape.some((n) => n === undefined)) fail(`the input's shape ${showShape(model.inputs[0]!.shape)} has a size that is not bound`);
  const expected = model.outputs[0]!.shape.map((d) => dimValue(d, binding));
  if (expected.some((n) => n === undefined)) stats.outputSizeUnknown++;

  const module = (await import(/* @vite-ignore */ writeModule(output))) as Record<string, new (o: { seed: number }) => GeneratedModel>;
  const instance = new module['M']!({ seed: 1 });
  try {
    const run = await forwardAndTrain(instance, inputShape as number[], random, ids);
    stats.ran++;
    if (run.loss === undefined) stats.forwardOnly++;
    const agrees = run.shape.length === expected.length && expected.every((n, k) => n === undefined || n === run.shape[k]);
    if (!agrees) fail(`with ${JSON.stringify(binding)} the checker inferred [${expected.map((n) => n ?? '?').join(', ')}] but the forward pass gave [${run.shape.join(', ')}]`);
  } catch (e) {
    if (e instanceof Error && e.message.includes('--- model ---')) throw e;
    const code = codeOf(e);
    if (code === undefined) fail(`with ${JSON.stringify(binding)} the module threw without an NN code: ${e instanceof Error ? e.message : String(e)}`);
    stats.runtimeErrorsWithCode++;
    if (!codedRuntimeErrors.has(code!)) codedRuntimeErrors.set(code!, `${e instanceof Error ? e.message : String(e)}\n${source}`);
  } finally {
    instance.dispose();
  }
}

describe('random models the checker accepts', () => {
  it(`compile, type-check and run with the inferred shapes (${RUNS} models)`, async () => {
    await useBackend('cpu');
    const property = COLLECT
      ? async (genome: number[]) => {
          try {
            await check(genome);
          } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            const kind = message.split('\n')[0]!.replace(/\{[^}]*\}/g, '{…}').replace(/\d+/g, 'N').slice(0, 90);
            const seen = failures.get(kind);
            if (seen === undefined || message.length < seen.length) failures.set(kind, message);
          }
        }
      : check;
    await fc.assert(fc.asyncProperty(genomeArbitrary, property), { numRuns: RUNS, seed: SEED });
    if (COLLECT) console.log(`failures by kind (${failures.size}):\n${[...failures.values()].join('\n\n')}`);

    const errors = typeErrors(forTsc.map((f) => f.file));
    stats.typeChecked = forTsc.length;
    const report = { ...stats, rejectionCodes: Object.fromEntries([...rejectionCodes].sort((a, b) => b[1] - a[1])), codedRuntimeErrors: Object.fromEntries(codedRuntimeErrors) };
    console.log(`random models: ${JSON.stringify(report, null, 2)}`);

    expect(errors, forTsc.map((f) => f.source).join('\n')).toEqual([]);
    expect(stats.generated).toBeGreaterThanOrEqual(RUNS);
    // A generator whose models are nearly all rejected tests nothing.
    expect(stats.accepted / stats.generated).toBeGreaterThan(0.25);
    expect(stats.typeChecked).toBeGreaterThanOrEqual(Math.min(TSC_SAMPLE, 20));
    expect(stats.ran).toBeGreaterThanOrEqual(Math.min(40, RUNS / 50));
  });
});
