// File access and the small conventions every command shares: exit codes and error lines.
import { readFileSync, statSync } from 'node:fs';
import { styleText } from 'node:util';

export const exitCodes = { ok: 0, errors: 1, usage: 2, internal: 70 } as const;

/** Raised for bad command lines and unreadable files: exit 2 with a one-line message. */
export class UsageError extends Error {}

export function readSource(path: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`cannot read ${path}: no such file`);
  }
  if (stat.isDirectory()) throw new UsageError(`${path} is a directory; give a .nn file`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env['NO_COLOR'];
}

export function errorLine(text: string, stream: NodeJS.WriteStream = process.stderr): string {
  return useColor(stream) ? `${styleText('red', 'error')}: ${text}` : `error: ${text}`;
}
