// `--watch`: run a command's round, then again whenever one of the files it read changes, until
// Ctrl-C (exit 0). The folders are watched rather than the files, because editors save by writing
// a new file and renaming it over the old one, which ends a watch on the file itself. Changes are
// debounced: one save is often several events.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { CommandIO } from './io.js';
import { errorLine, plural, UsageError } from './io.js';

export interface WatchRound {
  /** The files the round read (the .nn files and the data files they name): a change to any reruns it. */
  inputs: readonly string[];
}

export interface WatchOptions {
  /** Quiet time after the last event before the round runs again. */
  debounceMs?: number;
}

/** `files`: what the command was given, watched until a round says what it read. */
export async function watchAndRerun(files: readonly string[], round: () => Promise<WatchRound>, io: CommandIO, options: WatchOptions = {}): Promise<number> {
  const debounceMs = options.debounceMs ?? 150;
  const watchers = new Map<string, FSWatcher>();
  let inputs = new Set(files.map((f) => path.resolve(f)));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let changed = new Set<string>();

  const runRound = async (): Promise<void> => {
    running = true;
    try {
      const result = await round();
      inputs = new Set([...files, ...result.inputs].map((f) => path.resolve(f)));
    } catch (e) {
      // A file that went away or a bad round is reported and watched for; the watch goes on.
      const message = e instanceof UsageError ? e.message : `internal error in nnc: ${(e as Error)?.message ?? String(e)}`;
      io.stderr.write(errorLine(message, io.stderr) + '\n');
    } finally {
      running = false;
    }
    if (stopped) return;
    follow([...inputs]);
    io.stderr.write(`watching ${plural(inputs.size, 'file')} for changes (Ctrl-C to stop)\n`);
    if (again) {
      again = false;
      schedule();
    }
  };

  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (running) {
        again = true;
        return;
      }
      const names = [...changed].map((f) => path.relative(process.cwd(), f) || f);
      changed = new Set();
      io.stderr.write(`\n[${new Date().toTimeString().slice(0, 8)}] ${names.join(', ') || 'a file'} changed\n`);
      void runRound();
    }, debounceMs);
  };

  const follow = (files: readonly string[]): void => {
    const folders = new Set(files.map((f) => path.dirname(f)));
    for (const [folder, watcher] of watchers) {
      if (!folders.has(folder)) {
        watcher.close();
        watchers.delete(folder);
      }
    }
    for (const folder of folders) {
      if (watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, (_event, name) => {
          const file = name === null ? undefined : path.join(folder, name.toString());
          if (file !== undefined && !inputs.has(file)) return;
          if (file !== undefined) changed.add(file);
          schedule();
        });
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(folder);
        });
        watchers.set(folder, watcher);
      } catch {
        io.stderr.write(errorLine(`cannot watch ${folder}`, io.stderr) + '\n');
      }
    }
  };

  return new Promise<number>((resolve) => {
    const stop = (): void => {
      stopped = true;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (timer) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      resolve(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    void runRound();
  });
}
