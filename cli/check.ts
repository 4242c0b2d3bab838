import { compile } from '../compiler/compile.js';
import { diagnosticsToJson, renderDiagnostics } from '../compiler/diagnostics/render.js';
import type { CommandIO } from './main.js';
import { parseCommand } from './main.js';
import { exitCodes, readSource, useColor } from './io.js';
import { dataFilesOf } from './data-files.js';

export function runCheck(args: string[], io: CommandIO): number {
  const { file, values } = parseCommand('check', args, { json: { type: 'boolean' } });
  const source = readSource(file);
  const result = compile(source, { fileName: file, emit: false, files: dataFilesOf(source, file) });
  if (values['json']) {
    io.stdout.write(JSON.stringify({ file, diagnostics: diagnosticsToJson(result.diagnostics, file, source) }, null, 2) + '\n');
  } else if (result.diagnostics.length > 0) {
    io.stderr.write(renderDiagnostics(result.diagnostics, file, source, { color: useColor(io.stderr) }) + '\n');
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = result.diagnostics.length - errors;
    io.stderr.write(`\n${file}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  } else {
    io.stdout.write(`${file}: ok (${result.program.models.length} model${result.program.models.length === 1 ? '' : 's'})\n`);
  }
  return result.hasErrors ? exitCodes.errors : exitCodes.ok;
}

/** Prints diagnostics for a command that needs a clean file; returns false when there are errors. */
export function reportDiagnostics(result: ReturnType<typeof compile>, file: string, source: string, io: CommandIO): boolean {
  if (result.diagnostics.length > 0) io.stderr.write(renderDiagnostics(result.diagnostics, file, source, { color: useColor(io.stderr) }) + '\n');
  return !result.hasErrors;
}
