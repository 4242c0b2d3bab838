import { compile } from '../compiler/compile.js';
import { formatSummary } from '../compiler/summary.js';
import type { CommandIO } from './main.js';
import { parseCommand } from './main.js';
import { reportDiagnostics } from './check.js';
import { exitCodes, readSource } from './io.js';

export function runSummary(args: string[], io: CommandIO): number {
  const { file } = parseCommand('summary', args, {});
  const source = readSource(file);
  const result = compile(source, { fileName: file, emit: false });
  if (!reportDiagnostics(result, file, source, io)) return exitCodes.errors;
  io.stdout.write(result.program.models.map(formatSummary).join('\n\n') + '\n');
  return exitCodes.ok;
}
