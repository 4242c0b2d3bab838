// The abstract syntax tree. Every node carries the source span it came from (offsets into the
// source; line/column are computed on demand by compiler/source.ts).

export interface Span {
  start: number;
  end: number;
}

export interface Ident {
  name: string;
  span: Span;
}

export interface SourceFileNode {
  decls: Decl[];
}

export type Decl = ModelDecl | BlockDecl | DataDecl | TrainDecl;

/** Set on a declaration in which the parser had to recover from a syntax error. */
interface Recoverable {
  recovered?: boolean;
}

export interface ModelDecl extends Recoverable {
  kind: 'model';
  name: Ident;
  body: ModelStatement[];
  span: Span;
}

export type ModelStatement = InputStatement | OutputStatement | LetStatement | LayerStatement | RepeatStatement | ExprStatement;

/** `block Name(filters: int = 16) { … }`: a parameterised piece of a model, inlined where used. */
export interface BlockDecl extends Recoverable {
  kind: 'block';
  name: Ident;
  params: BlockParam[];
  body: ModelStatement[];
  span: Span;
}

export interface BlockParam {
  name: Ident;
  /** `int`, `float`, `bool` or `activation`. */
  type: Ident;
  default: Expr | undefined;
  span: Span;
}

/** `layer shared = dense(8)`: a layer instance; every use shares its weights. */
export interface LayerStatement {
  kind: 'layer';
  name: Ident;
  value: Expr;
  span: Span;
}

/** `repeat 3 { … }`: the statements applied three times in a chain. */
export interface RepeatStatement {
  kind: 'repeat';
  count: NumberLit;
  body: ModelStatement[];
  span: Span;
}

export interface InputStatement {
  kind: 'input';
  name: Ident;
  type: TensorTypeNode;
  span: Span;
}

export interface OutputStatement {
  kind: 'output';
  value: Expr;
  type: TensorTypeNode | undefined;
  span: Span;
}

export interface LetStatement {
  kind: 'let';
  name: Ident;
  value: Expr;
  span: Span;
}

export interface ExprStatement {
  kind: 'expr';
  expr: Expr;
  span: Span;
}

export interface TensorTypeNode {
  dims: Expr[];
  span: Span;
}

export type Expr = NumberLit | StringLit | NameRef | CallExpr | ListExpr | BinaryExpr | UnaryExpr | PipeExpr;

export interface NumberLit {
  kind: 'number';
  value: number;
  text: string;
  span: Span;
}

export interface StringLit {
  kind: 'string';
  value: string;
  span: Span;
}

export interface NameRef {
  kind: 'name';
  name: string;
  span: Span;
}

export interface Argument {
  name: Ident | undefined;
  value: Expr;
  span: Span;
}

export interface CallExpr {
  kind: 'call';
  callee: Ident;
  args: Argument[];
  span: Span;
}

export interface ListExpr {
  kind: 'list';
  items: Expr[];
  span: Span;
}

export interface BinaryExpr {
  kind: 'binary';
  op: '+' | '-' | '*' | '/';
  left: Expr;
  right: Expr;
  span: Span;
}

export interface UnaryExpr {
  kind: 'unary';
  op: '-';
  operand: Expr;
  span: Span;
}

/** `a |> f(...)`: applies the call on the right to the value on the left. */
export interface PipeExpr {
  kind: 'pipe';
  source: Expr;
  stages: Expr[];
  span: Span;
}

export interface DataDecl extends Recoverable {
  kind: 'data';
  name: Ident;
  table: TableNode;
  /** Set instead of a table's rows for `data d = csv(…) |> …`: a source and its transforms. */
  source?: Expr;
  span: Span;
}

export interface TableNode {
  features: Ident[];
  labels: Ident[];
  rows: TableRow[];
  span: Span;
}

export interface TableRow {
  features: NumberLit[];
  labels: NumberLit[];
  span: Span;
  /** 1-based lines of the row's first and last token: rows are one per line. */
  firstLine: number;
  lastLine: number;
  /** Ended by `;`, which lets the next row follow on the same line. */
  terminated: boolean;
}

export interface TrainDecl extends Recoverable {
  kind: 'train';
  model: Ident;
  /** Every model named before `on` (`train G, D on …`), the first one included. */
  models?: Ident[];
  data: Ident;
  props: Property[];
  /** `step name: minimize <loss> over M with <optimizer>`: several models trained in one loop. */
  steps?: TrainStepNode[];
  span: Span;
}

export interface TrainStepNode {
  /** The `step` keyword-like name and the step's own name. */
  keyword: Ident;
  name: Ident;
  /** `minimize`, as written. */
  verb: Ident;
  loss: Expr;
  /** `over`, as written, and the models whose weights the step updates. */
  overWord: Ident;
  over: Ident[];
  /** `with`, as written, and the optimizer. */
  withWord?: Ident;
  optimizer?: Expr;
  span: Span;
}

export interface Property {
  key: Ident;
  value: Expr;
  span: Span;
}

export function spanOf(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
