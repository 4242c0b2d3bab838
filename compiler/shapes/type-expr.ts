// A dimension written in a type annotation: a number, a symbol, or arithmetic over them
// (`2*n + 1`, `h/2`, `(h - 1)/2`). `/` is floor division by a whole number, as in conv and pool
// output sizes; division by a symbol has no canonical form and is refused.
import type { Expr, Span } from '../syntax/ast.js';
import { addDims, constDim, floorDivDim, mulDims, subDims, symDim, type Dim } from './dim.js';

export type DimResult = { ok: true; dim: Dim } | { ok: false; span: Span; message: string; help?: string };

export function dimOfExpr(e: Expr): DimResult {
  switch (e.kind) {
    case 'number':
      if (!Number.isInteger(e.value) || e.value < 0) return { ok: false, span: e.span, message: `a dimension must be a whole number of at least 1, found ${e.text}` };
      return { ok: true, dim: constDim(e.value) };
    case 'name':
      return { ok: true, dim: symDim(e.name) };
    case 'unary': {
      const inner = dimOfExpr(e.operand);
      return inner.ok ? { ok: true, dim: subDims(constDim(0), inner.dim) } : inner;
    }
    case 'binary': {
      const left = dimOfExpr(e.left);
      if (!left.ok) return left;
      if (e.op === '/') {
        if (e.right.kind !== 'number' || !Number.isInteger(e.right.value) || e.right.value < 1) {
          return { ok: false, span: e.right.span, message: 'a dimension can be divided only by a whole number of at least 1', help: 'write e.g. `h/2` (floor division)' };
        }
        return { ok: true, dim: floorDivDim(left.dim, e.right.value) };
      }
      const right = dimOfExpr(e.right);
      if (!right.ok) return right;
      const op = e.op === '+' ? addDims : e.op === '-' ? subDims : mulDims;
      return { ok: true, dim: op(left.dim, right.dim) };
    }
    default:
      return { ok: false, span: e.span, message: 'a dimension is a number, a name such as `batch`, or arithmetic over them such as `h/2`' };
  }
}
