// CST → AST. Chevrotain groups a node's children by name, not by position, so operator sequences
// are re-ordered by offset. Recovered parses leave holes (missing tokens, tokens inserted with NaN
// offsets): every accessor tolerates them and drops what cannot be built, since the parse error
// has already been reported.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';

type Children = Record<string, CstElement[] | undefined>;

function isToken(e: CstElement): e is IToken {
  return (e as IToken).image !== undefined;
}

function tokens(node: CstNode, name: string): IToken[] {
  return ((node.children as Children)[name] ?? []).filter(isToken).filter((t) => !Number.isNaN(t.startOffset));
}

function nodes(node: CstNode, name: string): CstNode[] {
  return ((node.children as Children)[name] ?? []).filter((e): e is CstNode => !isToken(e));
}

function tokenSpan(t: IToken): A.Span {
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}

/**
 * The span of a CST node: from its first real token to its last. Cached per node: every node of a
 * nested expression asks, and walking each subtree afresh made building the AST quadratic-ish in
 * the nesting depth (it was most of the editor's time per keystroke).
 */
const spanKey = Symbol('span');
function nodeSpan(node: CstNode): A.Span | undefined {
  const cached = (node as CstNode & { [spanKey]?: A.Span | null })[spanKey];
  if (cached !== undefined) return cached ?? undefined;
  let start = Infinity;
  let end = -Infinity;
  for (const list of Object.values(node.children as Children)) {
    for (const e of list ?? []) {
      if (isToken(e)) {
        if (Number.isNaN(e.startOffset)) continue;
        start = Math.min(start, e.startOffset);
        end = Math.max(end, (e.endOffset ?? e.startOffset) + 1);
      } else {
        const inner = nodeSpan(e);
        if (inner) {
          start = Math.min(start, inner.start);
          end = Math.max(end, inner.end);
        }
      }
    }
  }
  const span = start === Infinity ? undefined : { start, end };
  (node as CstNode & { [spanKey]?: A.Span | null })[spanKey] = span ?? null;
  return span;
}

function ident(t: IToken | undefined): A.Ident | undefined {
  return t ? { name: t.image, span: tokenSpan(t) } : undefined;
}

export function buildAst(cst: CstNode): A.SourceFileNode {
  const decls: A.Decl[] = [];
  for (const d of nodes(cst, 'declaration')) {
    const built = buildDecl(d);
    if (built) decls.push(built);
  }
  return { decls };
}

function buildDecl(node: CstNode): A.Decl | undefined {
  const model = nodes(node, 'modelDecl')[0];
  if (model) return buildModel(model);
  const block = nodes(node, 'blockDecl')[0];
  if (block) return buildBlock(block);
  const data = nodes(node, 'dataDecl')[0];
  if (data) return buildData(data);
  const train = nodes(node, 'trainDecl')[0];
  if (train) return buildTrain(train);
  return undefined;
}

function buildModel(node: CstNode): A.ModelDecl | undefined {
  const name = ident(tokens(node, 'Identifier')[0]);
  const span = nodeSpan(node);
  if (!name || !span) return undefined;
  return { kind: 'model', name, body: buildStatements(node), span };
}

function buildBlock(node: CstNode): A.BlockDecl | undefined {
  const name = ident(tokens(node, 'Identifier')[0]);
  const span = nodeSpan(node);
  if (!name || !span) return undefined;
  const params: A.BlockParam[] = [];
  for (const p of nodes(node, 'blockParam')) {
    const [nameTok, typeTok] = tokens(p, 'Identifier');
    const paramName = ident(nameTok);
    const type = ident(typeTok);
    const paramSpan = nodeSpan(p);
    const defaultNode = nodes(p, 'expression')[0];
    if (paramName && type && paramSpan) params.push({ name: paramName, type, default: defaultNode && buildExpression(defaultNode), span: paramSpan });
  }
  return { kind: 'block', name, params, body: buildStatements(node), span };
}

function buildStatements(node: CstNode): A.ModelStatement[] {
  const body: A.ModelStatement[] = [];
  for (const s of nodes(node, 'modelStatement')) {
    const stmt = buildStatement(s);
    if (stmt) body.push(stmt);
  }
  return body;
}

function buildStatement(node: CstNode): A.ModelStatement | undefined {
  const layer = nodes(node, 'layerStatement')[0];
  if (layer) {
    const name = ident(tokens(layer, 'Identifier')[0]);
    const valueNode = nodes(layer, 'expression')[0];
    const value = valueNode && buildExpression(valueNode);
    const span = nodeSpan(layer);
    return name && value && span ? { kind: 'layer', name, value, span } : undefined;
  }
  const repeat = nodes(node, 'repeatStatement')[0];
  if (repeat) {
    const countTok = tokens(repeat, 'NumberLiteral')[0];
    const span = nodeSpan(repeat);
    return countTok && span ? { kind: 'repeat', count: numberLit(countTok), body: buildStatements(repeat), span } : undefined;
  }
  const input = nodes(node, 'inputStatement')[0];
  if (input) {
    const name = ident(tokens(input, 'Identifier')[0]);
    const typeNode = nodes(input, 'tensorType')[0];
    const type = typeNode && buildTensorType(typeNode);
    const span = nodeSpan(input);
    return name && type && span ? { kind: 'input', name, type, span } : undefined;
  }
  const output = nodes(node, 'outputStatement')[0];
  if (output) {
    const valueNode = nodes(output, 'expression')[0];
    const value = valueNode && buildExpression(valueNode);
    const typeNode = nodes(output, 'tensorType')[0];
    const span = nodeSpan(output);
    return value && span ? { kind: 'output', value, type: typeNode && buildTensorType(typeNode), span } : undefined;
  }
  const let_ = nodes(node, 'letStatement')[0];
  if (let_) {
    const name = ident(tokens(let_, 'Identifier')[0]);
    const valueNode = nodes(let_, 'expression')[0];
    const value = valueNode && buildExpression(valueNode);
    const span = nodeSpan(let_);
    return name && value && span ? { kind: 'let', name, value, span } : undefined;
  }
  const exprNode = nodes(node, 'expression')[0];
  const expr = exprNode && buildExpression(exprNode);
  return expr ? { kind: 'expr', expr, span: expr.span } : undefined;
}

function buildTensorType(node: CstNode): A.TensorTypeNode | undefined {
  const span = nodeSpan(node);
  if (!span) return undefined;
  const dims = nodes(node, 'additive')
    .map(buildAdditive)
    .filter((d): d is A.Expr => d !== undefined);
  return { dims, span };
}

function buildExpression(node: CstNode): A.Expr | undefined {
  const parts = nodes(node, 'additive')
    .map(buildAdditive)
    .filter((e): e is A.Expr => e !== undefined);
  const [source, ...stages] = parts;
  if (!source) return undefined;
  if (stages.length === 0) return source;
  const last = stages[stages.length - 1]!;
  return { kind: 'pipe', source, stages, span: { start: source.span.start, end: last.span.end } };
}

/** Folds `a op b op c` left-associatively; operands and operators are interleaved by offset. */
function foldBinary(
  operands: (A.Expr | undefined)[],
  operators: IToken[],
): A.Expr | undefined {
  const ops = [...operators].sort((a, b) => a.startOffset - b.startOffset);
  let acc = operands[0];
  for (let i = 1; i < operands.length; i++) {
    const right = operands[i];
    const op = ops[i - 1];
    if (!acc || !right || !op) return acc;
    acc = {
      kind: 'binary',
      op: op.image as A.BinaryExpr['op'],
      left: acc,
      right,
      span: { start: acc.span.start, end: right.span.end },
    };
  }
  return acc;
}

function buildAdditive(node: CstNode): A.Expr | undefined {
  const operands = nodes(node, 'multiplicative').map(buildMultiplicative);
  return foldBinary(operands, [...tokens(node, 'Plus'), ...tokens(node, 'Minus')]);
}

function buildMultiplicative(node: CstNode): A.Expr | undefined {
  const operands = nodes(node, 'unary').map(buildUnary);
  return foldBinary(operands, [...tokens(node, 'Star'), ...tokens(node, 'Slash')]);
}

function buildUnary(node: CstNode): A.Expr | undefined {
  const minus = tokens(node, 'Minus')[0];
  if (minus) {
    const inner = nodes(node, 'unary')[0];
    const operand = inner && buildUnary(inner);
    if (!operand) return undefined;
    // Fold `-3` into a literal so tables and arguments read naturally.
    if (operand.kind === 'number') {
      return { kind: 'number', value: -operand.value, text: `-${operand.text}`, span: { start: minus.startOffset, end: operand.span.end } };
    }
    return { kind: 'unary', op: '-', operand, span: { start: minus.startOffset, end: operand.span.end } };
  }
  const primary = nodes(node, 'primary')[0];
  return primary && buildPrimary(primary);
}

function buildPrimary(node: CstNode): A.Expr | undefined {
  const num = tokens(node, 'NumberLiteral')[0];
  if (num) return numberLit(num);
  const str = tokens(node, 'StringLiteral')[0];
  if (str) return { kind: 'string', value: unquote(str.image), span: tokenSpan(str) };
  const call = nodes(node, 'callOrName')[0];
  if (call) return buildCallOrName(call);
  const list = nodes(node, 'listLiteral')[0];
  if (list) {
    const span = nodeSpan(list);
    if (!span) return undefined;
    const items = nodes(list, 'expression')
      .map(buildExpression)
      .filter((e): e is A.Expr => e !== undefined);
    return { kind: 'list', items, span };
  }
  const paren = nodes(node, 'parenthesized')[0];
  const inner = paren && nodes(paren, 'expression')[0];
  return inner && buildExpression(inner);
}

function buildCallOrName(node: CstNode): A.Expr | undefined {
  const name = ident(tokens(node, 'Identifier')[0]);
  if (!name) return undefined;
  if (tokens(node, 'LParen').length === 0) return { kind: 'name', name: name.name, span: name.span };
  const span = nodeSpan(node) ?? name.span;
  const args: A.Argument[] = [];
  for (const a of nodes(node, 'argument')) {
    const exprNode = nodes(a, 'expression')[0];
    const value = exprNode && buildExpression(exprNode);
    const argSpan = nodeSpan(a);
    if (!value || !argSpan) continue;
    args.push({ name: ident(tokens(a, 'Identifier')[0]), value, span: argSpan });
  }
  return { kind: 'call', callee: name, args, span };
}

function numberLit(t: IToken): A.NumberLit {
  return { kind: 'number', value: Number(t.image), text: t.image, span: tokenSpan(t) };
}

function unquote(image: string): string {
  // The lexer admits only well-formed escapes of the JSON kind; anything else is kept verbatim.
  try {
    return JSON.parse(image) as string;
  } catch {
    return image.slice(1, -1);
  }
}

export function buildData(node: CstNode): A.DataDecl | undefined {
  const name = ident(tokens(node, 'Identifier')[0]);
  const tableNode = nodes(node, 'tableLiteral')[0];
  const span = nodeSpan(node);
  const sourceNode = nodes(node, 'expression')[0];
  if (name && !tableNode && sourceNode && span) {
    const source = buildExpression(sourceNode);
    return source ? { kind: 'data', name, table: { features: [], labels: [], rows: [], span: source.span }, source, span } : undefined;
  }
  if (!name || !tableNode || !span) return undefined;
  const tableSpan = nodeSpan(tableNode) ?? span;
  const header = nodes(tableNode, 'tableHeader')[0];
  const features = header ? tokens(header, 'Identifier').map((t) => ident(t)!) : [];
  const labels: A.Ident[] = [];
  // Columns after `->` are labels: split the header's identifiers at the arrow's offset.
  const arrow = header && tokens(header, 'Arrow')[0];
  const featureCols = arrow ? features.filter((f) => f.span.start < arrow.startOffset) : features;
  if (arrow) labels.push(...features.filter((f) => f.span.start > arrow.startOffset));
  const rows: A.TableRow[] = [];
  for (const r of nodes(tableNode, 'tableRow')) {
    const rowSpan = nodeSpan(r);
    if (!rowSpan) continue;
    const values = nodes(r, 'signedNumber')
      .map(signedNumber)
      .filter((v): v is A.NumberLit => v !== undefined)
      .sort((a, b) => a.span.start - b.span.start);
    const rowArrow = tokens(r, 'Arrow')[0];
    const rowTokens = [...nodes(r, 'signedNumber').flatMap((n) => [...tokens(n, 'Minus'), ...tokens(n, 'NumberLiteral')]), ...tokens(r, 'Arrow'), ...tokens(r, 'Comma')];
    rows.push({
      firstLine: Math.min(...rowTokens.map((t) => t.startLine ?? 0)),
      lastLine: Math.max(...rowTokens.map((t) => t.endLine ?? 0)),
      terminated: tokens(r, 'Semicolon').length > 0,
      features: rowArrow ? values.filter((v) => v.span.start < rowArrow.startOffset) : values,
      labels: rowArrow ? values.filter((v) => v.span.start > rowArrow.startOffset) : [],
      span: rowSpan,
    });
  }
  return { kind: 'data', name, table: { features: featureCols, labels, rows, span: tableSpan }, span };
}

function signedNumber(node: CstNode): A.NumberLit | undefined {
  const num = tokens(node, 'NumberLiteral')[0];
  if (!num) return undefined;
  const lit = numberLit(num);
  const minus = tokens(node, 'Minus')[0];
  return minus ? { ...lit, value: -lit.value, text: `-${lit.text}`, span: { start: minus.startOffset, end: lit.span.end } } : lit;
}

function buildTrain(node: CstNode): A.TrainDecl | undefined {
  // The header's names in source order: the models, then (after `on`) the data.
  const names = [...tokens(node, 'Identifier')].sort((a, b) => a.startOffset - b.startOffset);
  const model = ident(names[0]);
  const data = ident(names[names.length - 1]);
  const span = nodeSpan(node);
  if (!model || !data || !span || names.length < 2) return undefined;
  const models = names.slice(0, -1).map((t) => ident(t)!);
  const steps = nodes(node, 'trainStep').map(buildTrainStep).filter((s): s is A.TrainStepNode => s !== undefined);
  const props: A.Property[] = [];
  for (const p of nodes(node, 'property')) {
    const key = ident(tokens(p, 'Identifier')[0]);
    const exprNode = nodes(p, 'expression')[0];
    const value = exprNode && buildExpression(exprNode);
    const propSpan = nodeSpan(p);
    if (key && value && propSpan) props.push({ key, value, span: propSpan });
  }
  return { kind: 'train', model, data, props, span, ...(models.length > 1 ? { models } : {}), ...(steps.length > 0 ? { steps } : {}) };
}

function buildTrainStep(node: CstNode): A.TrainStepNode | undefined {
  const words = [...tokens(node, 'Identifier')].sort((a, b) => a.startOffset - b.startOffset).map((t) => ident(t)!);
  const exprs = nodes(node, 'expression').map(buildExpression);
  const span = nodeSpan(node);
  const loss = exprs[0];
  // step NAME : minimize <loss> over M (, M)* (with <optimizer>)?
  const [keyword, name, verb] = words;
  const afterLoss = loss ? words.filter((w) => w.span.start >= loss.span.end) : [];
  const overWord = afterLoss[0];
  const optimizer = exprs[1];
  const withWord = optimizer ? afterLoss.filter((w) => w.span.end <= optimizer.span.start).at(-1) : undefined;
  const over = afterLoss.slice(1).filter((w) => w !== withWord && (!optimizer || w.span.end <= optimizer.span.start));
  if (!keyword || !name || !verb || !loss || !overWord || !span) return undefined;
  return { keyword, name, verb, loss, overWord, over, ...(withWord && optimizer ? { withWord, optimizer } : {}), span };
}
