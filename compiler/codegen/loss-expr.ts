// A custom loss (already checked by compiler/check/custom-loss.ts) as a TypeScript arrow function
// over tfjs ops, each function as compiler/loss-functions.ts says.
// In a plan it carries its derivative dL/dpred (loss-derivative.ts) through `rt.withGradient`.
import type { Expr } from '../syntax/ast.js';
import { num } from '../layers/activations.js';
import { lossFunctionByName } from '../loss-functions.js';
import type { RuntimeImports } from './imports.js';
import { emitLossGradient } from './loss-derivative.js';
import type { CodeWriter } from './writer.js';

const ops = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' } as const;

function emit(e: Expr, rt: RuntimeImports): string {
  switch (e.kind) {
    case 'number':
      return `tf.scalar(${num(e.value)})`;
    case 'name':
      return e.name === 'pred' ? 'pred' : 'y';
    case 'unary':
      return `tf.neg(${emit(e.operand, rt)})`;
    case 'binary':
      return `tf.${ops[e.op]}(${emit(e.left, rt)}, ${emit(e.right, rt)})`;
    case 'call':
      return emitLossFunctionCall(e.callee.name, e.args.map((a) => emit(a.value, rt)), rt);
    default:
      throw new Error(`unchecked loss expression ${e.kind}`);
  }
}

/** A call of a function of the loss-function table, on already emitted arguments (also for a step's loss). */
export function emitLossFunctionCall(name: string, args: string[], rt: RuntimeImports): string {
  const fn = lossFunctionByName.get(name);
  if (!fn) throw new Error(`unchecked loss function ${name}`);
  if ('compose' in fn) return fn.compose(args, (inner, innerArgs) => emitLossFunctionCall(inner, innerArgs, rt));
  return fn.emit ? fn.emit(args, rt) : `tf.${fn.op}(${args.join(', ')})`;
}

/** `(y: tf.Tensor, pred: tf.Tensor): tf.Tensor => …`; names the checker rejected never get here. */
export function emitCustomLoss(e: Expr, rt: RuntimeImports): string {
  const used = new Set<string>();
  const visit = (x: Expr): void => {
    if (x.kind === 'name') used.add(x.name);
    else if (x.kind === 'unary') visit(x.operand);
    else if (x.kind === 'binary') [x.left, x.right].forEach(visit);
    else if (x.kind === 'call') x.args.forEach((a) => visit(a.value));
  };
  visit(e);
  return `${parameters(used.has('y'), used.has('pred'))}: tf.Tensor => ${emit(e, rt)}`;
}

/** Unused parameters get a leading `_`, which `--noUnusedParameters` allows. */
function parameters(y: boolean, pred: boolean): string {
  return `(${y ? 'y' : '_y'}: tf.Tensor, ${pred ? 'pred' : '_pred'}: tf.Tensor)`;
}

/**
 * Writes the plan's `loss:` property: `rt.withGradient(loss, gradient)`, the loss as
 * `emitCustomLoss` writes it and its derivative with respect to `pred`, which the backward pass the
 * compiler derives uses in place of a gradient tape.
 */
export function emitCustomLossWithGradient(e: Expr, w: CodeWriter, rt: RuntimeImports): void {
  const gradient = emitLossGradient(e);
  const head = `${parameters(gradient.uses.y, gradient.uses.pred)}: tf.Tensor =>`;
  w.block(`loss: ${rt.use('withGradient')}(`, () => {
    w.line(`${emitCustomLoss(e, rt)},`);
    w.line('// dL/dpred, differentiated by nnc from the formula.');
    if (gradient.consts.length === 0) {
      w.line(`${head} ${gradient.result},`);
      return;
    }
    w.block(`${head} {`, () => {
      gradient.consts.forEach((c) => w.line(c));
      w.line(`return ${gradient.result};`);
    }, '},');
  }, '),');
}
