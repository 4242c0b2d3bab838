// `nnc fmt FILE.nn`: prints the formatted file; `--check` only says whether it is formatted (exit 1
// when not), `--write` rewrites it in place. A file with syntax errors is reported, never touched.
import { writeFileSync } from 'node:fs';
import { compile } from '../compiler/compile.js';
import { format } from '../compiler/format/format.js';
import { reportDiagnostics } from './check.js';
import type { CommandIO } from './main.js';
import { parseCommand } from './main.js';
import { exitCodes, readSource, UsageError } from './io.js';

export function runFmt(args: string[], io: CommandIO): number {
  const { file, values } = parseCommand('fmt', args, { check: { type: 'boolean' }, write: { type: 'boolean' } });
  if (values['check'] && values['write']) throw new UsageError('`--check` and `--write` exclude each other');
  const source = readSource(file);
  const formatted = format(source);
  if (formatted === undefined) {
    const result = compile(source, { fileName: file, emit: false });
    reportDiagnostics({ ...result, diagnostics: result.diagnostics.filter((d) => d.code.startsWith('NN1')) }, file, source, io);
    io.stderr.write(`${file}: not formatted: fix the syntax errors first\n`);
    return exitCodes.errors;
  }
  if (values['check']) {
    if (formatted === source) return exitCodes.ok;
    io.stderr.write(`${file}: not formatted (run \`nnc fmt --write ${file}\`)\n`);
    return exitCodes.errors;
  }
  if (values['write']) {
    if (formatted !== source) {
      try {
        writeFileSync(file, formatted);
      } catch (e) {
        throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
      }
    }
    return exitCodes.ok;
  }
  io.stdout.write(formatted);
  return exitCodes.ok;
}
