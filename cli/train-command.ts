// `nnc train FILE.nn`: compile, load the generated module, run each `train` block on the chosen
// backend, print the final metrics, and (with --out) save the weights.
import path from 'node:path';
import { compile } from '../compiler/compile.js';
import { NncRuntimeError } from '../runtime/errors.js';
import { fit } from '../runtime/fit.js';
import { useBackend } from '../runtime/backend.js';
import { formatLogs } from '../runtime/progress.js';
import type { BackendName } from '../runtime/types.js';
import type { CommandIO } from './main.js';
import { parseCommand } from './main.js';
import { reportDiagnostics } from './check.js';
import { errorLine, exitCodes, readSource, UsageError } from './io.js';
import { loadGeneratedModule, runtimeUrl } from './load-module.js';

const backends: readonly BackendName[] = ['wasm', 'cpu', 'webgpu'];

export async function runTrain(args: string[], io: CommandIO): Promise<number> {
  const { file, values } = parseCommand('train', args, {
    backend: { type: 'string', default: 'wasm' },
    seed: { type: 'string' },
    out: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  const backend = values['backend'] as string;
  if (!(backends as readonly string[]).includes(backend)) throw new UsageError(`unknown backend \`${backend}\`; choose wasm or cpu`);
  const seedText = values['seed'] as string | undefined;
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got \`${seedText}\``);

  const source = readSource(file);
  const result = compile(source, { fileName: file, runtimeModule: runtimeUrl });
  if (!reportDiagnostics(result, file, source, io) || result.output === undefined) return exitCodes.errors;
  const module = await loadGeneratedModule(result.output);
  if (module.trainings.length === 0) {
    io.stderr.write(errorLine(`${file} has no \`train\` block: nothing to train (see docs/language.md)`, io.stderr) + '\n');
    return exitCodes.errors;
  }

  try {
    await useBackend(backend as BackendName);
    for (const run of module.trainings) {
      const runSeed = seed ?? run.plan.seed;
      const model = run.createModel(runSeed ?? (await import('../runtime/fit.js')).DEFAULT_SEED);
      io.stdout.write(`training ${run.modelName} on ${run.dataName} (${run.data.x.length} samples, ${run.plan.epochs} epochs, batch ${run.plan.batch}, ${backend})\n`);
      const history = await fit(model, run.data, run.plan, {
        ...(runSeed !== undefined ? { seed: runSeed } : {}),
        progress: values['quiet'] ? 'none' : 'auto',
        stream: io.stderr,
      });
      io.stdout.write(`${run.name}: ${formatLogs(history.final)}\n`);
      const out = values['out'] as string | undefined;
      if (out !== undefined) {
        const dir = module.trainings.length > 1 ? path.join(out, run.name) : out;
        await model.save(dir);
        io.stdout.write(`saved weights to ${dir}\n`);
      }
      model.dispose();
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
