// Tensor types written in the source (`[batch, 28, 28, 1]`): resolving them to dims, and checking
// a value against a declared type.
import type { DiagnosticSink } from '../diagnostics/make.js';
import { constDim, showShape, symDim, unknownDim, type Dim, type Shape } from '../shapes/dim.js';
import { describeCondition, sizeAgreement } from '../shapes/size-agreement.js';
import type { Span, TensorTypeNode } from '../syntax/ast.js';
import { dimOfExpr } from '../shapes/type-expr.js';

/** Turns `[batch, 2]` into dims: numbers are sizes, names are symbols. */
export function resolveType(type: TensorTypeNode, sink: DiagnosticSink): Shape {
  const dims: Dim[] = [];
  let ok = true;
  for (const d of type.dims) {
    if (d.kind === 'number') {
      if (!Number.isInteger(d.value) || d.value < 1) {
        sink.error('NN3006', d.span, `a dimension must be a whole number of at least 1, found ${d.text}`);
        ok = false;
        dims.push(unknownDim);
      } else dims.push(constDim(d.value));
    } else if (d.kind === 'name') {
      dims.push(symDim(d.name));
    } else {
      // Arithmetic such as `2*n + 1` or `h/2` (floor division by a whole number).
      const r = dimOfExpr(d);
      if (r.ok && r.dim.kind === 'const' && r.dim.value < 1) sink.error('NN3006', d.span, `a dimension must be at least 1, but this one is ${r.dim.value}`);
      else if (!r.ok) sink.error('NN3006', r.span, r.message, r.help ? { help: r.help } : {});
      else {
        dims.push(r.dim);
        continue;
      }
      ok = false;
      dims.push(unknownDim);
    }
  }
  if (dims.length === 0) {
    sink.error('NN3006', type.span, 'a tensor type needs at least one dimension, e.g. `[batch, 2]`');
    return undefined;
  }
  return ok ? dims : undefined;
}

/** Checks a value against a declared type already resolved (and, in a block, substituted). */
export function checkDeclaredShape(type: TensorTypeNode, declared: Dim[], v: { shape: Shape; span: Span }, sink: DiagnosticSink): void {
  if (!v.shape) return;
  const found = v.shape;
  // Sizes that differ, or agree only for some values of their symbols (`h` against `h/2`).
  const agreements = declared.length === found.length ? declared.map((d, i) => sizeAgreement(d, found[i]!)) : [];
  const depends = agreements.find((a) => a.result === 'depends');
  const symbolicDifference = agreements.map((a) => (a.result === 'different' && a.symbols.length > 0 ? a.symbols : undefined)).find((s) => s !== undefined);
  const mismatch = declared.length !== found.length || agreements.some((a) => a.result === 'different') || depends !== undefined;
  if (mismatch) {
    sink.error(declared.length !== found.length ? 'NN3101' : 'NN3103', type.span, 'the declared output shape differs from the one the layers produce', {
      label: `declared ${showShape(declared)}, found ${showShape(found)}${depends?.result === 'depends' ? ` (${describeCondition(depends)})` : symbolicDifference ? ` (different for every value of \`${symbolicDifference.join('`, `')}\`)` : ''}`,
      expected: showShape(declared),
      found: showShape(found),
      related: [{ span: v.span, message: `produces ${showShape(found)}` }],
      help: `change the declaration to ${showShape(found)}, or the last layer's size`,
      fixes: [{ title: `Declare ${showShape(found)}`, edits: [{ span: type.span, newText: showShape(found) }] }],
    });
  }
}

