// The derivative dL/dpred of a custom loss (a formula over `pred` and `y`, already checked by
// compiler/check/custom-loss.ts), as TypeScript over tfjs ops, so that a training step through the
// derived backward pass needs no gradient tape even for a loss written in the `.nn` file.
//
// Reverse mode over the formula as a graph (equal subformulas merged, so `pred - y` written twice
// is computed once), with tfjs's own gradient conventions at the kinks so that the result agrees
// with the tape over the loss loss-expr.ts emits: max's tie goes to its first argument (tfjs'
// Maximum gradient is dy·[a ≥ b] and dy·[a < b]), min's too (dy·[a ≤ b], dy·[a > b]), clip is the
// same min(max(v, low), high) composition, and abs has gradient sign(x) (0 at 0) like the
// runtime's `abs`. Subformulas that do not depend on `pred` get no derivative at all. Each
// function's local rule is its entry in compiler/loss-functions.ts.
import type { Expr } from '../syntax/ast.js';
import { num } from '../layers/activations.js';
import { lossFunctionByName, type DerivativeAlgebra, type PrimitiveLossFunction } from '../loss-functions.js';

/** The operations of the formula itself; calls are the loss-function table's (`fn`). */
type Op = 'pred' | 'y' | 'number' | 'neg' | 'add' | 'sub' | 'mul' | 'div' | 'call';

/** A subformula; `args` were created before it, so creation order is a topological order. */
interface Node {
  readonly op: Op;
  /** The function of a `call` node. */
  readonly fn?: PrimitiveLossFunction;
  readonly args: readonly Node[];
  /** The constant of a `number` node. */
  readonly constant: number;
  /** One value per element of `pred` (and `y`), rather than one number. */
  readonly elements: boolean;
  readonly onPred: boolean;
  readonly index: number;
}

const BINARY_OPS = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' } as const;

class Graph {
  readonly nodes: Node[] = [];
  private readonly byKey = new Map<string, Node>();

  node(op: Op, args: Node[], constant = 0, fn?: PrimitiveLossFunction): Node {
    const key = op === 'number' ? `number ${num(constant)}` : `${fn?.name ?? op}(${args.map((a) => a.index).join(',')})`;
    const known = this.byKey.get(key);
    if (known) return known;
    const reduces = fn?.reduces === true;
    const node: Node = {
      op,
      ...(fn ? { fn } : {}),
      args,
      constant,
      elements: op === 'pred' || op === 'y' || (!reduces && args.some((a) => a.elements)),
      onPred: op === 'pred' || args.some((a) => a.onPred),
      index: this.nodes.length,
    };
    this.nodes.push(node);
    this.byKey.set(key, node);
    return node;
  }

  fromExpr(e: Expr): Node {
    switch (e.kind) {
      case 'number':
        return this.node('number', [], e.value);
      case 'name':
        return this.node(e.name === 'pred' ? 'pred' : 'y', []);
      case 'unary':
        return this.node('neg', [this.fromExpr(e.operand)]);
      case 'binary':
        return this.node(BINARY_OPS[e.op], [this.fromExpr(e.left), this.fromExpr(e.right)]);
      case 'call':
        return this.call(e.callee.name, e.args.map((a) => this.fromExpr(a.value)));
      default:
        throw new Error(`unchecked loss expression ${e.kind}`);
    }
  }

  /** A function call; a composed function as its parts, as loss-expr emits it (so ties follow the same rules). */
  private call(name: string, args: Node[]): Node {
    const fn = lossFunctionByName.get(name);
    if (!fn) throw new Error(`unchecked loss function ${name}`);
    if ('compose' in fn) return fn.compose(args, (inner, innerArgs) => this.call(inner, innerArgs));
    return this.node('call', args, 0, fn);
  }
}

/**
 * A piece of the emitted code. Terms are shared by identity: one used twice is emitted once, as a
 * `const`. `scale` is a plain JS number, coef · pred.size^power (the only sizes a derivative needs
 * are pred's: `y` has its shape), which tfjs ops take in place of a tensor.
 */
type Term =
  | { t: 'scale'; coef: number; power: number }
  | { t: 'param'; name: 'pred' | 'y' }
  | { t: 'call'; fn: string; args: Term[]; elements: boolean }
  | { t: 'mask'; cmp: 'greaterEqual' | 'less' | 'lessEqual' | 'greater'; a: Term; b: Term; elements: boolean };

const scale = (coef: number, power = 0): Term => ({ t: 'scale', coef, power });
const isScale = (x: Term): x is Extract<Term, { t: 'scale' }> => x.t === 'scale';
const isConstant = (x: Term, c: number) => isScale(x) && x.power === 0 && x.coef === c;
const elementsOf = (x: Term): boolean => (x.t === 'param' ? true : x.t === 'call' || x.t === 'mask' ? x.elements : false);
const call = (fn: string, args: Term[], elements = args.some(elementsOf)): Term => ({ t: 'call', fn, args, elements });

function add(a: Term, b: Term): Term {
  if (isConstant(a, 0)) return b;
  if (isConstant(b, 0)) return a;
  if (isScale(a) && isScale(b) && a.power === b.power) return scale(a.coef + b.coef, a.power);
  return call('add', [a, b]);
}

function sub(a: Term, b: Term): Term {
  if (isConstant(b, 0)) return a;
  if (isScale(a) && isScale(b) && a.power === b.power) return scale(a.coef - b.coef, a.power);
  return call('sub', [a, b]);
}

function mul(a: Term, b: Term): Term {
  if (isConstant(a, 1)) return b;
  if (isConstant(b, 1)) return a;
  if (isScale(a) && isScale(b)) return scale(a.coef * b.coef, a.power + b.power);
  if (isScale(a) || isScale(b)) {
    // Numbers gather into one factor, written last: tf.mul(x, 2 / pred.size).
    const [k, x] = isScale(a) ? [a, b] : [b, a as Term];
    const factor = scaledBy(x);
    return factor ? mul(factor.x, mul(k, factor.k)) : call('mul', [x, k]);
  }
  return call('mul', [a, b]);
}

/** x as (term) · (number), when it is one. */
function scaledBy(x: Term): { x: Term; k: Term } | null {
  if (x.t !== 'call' || x.fn !== 'mul') return null;
  const [p, q] = x.args as [Term, Term];
  return isScale(q) ? { x: p, k: q } : isScale(p) ? { x: q, k: p } : null;
}

function div(a: Term, b: Term): Term {
  if (isConstant(b, 1)) return a;
  if (isScale(a) && isScale(b) && b.coef !== 0) return scale(a.coef / b.coef, a.power - b.power);
  return call('div', [a, b]);
}

function neg(a: Term): Term {
  if (isScale(a)) return scale(-a.coef, a.power);
  const factor = scaledBy(a);
  if (factor) return mul(factor.x, neg(factor.k));
  // −(p / q) as (−p) / q where p takes the sign for free.
  if (a.t === 'call' && a.fn === 'div' && (isScale(a.args[0]!) || scaledBy(a.args[0]!))) return div(neg(a.args[0]!), a.args[1]!);
  return call('neg', [a]);
}

const mask = (cmp: Extract<Term, { t: 'mask' }>['cmp'], a: Term, b: Term): Term => ({ t: 'mask', cmp, a, b, elements: elementsOf(a) || elementsOf(b) });

/** Each node's value as a term, made once per node so that every use shares it. */
class Values {
  private readonly terms = new Map<Node, Term>();
  readonly all = new Set<Term>();

  of(n: Node): Term {
    const known = this.terms.get(n);
    if (known) return known;
    const [a, b] = n.args.map((x) => this.of(x));
    let term: Term;
    switch (n.op) {
      case 'pred':
      case 'y':
        term = { t: 'param', name: n.op };
        break;
      case 'number':
        term = scale(n.constant);
        break;
      case 'neg':
        term = neg(a!);
        break;
      case 'add':
        term = add(a!, b!);
        break;
      case 'sub':
        term = sub(a!, b!);
        break;
      case 'mul':
        term = mul(a!, b!);
        break;
      case 'div':
        term = div(a!, b!);
        break;
      case 'call': {
        const fn = n.fn!;
        const args = n.args.map((x) => this.of(x));
        term = fn.reduces ? call(fn.op, args, false) : call(fn.op, args);
        break;
      }
    }
    this.terms.set(n, term);
    this.all.add(term);
    return term;
  }
}

/** What flows into `child` from `g`, the part of `parent`'s adjoint it contributes. */
function intoChild(parent: Node, child: Node, g: Term): Term {
  if (child.elements || !parent.elements) return g;
  // A number broadcast over pred's shape collects the adjoint of every element.
  return elementsOf(g) ? call('sum', [g], false) : mul(g, scale(1, 1));
}

/** The local rule of each operation: the adjoint of each of `n`'s arguments, given `n`'s adjoint g. */
function argumentAdjoints(n: Node, g: Term, values: Values): Term[] {
  const arg = (i: number) => values.of(n.args[i]!);
  switch (n.op) {
    case 'pred':
    case 'y':
    case 'number':
      return [];
    case 'neg':
      return [neg(g)];
    case 'add':
      return [g, g];
    case 'sub':
      return [g, neg(g)];
    case 'mul':
      return [mul(g, arg(1)), mul(g, arg(0))];
    case 'div':
      // As tfjs: −g·a / b², not −g·(a/b)/b, to round the same way.
      return [div(g, arg(1)), neg(div(mul(g, arg(0)), call('square', [arg(1)])))];
    case 'call':
      return n.fn!.derivative(algebra(n, g, values));
  }
}

/** The algebra the loss-function table writes its derivatives in, for node `n` with adjoint `g`. */
function algebra(n: Node, g: Term, values: Values): DerivativeAlgebra<Term> {
  return {
    g,
    arg: (i) => values.of(n.args[i]!),
    value: () => values.of(n),
    inverseSize: (i) => (n.args[i]!.elements ? scale(1, -1) : scale(1)),
    constant: (k) => scale(k),
    add,
    sub,
    mul,
    div,
    call: (op, args) => call(op, args),
    mask,
  };
}

/** dL/dpred as a term (null when the loss does not depend on pred), and the value terms. */
function differentiate(e: Expr): { gradient: Term | null; values: Values } {
  const graph = new Graph();
  const root = graph.fromExpr(e);
  const values = new Values();
  const adjoints = new Map<Node, Term>();
  if (root.onPred) adjoints.set(root, scale(1));
  let gradient: Term | null = null;
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    const g = adjoints.get(n);
    if (g === undefined) continue;
    if (n.op === 'pred') gradient = g;
    argumentAdjoints(n, g, values).forEach((d, k) => {
      const child = n.args[k]!;
      if (!child.onPred) return;
      const flowing = intoChild(n, child, d);
      const before = adjoints.get(child);
      adjoints.set(child, before === undefined ? flowing : add(before, flowing));
    });
  }
  return { gradient, values };
}

/** The body of `(y, pred) => dL/dpred`: consts, then the returned expression; which parameters it reads. */
export interface LossGradientCode {
  consts: string[];
  result: string;
  uses: { y: boolean; pred: boolean };
}

function printScale(x: Extract<Term, { t: 'scale' }>, uses: LossGradientCode['uses']): string {
  if (x.power === 0) return num(x.coef);
  uses.pred = true;
  const size = Math.abs(x.power) === 1 ? 'pred.size' : `pred.size ** ${Math.abs(x.power)}`;
  if (x.power > 0) return x.coef === 1 ? size : `${num(x.coef)} * ${size}`;
  return `${num(x.coef)} / ${size}`;
}

/** dL/dpred of the checked loss `e`, as TypeScript over `tf`, `y` and `pred`. */
export function emitLossGradient(e: Expr): LossGradientCode {
  const { gradient, values } = differentiate(e);
  const uses = { y: false, pred: false };
  if (gradient === null) {
    uses.pred = true;
    return { consts: [], result: 'tf.zerosLike(pred)', uses };
  }
  // How often each term is referenced; a call referenced twice becomes a const.
  const refs = new Map<Term, number>();
  const count = (x: Term): void => {
    const seen = refs.get(x) ?? 0;
    refs.set(x, seen + 1);
    if (seen > 0) return;
    if (x.t === 'call') x.args.forEach(count);
    if (x.t === 'mask') [x.a, x.b].forEach(count);
  };
  count(gradient);
  const consts: string[] = [];
  const names = new Map<Term, string>();
  let valueCount = 0;
  let gradientCount = 0;
  const print = (x: Term): string => {
    switch (x.t) {
      case 'scale':
        return printScale(x, uses);
      case 'param':
        uses[x.name] = true;
        return x.name;
    }
    const known = names.get(x);
    if (known) return known;
    const code = x.t === 'call' ? `tf.${x.fn}(${x.args.map(print).join(', ')})` : `tf.cast(tf.${x.cmp}(${print(x.a)}, ${print(x.b)}), 'float32')`;
    if ((refs.get(x) ?? 0) < 2) return code;
    const name = values.all.has(x) ? `v${++valueCount}` : `g${++gradientCount}`;
    consts.push(`const ${name} = ${code};`);
    names.set(x, name);
    return name;
  };
  let result = print(gradient);
  if (!elementsOf(gradient)) {
    // The same slope at every element: give it pred's shape, as the tape does.
    uses.pred = true;
    result = isScale(gradient) ? `tf.fill(pred.shape, ${result})` : `tf.broadcastTo(${result}, pred.shape)`;
  }
  return { consts, result, uses };
}
