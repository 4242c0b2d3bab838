// `nnc compile FILE.nn... [-o OUT.ts]`: each file to a TypeScript module beside it (or to OUT.ts,
// `-` for stdout); with `--watch`, again on every change of a file or a data file it reads.
import path from 'node:path';
import { compile } from '../compiler/compile.js';
import { parseCommand } from './args.js';
import { reportDiagnostics } from './check.js';
import type { CommandIO } from './io.js';
import { exitCodes, readSource, UsageError, writeOutput } from './io.js';
import { dataFilesOf } from './data-files.js';
import { watchAndRerun, type WatchRound } from './watch.js';

export async function runCompile(args: string[], io: CommandIO): Promise<number> {
  const { files, values } = parseCommand('compile', args, { out: { type: 'string', short: 'o' }, watch: { type: 'boolean', short: 'w' } }, 'several');
  const out = values['out'] as string | undefined;
  if (out !== undefined && files.length > 1) throw new UsageError(`-o names one output, but ${files.length} files were given; leave it out to write each FILE.ts beside its FILE.nn`);
  if (values['watch'] && out === '-') throw new UsageError('`--watch` writes files; give -o OUT.ts or leave -o out');
  for (const file of files) {
    if (path.resolve(out ?? outputOf(file)) === path.resolve(file)) throw new UsageError(`the output would overwrite ${file}; give -o OUT.ts`);
  }
  if (values['watch']) return watchAndRerun(files, async () => compileFiles(files, out, io), io);
  return compileFiles(files, out, io).code;
}

function outputOf(file: string): string {
  return file.replace(/\.nn$/, '') + '.ts';
}

/** Compiles every file and writes those without errors; exit 1 when any had errors. */
function compileFiles(files: readonly string[], out: string | undefined, io: CommandIO): WatchRound & { code: number } {
  const sources = files.map(readSource);
  let code: number = exitCodes.ok;
  const inputs: string[] = [];
  files.forEach((file, i) => {
    const source = sources[i] ?? '';
    const data = dataFilesOf(source, file);
    inputs.push(file, ...Object.keys(data).map((p) => path.resolve(path.dirname(path.resolve(file)), p)));
    const result = compile(source, { fileName: file, files: data });
    if (!reportDiagnostics(result, file, source, io) || result.output === undefined) {
      code = exitCodes.errors;
      return;
    }
    writeOutput(out ?? outputOf(file), result.output, io);
  });
  return { code, inputs };
}
