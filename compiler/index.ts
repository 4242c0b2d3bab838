// The compiler's public API (the package's main export).
export { compile, type CompileOptions, type CompileResult } from './compile.js';
export type { Diagnostic, Severity, Fix, TextEdit, RelatedSpan } from './diagnostics/types.js';
export { catalogue, type DiagnosticCode } from './diagnostics/catalogue.js';
export { renderDiagnostics, diagnosticsToJson, type JsonDiagnostic } from './diagnostics/render.js';
export { LineMap, type Position } from './source.js';
export type * from './ir.js';
export { layers, layerByName } from './layers/registry.js';
export { formatSummary } from './summary.js';
export { compilerVersion } from './version.js';
