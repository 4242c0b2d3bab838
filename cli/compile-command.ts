import { writeFileSync } from 'node:fs';
import { compile } from '../compiler/compile.js';
import type { CommandIO } from './main.js';
import { parseCommand } from './main.js';
import { reportDiagnostics } from './check.js';
import { exitCodes, readSource, UsageError } from './io.js';
import { dataFilesOf } from './data-files.js';

export function runCompile(args: string[], io: CommandIO): number {
  const { file, values } = parseCommand('compile', args, { out: { type: 'string', short: 'o' } });
  const source = readSource(file);
  const result = compile(source, { fileName: file, files: dataFilesOf(source, file) });
  if (!reportDiagnostics(result, file, source, io) || result.output === undefined) return exitCodes.errors;
  const out = (values['out'] as string | undefined) ?? file.replace(/\.nn$/, '') + '.ts';
  if (out === file) throw new UsageError('the output would overwrite the source; give -o OUT.ts');
  try {
    writeFileSync(out, result.output);
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
  }
  io.stdout.write(`wrote ${out}\n`);
  return exitCodes.ok;
}
