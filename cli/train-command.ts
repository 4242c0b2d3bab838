// `nnc train FILE.nn`: compile (with the data files the source names, so they are checked first),
// load the generated module, run each `train` block on the chosen backend, print the final
// metrics, and write the run's folder: weights, metrics.json, curves.svg, confusion.svg and the
// training state that `--resume` continues from.
import path from 'node:path';
import { compile } from '../compiler/compile.js';
import { dataFilesOf } from './data-files.js';
import { DEFAULT_SEED, fit, fitSteps, formatLogs, NncRuntimeError, resolveData, useBackend, type BackendName, type StepTrainingRun } from 'nnc-runtime/node';
import { wasmThreadsFor } from '../compiler/cost.js';
import type { ProgramIR } from '../compiler/ir.js';
import { availableParallelism } from 'node:os';
import { parseCommand } from './args.js';
import type { CommandIO } from './io.js';
import { reportDiagnostics } from './check.js';
import { errorLine, exitCodes, readSource, UsageError } from './io.js';
import { loadGeneratedModule, runtimeUrl } from './load-module.js';
import { writeRunReport } from './run-report.js';

const backends: readonly BackendName[] = ['wasm', 'cpu', 'webgpu'];

/** The training state (for `--resume`) lives in this sub-folder of a run's folder. */
export const STATE_FOLDER = 'state';

export async function runTrain(args: string[], io: CommandIO): Promise<number> {
  const { file, values } = parseCommand('train', args, {
    backend: { type: 'string', default: 'wasm' },
    seed: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    quiet: { type: 'boolean' },
    threads: { type: 'string', default: 'auto' },
    tape: { type: 'boolean' },
  });
  const backend = values['backend'] as string;
  if (!(backends as readonly string[]).includes(backend)) throw new UsageError(`unknown backend \`${backend}\`; choose wasm, cpu or webgpu`);
  const seedText = values['seed'] as string | undefined;
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got \`${seedText}\``);
  const resume = values['resume'] as string | undefined;
  if (resume !== undefined && values['out'] !== undefined && path.resolve(resume) !== path.resolve(values['out'] as string)) {
    throw new UsageError('--resume continues in the folder it names; leave out --out, or give the same folder');
  }
  const out = resume ?? (values['out'] as string | undefined) ?? path.join('runs', path.basename(file).replace(/\.nn$/, ''));

  const source = readSource(file);
  const baseDir = path.dirname(path.resolve(file));
  // --tape: tfjs's autodiff instead of the backward pass the compiler derives (to compare the two).
  const derivedBackward = values['tape'] !== true;
  const result = compile(source, { fileName: file, runtimeModule: runtimeUrl, files: dataFilesOf(source, file), derivedBackward });
  if (!reportDiagnostics(result, file, source, io) || result.output === undefined) return exitCodes.errors;
  const threads = chooseThreads(values['threads'] as string, backend, result.program);
  const module = await loadGeneratedModule(result.output);
  const stepRuns = (module['stepTrainings'] ?? []) as readonly StepTrainingRun[];
  if (module.trainings.length === 0 && stepRuns.length === 0) {
    io.stderr.write(errorLine(`${file} has no \`train\` block: nothing to train (see docs/language.md)`, io.stderr) + '\n');
    return exitCodes.errors;
  }

  try {
    await useBackend(backend as BackendName, threads > 1 ? { threads } : {});
    const where = threads > 1 ? `${backend}, ${threads} threads` : backend;
    for (const run of module.trainings) {
      const runSeed = seed ?? run.plan.seed ?? DEFAULT_SEED;
      const dir = module.trainings.length > 1 ? path.join(out, run.name) : out;
      const data = await resolveData(run.data, { baseDir });
      const validationData = run.validationData ? await resolveData(run.validationData, { baseDir }) : undefined;
      const model = run.createModel(runSeed);
      try {
        io.stdout.write(`training ${run.modelName} on ${run.dataName} (${data.x.length} samples, ${run.plan.epochs} epochs, batch ${run.plan.batch}, ${where})\n`);
        if (resume !== undefined) io.stdout.write(`resuming from ${path.join(dir, STATE_FOLDER)}\n`);
        const history = await fit(model, data, run.plan, {
          seed: runSeed,
          baseDir,
          progress: values['quiet'] ? 'none' : 'auto',
          stream: io.stderr,
          checkpointDir: path.join(dir, STATE_FOLDER),
          ...(validationData ? { validationData } : {}),
          ...(resume !== undefined ? { resumeFrom: path.join(dir, STATE_FOLDER) } : {}),
        });
        if (history.stoppedEarly !== undefined) io.stdout.write(`stopped early after epoch ${history.stoppedEarly}: ${run.plan.earlyStopping?.monitor} did not improve for ${run.plan.earlyStopping?.patience} epochs\n`);
        io.stdout.write(`${run.name}: ${formatLogs(history.final)}\n`);
        await model.save(dir);
        await writeRunReport(dir, run.name, history, data.labels);
        io.stdout.write(`saved weights, metrics.json, ${history.confusion ? 'curves.svg and confusion.svg' : 'and curves.svg'} to ${dir}\n`);
      } finally {
        model.dispose();
      }
    }
    for (const run of stepRuns) {
      const runSeed = seed ?? run.plan.seed ?? DEFAULT_SEED;
      const dir = module.trainings.length + stepRuns.length > 1 ? path.join(out, run.name) : out;
      const data = await resolveData(run.data, { baseDir });
      const models = run.createModels(runSeed);
      try {
        io.stdout.write(`training ${run.modelNames.join(' and ')} on ${run.dataName} (${data.x.length} samples, ${run.plan.epochs} epochs, steps ${run.plan.steps.map((s) => s.name).join(', ')}, ${where})\n`);
        const history = await fitSteps(models, data, run.plan, { seed: runSeed, progress: values['quiet'] ? 'none' : 'auto', stream: io.stderr });
        io.stdout.write(`${run.name}: ${formatLogs(history.final)}\n`);
        for (const [name, model] of Object.entries(models)) await model.save(path.join(dir, name));
        await writeRunReport(dir, run.name, history);
        io.stdout.write(`saved the weights of ${run.modelNames.join(', ')}, metrics.json and curves.svg to ${dir}\n`);
      } finally {
        for (const model of Object.values(models)) model.dispose();
      }
    }
  } catch (e) {
    if (e instanceof NncRuntimeError) {
      io.stderr.write(errorLine(`[${e.code}] ${e.message}`, io.stderr) + '\n');
      return exitCodes.errors;
    }
    throw e;
  }
  return exitCodes.ok;
}

/**
 * `--threads auto` (the default) lets the compiler decide from the work per example of the models
 * being trained (compiler/cost.ts); a number forces it. Threads are a wasm option only.
 */
function chooseThreads(text: string, backend: string, program: ProgramIR): number {
  if (text === 'auto') {
    if (backend !== 'wasm') return 1;
    const trained = new Set([...program.trains.map((t) => t.model), ...(program.stepTrains ?? []).flatMap((t) => t.models)]);
    const wanted = Math.max(1, ...program.models.filter((m) => trained.has(m.name)).map(wasmThreadsFor));
    return Math.min(wanted, availableParallelism());
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new UsageError(`--threads must be \`auto\` or a whole number from 1 to 8, got \`${text}\``);
  if (n > 1 && backend !== 'wasm') throw new UsageError(`--threads is an option of the wasm backend, not of ${backend}`);
  return n;
}
