// The data files a `.nn` program names (`csv("iris.csv", …)`), read relative to the `.nn` file so
// that compile() (which reads nothing itself) can check their columns and rows. A first pass
// without files finds the paths; it is cheap next to reading the files.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from '../compiler/compile.js';

/** File text by the path as written in the source; `null` for a file that is not there. */
export function dataFilesOf(source: string, file: string): Record<string, string | null> {
  const baseDir = path.dirname(path.resolve(file));
  const first = compile(source, { fileName: file, emit: false });
  const files: Record<string, string | null> = {};
  for (const data of first.program.data) {
    const src = data.spec?.source;
    if (src?.kind !== 'csv' && src?.kind !== 'json') continue;
    const full = path.resolve(baseDir, src.path);
    try {
      files[src.path] = existsSync(full) ? readFileSync(full, 'utf8') : null;
    } catch {
      files[src.path] = null;
    }
  }
  return files;
}
