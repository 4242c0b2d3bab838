// Generated modules reach the runtime through one namespace import, `rt`, so no name from the
// `.nn` file (a model called `History`, a layer output called `step`) can shadow a runtime export.
// The runtime is the `nnc-runtime` package (compile()'s default `runtimeModule`): what an app
// installs, apart from the compiler.

/** The module specifier generated code imports the runtime from, unless compile() is told another. */
export const DEFAULT_RUNTIME_MODULE = 'nnc-runtime';

export class RuntimeImports {
  use(name: string): string {
    return `rt.${name}`;
  }

  useType(name: string): string {
    return `rt.${name}`;
  }

  lines(from: string): string[] {
    return [`import * as rt from ${JSON.stringify(from)};`, `import { tf } from ${JSON.stringify(from)};`];
  }
}
