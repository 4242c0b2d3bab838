// Loads generated TypeScript into this process: strip types with TypeScript's transpileModule
// and import the result from a data: URL. The runtime is imported by absolute file URL, so the
// module works wherever nnc is installed, with no temporary files.
import ts from 'typescript';
import type { TrainingRun } from '../runtime/run.js';

export const runtimeUrl = new URL('../runtime/index.js', import.meta.url).href;

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
