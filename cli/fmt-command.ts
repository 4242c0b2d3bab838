// `nnc fmt FILE.nn`: prints the formatted file. `--check FILE.nn...` lists the files that are not
// formatted (exit 1 if any); `--write FILE.nn...` rewrites them in place. A file with syntax errors
// is reported, never touched, and counts as not formatted.
import { writeFileSync } from 'node:fs';
import { compile } from '../compiler/compile.js';
import { format } from '../compiler/format/format.js';
import { parseCommand } from './args.js';
import { reportDiagnostics } from './check.js';
import type { CommandIO } from './io.js';
import { exitCodes, plural, readSource, UsageError } from './io.js';

type Outcome = 'formatted' | 'changed' | 'syntax errors';

export function runFmt(args: string[], io: CommandIO): number {
  const { files, values } = parseCommand('fmt', args, { check: { type: 'boolean' }, write: { type: 'boolean' } }, 'several');
  const check = values['check'] === true;
  const write = values['write'] === true;
  if (check && write) throw new UsageError('`--check` and `--write` exclude each other');
  if (!check && !write && files.length > 1) throw new UsageError('printing takes one file; give --check or --write to format several');
  const sources = files.map(readSource);
  const outcomes = files.map((file, i): Outcome => {
    const source = sources[i] ?? '';
    const formatted = format(source);
    if (formatted === undefined) {
      const result = compile(source, { fileName: file, emit: false });
      reportDiagnostics({ ...result, diagnostics: result.diagnostics.filter((d) => d.code.startsWith('NN1')) }, file, source, io);
      io.stderr.write(`${file}: not formatted: fix the syntax errors first\n`);
      return 'syntax errors';
    }
    if (check) {
      if (formatted === source) return 'formatted';
      io.stderr.write(files.length === 1 ? `${file}: not formatted (run \`nnc fmt --write ${file}\`)\n` : `${file}: not formatted\n`);
      return 'changed';
    }
    if (write) {
      if (formatted === source) return 'formatted';
      try {
        writeFileSync(file, formatted);
      } catch (e) {
        throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
      }
      io.stdout.write(`formatted ${file}\n`);
      return 'changed';
    }
    io.stdout.write(formatted);
    return 'formatted';
  });
  const unformatted = outcomes.filter((o) => o === 'changed').length;
  const broken = outcomes.filter((o) => o === 'syntax errors').length;
  if (files.length > 1 && check && unformatted > 0) {
    io.stderr.write(`${unformatted} of ${plural(files.length, 'file')} not formatted (run \`nnc fmt --write\` on them)\n`);
  }
  if (broken > 0) return exitCodes.errors;
  return check && unformatted > 0 ? exitCodes.errors : exitCodes.ok;
}
