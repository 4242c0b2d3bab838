// Generated modules reach the runtime through one namespace import, `rt`, so no name from the
// `.nn` file (a model called `History`, a layer output called `step`) can shadow a runtime export.
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
