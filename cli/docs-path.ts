// The docs that help text names ship in the package (package.json "files"), so help points at the
// installed copy: a path that exists wherever nnc is installed, not one relative to the user's folder.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The installed `docs/<name>`: from dist/cli/ (the bin) or cli/ (the sources, in tests). */
export function docPath(name: string): string {
  for (const up of ['../../docs/', '../docs/']) {
    const path = fileURLToPath(new URL(up + name, import.meta.url));
    if (existsSync(path)) return path;
  }
  return `docs/${name}`;
}
