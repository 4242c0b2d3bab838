// A command's line: Node's util.parseArgs, with its errors turned into one-line usage errors,
// `--help` anywhere answered with the command's help, and the .nn files it names.
import { parseArgs } from 'node:util';
import { HelpRequested, UsageError } from './io.js';
import type { CommandName } from './usage.js';

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

export interface ParsedCommand {
  /** The files named, in order (exactly one unless the command takes several). */
  files: string[];
  /** The first file. */
  file: string;
  values: Record<string, string | boolean | undefined>;
}

/** `--help` or `-h` before a `--` asks for the command's help, whatever else the line holds. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export function parseCommand(name: CommandName, args: string[], options: Options, files: 'one' | 'several' = 'one'): ParsedCommand {
  if (asksForHelp(args)) throw new HelpRequested(name);
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${argumentProblem(e as Error & { code?: string })} (see \`nnc ${name} --help\`)`);
  }
  const named = parsed.positionals;
  const first = named[0];
  if (first === undefined) throw new UsageError(`\`nnc ${name}\` needs a .nn file${files === 'several' ? ' (or several)' : ''}`);
  if (files === 'one' && named.length > 1) throw new UsageError(`\`nnc ${name}\` takes one file, got ${named.length}`);
  return { files: named, file: first, values: parsed.values as Record<string, string | boolean | undefined> };
}

/** parseArgs' messages are long and assume a programmer; say the one thing that is wrong. */
function argumentProblem(e: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option \`${option}\``;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const flag = option.split(' ')[0] ?? option;
    return /ambiguous/.test(e.message) ? `the value of \`${flag}\` starts with \`-\`: write it as \`${flag}=VALUE\`` : `\`${option}\` needs a value`;
  }
  return (e.message.split('\n')[0] ?? '').split('. ')[0]?.replace(/\.$/, '') ?? e.message;
}
