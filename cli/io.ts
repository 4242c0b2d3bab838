// What every command shares: its streams, exit codes, error lines, reading a source and writing an
// output. Commands import this module, never cli/main.ts (which imports them).
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { styleText } from 'node:util';

export const exitCodes = { ok: 0, errors: 1, usage: 2, internal: 70 } as const;

/** Where a command writes: the process's streams, or a test's. */
export interface CommandIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Raised for bad command lines and unreadable files: exit 2 with a one-line message. */
export class UsageError extends Error {}

/** Raised by `--help` (or `-h`) anywhere on a command's line: its help on stdout, exit 0. */
export class HelpRequested extends Error {
  constructor(readonly command: string) {
    super(`help for ${command}`);
  }
}

export function readSource(file: string): string {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new UsageError(`cannot read ${file}: no such file`);
  }
  if (stat.isDirectory()) throw new UsageError(`${file} is a directory; give a .nn file`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * Writes a command's product to `out`: `-` means standard output; otherwise the file, with any
 * missing folders above it, followed by `wrote out.ts` on stdout (unless the product went there).
 */
export function writeOutput(out: string, text: string, io: CommandIO): void {
  if (out === '-') {
    io.stdout.write(text);
    return;
  }
  try {
    mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    writeFileSync(out, text);
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
  }
  io.stdout.write(`wrote ${out}\n`);
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env['NO_COLOR'];
}

export function errorLine(text: string, stream: NodeJS.WriteStream = process.stderr): string {
  return useColor(stream) ? `${styleText('red', 'error')}: ${text}` : `error: ${text}`;
}

/** `1 error`, `2 warnings`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
