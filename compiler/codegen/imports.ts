// Generated modules reach the runtime through one namespace import, `rt`, so no name from the
// `.nn` file (a model called `History`, a layer output called `step`) can shadow a runtime export.
// The runtime is the `nnc-runtime` package (compile()'s default `runtimeModule`): what an app
// installs, apart from the compiler.

import type { RuntimeTypeName, RuntimeValueName } from './runtime-contract.js';

/** The module specifier generated code imports the runtime from, unless compile() is told another. */
export const DEFAULT_RUNTIME_MODULE = 'nnc-runtime';

export class RuntimeImports {
  /** `rt.name`; the name is checked against the runtime's exports at build time (runtime-contract.ts). */
  use(name: RuntimeValueName): string {
    return `rt.${name}`;
  }

  useType(name: RuntimeTypeName): string {
    return `rt.${name}`;
  }

  lines(from: string): string[] {
    return [`import * as rt from ${JSON.stringify(from)};`, `import { tf } from ${JSON.stringify(from)};`];
  }
}
