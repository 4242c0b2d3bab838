// `nnc summary FILE.nn [--json]`: each model's layers in Keras' layout, or the same as JSON.
import { compile } from '../compiler/compile.js';
import { formatSummary } from '../compiler/summary.js';
import { parseCommand } from './args.js';
import { reportDiagnostics } from './check.js';
import type { CommandIO } from './io.js';
import { exitCodes, readSource } from './io.js';
import { summaryJson } from './summary-json.js';

export function runSummary(args: string[], io: CommandIO): number {
  const { file, values } = parseCommand('summary', args, { json: { type: 'boolean' } });
  const source = readSource(file);
  const result = compile(source, { fileName: file, emit: false });
  if (!reportDiagnostics(result, file, source, io)) return exitCodes.errors;
  if (values['json']) io.stdout.write(JSON.stringify(summaryJson(file, result.program.models), null, 2) + '\n');
  else io.stdout.write(result.program.models.map(formatSummary).join('\n\n') + '\n');
  return exitCodes.ok;
}
