// `nnc`: the command line. It only dispatches: each command is a module of its own, loaded on
// demand, and what commands share lives in io.ts (streams, exit codes, output), args.ts (parsing)
// and usage.ts (help texts). Exit codes: 0 clean, 1 errors in the input, 2 usage, 70 internal error.
import { compilerVersion } from '../compiler/version.js';
import { asksForHelp } from './args.js';
import type { CommandIO } from './io.js';
import { errorLine, exitCodes, HelpRequested, UsageError } from './io.js';
import type { CommandName } from './usage.js';
import { commandUsage, isCommandName, overallUsage } from './usage.js';

type Command = (args: string[], io: CommandIO) => Promise<number> | number;

// Loaded on demand: `nnc check` should not pay for loading TensorFlow.js and TypeScript.
const commands: Record<CommandName, () => Promise<Command>> = {
  check: async () => (await import('./check.js')).runCheck,
  compile: async () => (await import('./compile-command.js')).runCompile,
  summary: async () => (await import('./summary-command.js')).runSummary,
  graph: async () => (await import('./graph-command.js')).runGraph,
  train: async () => (await import('./train-command.js')).runTrain,
  fmt: async () => (await import('./fmt-command.js')).runFmt,
  lsp: async () => (await import('./lsp-command.js')).runLsp,
};

const commandList = Object.keys(commands).join(', ');

export async function main(argv: string[], io: CommandIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help') {
      io.stdout.write(overallUsage() + '\n');
      return command === undefined ? exitCodes.usage : exitCodes.ok;
    }
    if (command === 'help') return help(rest, io);
    if (command === '-v' || command === '--version') {
      io.stdout.write(`nnc ${compilerVersion}\n`);
      return exitCodes.ok;
    }
    if (!isCommandName(command)) throw new UsageError(`unknown command \`${command}\`; commands are ${commandList} (see \`nnc --help\`)`);
    // `nnc lsp --help` too, whose command reads its own line.
    if (asksForHelp(rest)) throw new HelpRequested(command);
    return await (await commands[command]())(rest, io);
  } catch (e) {
    if (e instanceof HelpRequested && isCommandName(e.command)) {
      io.stdout.write(commandUsage(e.command) + '\n');
      return exitCodes.ok;
    }
    if (e instanceof UsageError) {
      io.stderr.write(errorLine(e.message, io.stderr) + '\n');
      return exitCodes.usage;
    }
    io.stderr.write(errorLine(`internal error in nnc: ${(e as Error)?.message ?? String(e)}`, io.stderr) + '\n');
    return exitCodes.internal;
  }
}

/** `nnc help` and `nnc help CMD`. */
function help(args: string[], io: CommandIO): number {
  const [name, ...extra] = args;
  if (name === undefined) {
    io.stdout.write(overallUsage() + '\n');
    return exitCodes.ok;
  }
  if (extra.length > 0) throw new UsageError('`nnc help` takes one command name');
  if (!isCommandName(name)) throw new UsageError(`unknown command \`${name}\`; commands are ${commandList}`);
  io.stdout.write(commandUsage(name) + '\n');
  return exitCodes.ok;
}
