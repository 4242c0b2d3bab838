// `nnc`: the command line. Argument parsing is Node's own util.parseArgs; each command is a small
// module. Exit codes: 0 clean, 1 errors in the input, 2 usage, 70 internal error.
import { parseArgs } from 'node:util';
import { compilerVersion } from '../compiler/version.js';
import { errorLine, exitCodes, UsageError } from './io.js';

const usage = `nnc ${compilerVersion}: a declarative language for neural networks

Usage:
  nnc compile FILE.nn [-o OUT.ts]      compile to a TypeScript module (default: FILE.ts)
  nnc check FILE.nn [--json]           check names and shapes; exit 0 clean, 1 errors
  nnc summary FILE.nn                  each model's layers, output shapes and parameter counts
  nnc graph FILE.nn [-o OUT.svg] [--model NAME] [--dot]
                                       a picture of the network (Graphviz layout)
  nnc train FILE.nn [--backend wasm|cpu|webgpu] [--threads auto|N] [--seed N] [--out DIR] [--resume DIR] [--tape] [--quiet]
                                       compile, train as the file's \`train\` blocks say, print metrics
  nnc fmt FILE.nn [--check | --write]  print the formatted file; --check: exit 1 if not formatted
  nnc lsp --stdio                      the language server (for editors; see docs/editor.md)

Options:
  -h, --help       this text
  -v, --version    the version

Docs: docs/language.md (the language), docs/diagnostics.md (every error code).`;

export interface CommandIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

type Command = (args: string[], io: CommandIO) => Promise<number> | number;

// Loaded on demand: `nnc check` should not pay for loading TensorFlow.js and TypeScript.
const commands: Record<string, () => Promise<Command>> = {
  compile: async () => (await import('./compile-command.js')).runCompile,
  check: async () => (await import('./check.js')).runCheck,
  summary: async () => (await import('./summary-command.js')).runSummary,
  train: async () => (await import('./train-command.js')).runTrain,
  graph: async () => (await import('./graph-command.js')).runGraph,
  fmt: async () => (await import('./fmt-command.js')).runFmt,
  lsp: async () => (await import('./lsp-command.js')).runLsp,
};

export async function main(argv: string[], io: CommandIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(usage + '\n');
      return command === undefined ? exitCodes.usage : exitCodes.ok;
    }
    if (command === '-v' || command === '--version') {
      io.stdout.write(`nnc ${compilerVersion}\n`);
      return exitCodes.ok;
    }
    const load = Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (!load) throw new UsageError(`unknown command \`${command}\`; commands are ${Object.keys(commands).join(', ')} (see \`nnc --help\`)`);
    return await (await load())(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(errorLine(e.message, io.stderr) + '\n');
      return exitCodes.usage;
    }
    io.stderr.write(errorLine(`internal error in nnc: ${(e as Error)?.message ?? String(e)}`, io.stderr) + '\n');
    return exitCodes.internal;
  }
}

/** util.parseArgs, with its errors turned into usage errors and exactly one positional FILE. */
export function parseCommand<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(
  name: string,
  args: string[],
  options: T,
): { file: string; values: Record<string, string | boolean | undefined> } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: options ?? {}, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${argumentProblem(e as Error & { code?: string })} (see \`nnc --help\`)`);
  }
  if (parsed.positionals.length !== 1) {
    throw new UsageError(parsed.positionals.length === 0 ? `\`nnc ${name}\` needs a .nn file` : `\`nnc ${name}\` takes one file, got ${parsed.positionals.length}`);
  }
  return { file: parsed.positionals[0]!, values: parsed.values as Record<string, string | boolean | undefined> };
}

/** parseArgs' messages are long and assume a programmer; say the one thing that is wrong. */
function argumentProblem(e: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option \`${option}\``;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /ambiguous/.test(e.message) ? `the value of \`${option.split(' ')[0]}\` starts with \`-\`: write it as \`${option.split(' ')[0]}=VALUE\`` : `\`${option}\` needs a value`;
  }
  return e.message.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, '');
}
