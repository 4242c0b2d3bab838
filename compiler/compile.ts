// The one entry point shared by the CLI, the language server and the tests: source text in,
// diagnostics + typed program + TypeScript out. Pure: no file system, no clock, no randomness.
import { checkProgram } from './check/program.js';
import { generateModule } from './codegen/module.js';
import { DEFAULT_RUNTIME_MODULE } from './codegen/imports.js';
import { diagnostic, DiagnosticSink } from './diagnostics/make.js';
import type { Diagnostic } from './diagnostics/types.js';
import type { ProgramIR } from './ir.js';
import { parseFile } from './syntax/parse.js';
import type { SourceFileNode } from './syntax/ast.js';
import { compilerVersion } from './version.js';

export interface CompileOptions {
  /**
   * The file name shown in diagnostics and in the generated header; its base name marks where each
   * part of the generated code comes from (`// chain.nn:5 dense(8)`). Default `input.nn`.
   */
  fileName?: string;
  /** Module specifier generated code imports the runtime from (default `nnc-runtime`). */
  runtimeModule?: string;
  /** Skip code generation (checking only: faster, for `nnc check` and the editor). */
  emit?: boolean;
  /**
   * Emit `lossAndGradients` (the backward pass derived by the compiler) on single-input,
   * single-output models whose layers all have a backward rule (codegen/backward.ts); the training
   * loop then uses it instead of the gradient tape where it applies
   * (docs/performance.md). On by default; `false` leaves it out, so training uses the tape.
   */
  derivedBackward?: boolean;
  /**
   * The text of data files the source names (`csv("iris.csv", …)`), by the path as written;
   * `null` for a file that does not exist. Given, the files are checked at compile time; absent,
   * they are checked when loaded. compile() itself never reads files.
   */
  files?: Readonly<Record<string, string | null>>;
}

export interface CompileResult {
  /** The generated TypeScript, when there are no errors and `emit` was not false. */
  output: string | undefined;
  diagnostics: Diagnostic[];
  /** The typed program: whatever could be checked, even when there are errors. */
  program: ProgramIR;
  ast: SourceFileNode;
  hasErrors: boolean;
}

export function compile(source: string, options: CompileOptions = {}): CompileResult {
  const sink = new DiagnosticSink();
  const emptyProgram: ProgramIR = { models: [], data: [], trains: [] };
  let ast: SourceFileNode = { decls: [] };
  let program = emptyProgram;
  let output: string | undefined;
  try {
    ast = parseFile(source, sink).ast;
    if (ast.decls.length === 0 && !sink.hasErrors) {
      sink.warning('NN1004', { start: 0, end: 0 }, 'this file declares nothing', { help: 'start with `model Name { input x: [batch, 2]  dense(1) }`' });
    }
    program = checkProgram(ast, sink, options.files);
    if (!sink.hasErrors && options.emit !== false) {
      output = generateModule(program, {
        sourceName: options.fileName ?? 'input.nn',
        source,
        runtimeModule: options.runtimeModule ?? DEFAULT_RUNTIME_MODULE,
        compilerVersion,
        derivedBackward: options.derivedBackward !== false,
      });
    }
  } catch (e) {
    // A bug in nnc, in any phase (code generation too), must still end in a diagnostic, never a
    // stack trace in the user's face.
    sink.add(diagnostic('NN5002', { start: 0, end: 0 }, `internal compiler error: ${e instanceof Error ? e.message : String(e)}`, { help: 'please report this with the file that caused it' }));
  }
  const hasErrors = sink.hasErrors;
  // Inside a declaration the parser had to repair, later phases see a guessed tree: their
  // complaints would be echoes of the syntax error, so only the syntax error is shown there.
  const repaired = ast.decls.filter((d) => d.recovered).map((d) => d.span);
  const echoes = (d: Diagnostic) => !d.code.startsWith('NN1') && repaired.some((s) => d.span.start >= s.start && d.span.end <= s.end);
  const diagnostics = sink.items.filter((d) => !echoes(d)).sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
  return { output, diagnostics, program, ast, hasErrors };
}
