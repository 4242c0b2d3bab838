// `nnc check FILE.nn...`: names and shapes of each file, its diagnostics as text or JSON; with
// `--watch`, again on every change of a file or of a data file it reads.
import path from 'node:path';
import { compile } from '../compiler/compile.js';
import { diagnosticsToJson, renderDiagnostics } from '../compiler/diagnostics/render.js';
import { parseCommand } from './args.js';
import type { CommandIO } from './io.js';
import { exitCodes, plural, readSource, useColor } from './io.js';
import { dataFilesOf } from './data-files.js';
import { watchAndRerun, type WatchRound } from './watch.js';

export async function runCheck(args: string[], io: CommandIO): Promise<number> {
  const { files, values } = parseCommand('check', args, { json: { type: 'boolean' }, watch: { type: 'boolean', short: 'w' } }, 'several');
  const json = values['json'] === true;
  if (values['watch']) return watchAndRerun(files, async () => checkFiles(files, json, io), io);
  return checkFiles(files, json, io).code;
}

interface FileResult {
  file: string;
  source: string;
  result: ReturnType<typeof compile>;
  /** The data files the source names, resolved: a change to them changes the check. */
  dataFiles: string[];
}

function checkOne(file: string, source: string): FileResult {
  const data = dataFilesOf(source, file);
  const result = compile(source, { fileName: file, emit: false, files: data });
  const dataFiles = Object.keys(data).map((p) => path.resolve(path.dirname(path.resolve(file)), p));
  return { file, source, result, dataFiles };
}

/** Every file is read before any is checked, so a missing one is a usage error (exit 2), not a half report. */
function checkFiles(files: readonly string[], json: boolean, io: CommandIO): WatchRound & { code: number } {
  const sources = files.map(readSource);
  const results = files.map((file, i) => checkOne(file, sources[i] ?? ''));
  const counts = results.map(({ result }) => {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    return { errors, warnings: result.diagnostics.length - errors };
  });
  const errors = counts.reduce((n, c) => n + c.errors, 0);
  const warnings = counts.reduce((n, c) => n + c.warnings, 0);
  if (json) {
    // One shape for one file or many: every diagnostic names its file, and `files` counts per file.
    // One file also keeps `file` at the top, as before several files were taken.
    const report = {
      ...(files.length === 1 ? { file: files[0] } : {}),
      errors,
      warnings,
      files: results.map(({ file, result }, i) => ({ file, ok: !result.hasErrors, ...counts[i] })),
      diagnostics: results.flatMap(({ file, source, result }) => diagnosticsToJson(result.diagnostics, file, source)),
    };
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    results.forEach(({ file, source, result }, i) => {
      const { errors: e, warnings: w } = counts[i] ?? { errors: 0, warnings: 0 };
      if (result.diagnostics.length > 0) {
        io.stderr.write(renderDiagnostics(result.diagnostics, file, source, { color: useColor(io.stderr) }) + '\n');
        io.stderr.write(`\n${file}: ${plural(e, 'error')}, ${plural(w, 'warning')}\n`);
      } else {
        io.stdout.write(`${file}: ok (${plural(result.program.models.length, 'model')})\n`);
      }
    });
    if (results.length > 1) {
      const failed = results.filter(({ result }) => result.hasErrors).length;
      const line = `checked ${plural(results.length, 'file')}: ${failed === 0 ? 'all ok' : `${failed} with errors`} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})\n`;
      (failed === 0 ? io.stdout : io.stderr).write(line);
    }
  }
  const code = results.some(({ result }) => result.hasErrors) ? exitCodes.errors : exitCodes.ok;
  return { code, inputs: results.flatMap((r) => [r.file, ...r.dataFiles]) };
}

/** Prints diagnostics for a command that needs a clean file; returns false when there are errors. */
export function reportDiagnostics(result: ReturnType<typeof compile>, file: string, source: string, io: CommandIO): boolean {
  if (result.diagnostics.length > 0) io.stderr.write(renderDiagnostics(result.diagnostics, file, source, { color: useColor(io.stderr) }) + '\n');
  return !result.hasErrors;
}
