/// <reference types="node" />
// Node's file system for the runtime's host services (runtime/platform.ts).
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import type { HostFiles } from '../platform.js';

// Written beside the target and renamed over it, so a crash mid-write never leaves a torn file.
async function writeAtomically(file: string, contents: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(contents);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}

export const nodeFiles: HostFiles = {
  resolve: (base, file) => path.resolve(base ?? '.', file),
  join: (...parts) => path.join(...parts),
  basename: (file) => path.basename(file),
  readText: (file) => readFile(file, 'utf8'),
  readBytes: async (file) => new Uint8Array(await readFile(file)),
  writeAtomically,
  makeDir: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  remove: (target) => rm(target, { recursive: true, force: true }),
  list: (dir) => readdir(dir),
};
