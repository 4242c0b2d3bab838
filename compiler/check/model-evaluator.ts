// Evaluates a model's statements with shape inference, one named step per construct: statements
// (`input`, a chain, `let`, `layer`, `repeat`, `output`), expressions (names, pipes, merges written
// `a + b`, calls), and the three things a call can apply — a layer, a shared layer instance, or a
// block (inlined: checked with the shapes it is given). Each applied layer becomes a LayerNode.
// One mistake yields one diagnostic: after an error a value's shape becomes unknown, and unknown
// shapes are never reported again.
import type { DiagnosticSink } from '../diagnostics/make.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { LayerNode, ModelInput } from '../ir.js';
import { layerByName } from '../layers/registry.js';
import { paramCount, type ArgValue, type LayerDef, type ShapeContext, type TensorValue, type WeightSpec } from '../layers/types.js';
import { describeMismatch, mismatchHelp, type AxisMismatch } from '../layers/merge-mismatch.js';
import { Scope } from '../names.js';
import { showShape, type Dim } from '../shapes/dim.js';
import type { BinaryExpr, BlockDecl, CallExpr, Expr, ModelDecl, ModelStatement, PipeExpr, Span } from '../syntax/ast.js';
import { bindArguments, describe } from './args.js';
import { bindBlockInput, substituteSymbols } from './bind-block.js';
import { blockParamSpecs, hasInput, substituteParams } from './block-params.js';
import { blockFrame, instanceOf, iterationFrame, unknown, valueOf, visibleInstances, visibleNames, type Frame, type Instance, type Value } from './model-frame.js';
import { checkDeclaredShape, resolveType } from './types.js';
import { traceOrigin } from './input-origin.js';

type Statement<K extends ModelStatement['kind']> = Extract<ModelStatement, { kind: K }>;

/** A call's positional tensor arguments (its inputs) and the rest (its settings). */
interface SplitCall {
  tensors: Expr[];
  settings: CallExpr;
}

export class ModelEvaluator {
  readonly inputs: ModelInput[] = [];
  readonly nodes: LayerNode[] = [];
  /** A value's shape could not be known (an input's type or an output's value had an error). */
  broken = false;
  /** Unique keys for the model's values; code generation gives them their names in the output (codegen/locals.ts). */
  private readonly locals = new Scope();
  /** Where each model input's type is written, for fixes that change it (size traces). */
  private readonly inputTypeSpans = new Map<string, Span>();
  /** How many nodes each id has had, for `dense`, `dense_1`, … */
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly decl: ModelDecl,
    private readonly blocks: ReadonlyMap<string, BlockDecl>,
    private readonly sink: DiagnosticSink,
  ) {}

  // ── Statements ────────────────────────────────────────────────────────────────────────────

  statements(body: readonly ModelStatement[], frame: Frame): void {
    for (const stmt of body) {
      switch (stmt.kind) {
        case 'input':
          this.input(stmt, frame);
          break;
        case 'expr':
          frame.current = this.evaluate(stmt.expr, frame, frame.current);
          break;
        case 'let':
          this.let(stmt, frame);
          break;
        case 'layer':
          this.declareInstance(stmt, frame);
          break;
        case 'repeat':
          this.repeat(stmt, frame);
          break;
        case 'output':
          this.output(stmt, frame);
          break;
      }
    }
  }

  private input(stmt: Statement<'input'>, frame: Frame): void {
    if (!frame.declaresInputs) return; // bound by the caller of the block
    const shape = resolveType(stmt.type, this.sink);
    const id = this.locals.claim(stmt.name.name);
    const value: Value = { id, shape, span: stmt.span };
    this.define(frame, stmt.name.name, value, stmt.name.span);
    if (shape) this.inputs.push({ name: stmt.name.name, id, shape, span: stmt.span });
    if (shape) this.inputTypeSpans.set(id, stmt.type.span);
    else this.broken = true;
    frame.current ??= value;
  }

  private let(stmt: Statement<'let'>, frame: Frame): void {
    const v = this.evaluate(stmt.value, frame, frame.current, stmt.name.name);
    this.define(frame, stmt.name.name, v, stmt.name.span);
    frame.current = v;
  }

  /** `repeat n { … }`: the body n times in a chain, each iteration with its own names. */
  private repeat(stmt: Statement<'repeat'>, frame: Frame): void {
    const n = stmt.count.value;
    if (!Number.isInteger(n) || n < 1 || n > 1000) {
      this.sink.error('NN3191', stmt.count.span, `\`repeat\` needs a whole number from 1 to 1000, found ${stmt.count.text}`);
      return;
    }
    for (let i = 0; i < n; i++) {
      const iteration = iterationFrame(frame);
      this.statements(stmt.body, iteration);
      frame.current = iteration.current;
    }
  }

  private output(stmt: Statement<'output'>, frame: Frame): void {
    const { value: v, name } = this.outputValue(stmt, frame);
    if (!v) {
      this.sink.error('NN3007', stmt.span, 'there is no value to output: declare an input and layers first');
      return;
    }
    if (stmt.type && v.shape) {
      const declared = resolveType(stmt.type, this.sink);
      if (declared) checkDeclaredShape(stmt.type, substituteSymbols(declared, frame.params, frame.dims), v, this.sink);
    }
    if (frame.outputs.some((o) => o.name === name)) {
      this.sink.error('NN2009', stmt.span, `there is already an output named \`${name}\``);
      return;
    }
    if (!v.shape) this.broken = true;
    frame.outputs.push({ name, value: v });
    frame.current = v;
  }

  /** What an `output` statement outputs, and under which name. */
  private outputValue(stmt: Statement<'output'>, frame: Frame): { value: Value | undefined; name: string } {
    const e = stmt.value;
    if (e.kind === 'name' && !valueOf(frame, e.name) && !layerByName.has(e.name) && !this.blocks.has(e.name) && stmt.type) {
      // `output y: [batch, 1]` names the chain's current value.
      return { value: frame.current, name: e.name };
    }
    const value = this.evaluate(e, frame, frame.current);
    return { value, name: e.kind === 'name' ? e.name : `output_${frame.outputs.length}` };
  }

  /** `layer shared = dense(8)`: a layer instance applied later, its weights made at the first use. */
  private declareInstance(stmt: Statement<'layer'>, frame: Frame): void {
    const name = stmt.name.name;
    const value = stmt.value;
    const def = value.kind === 'call' ? layerByName.get(value.callee.name) : value.kind === 'name' ? layerByName.get(value.name) : undefined;
    if (!def || (value.kind !== 'call' && value.kind !== 'name')) {
      this.sink.error('NN2026', value.span, `\`layer ${name} = …\` needs a layer call such as \`dense(8)\`, found ${describe(value)}`, {
        help: this.blocks.has(value.kind === 'call' ? value.callee.name : '') ? 'blocks are inlined where used and cannot be shared; share the layers inside them' : undefined,
      });
      return;
    }
    const call: CallExpr = value.kind === 'call' ? value : { kind: 'call', callee: { name: value.name, span: value.span }, args: [], span: value.span };
    const { tensors, settings } = this.splitArguments(call, frame);
    if (tensors.length > 0) {
      this.sink.error('NN3004', tensors[0]!.span, 'a `layer` declaration takes no input; apply it afterwards: `x |> shared`');
      return;
    }
    const args = bindArguments(settings, def.params, def.name, this.sink);
    if (!args.ok) return;
    if (frame.values.has(name) || frame.instances.has(name)) {
      this.sink.error('NN2009', stmt.name.span, `\`${name}\` is already defined`, { help: 'choose another name' });
      return;
    }
    frame.instances.set(name, { def, call, args: args.values, spans: args.spans, span: stmt.span });
  }

  private define(frame: Frame, name: string, value: Value, span: Span): void {
    const previous = frame.values.get(name) ?? frame.instances.get(name);
    if (previous) {
      this.sink.error('NN2009', span, `\`${name}\` is already defined in ${this.where(frame)}`, {
        related: [{ span: previous.span, message: 'first defined here' }],
        help: 'choose another name',
      });
      return;
    }
    frame.values.set(name, value);
  }

  private where(frame: Frame): string {
    return frame.scope ? `block \`${frame.scope}\`` : `model \`${this.decl.name.name}\``;
  }

  // ── Expressions ───────────────────────────────────────────────────────────────────────────

  /** Evaluates an expression whose implicit input (for a bare layer call) is `implicit`. */
  private evaluate(expr: Expr, frame: Frame, implicit: Value | undefined, boundName?: string): Value {
    switch (expr.kind) {
      case 'call':
        return this.applyCall(expr, frame, implicit, boundName);
      case 'name':
        return this.name(expr, frame, implicit, boundName);
      case 'pipe':
        return this.pipe(expr, frame, implicit, boundName);
      case 'binary':
        return this.merge(expr, frame, implicit, boundName);
      default:
        return this.unsupported(expr);
    }
  }

  /** A value by name, or a layer, shared layer or block written without parentheses. */
  private name(expr: Extract<Expr, { kind: 'name' }>, frame: Frame, implicit: Value | undefined, boundName?: string): Value {
    const v = valueOf(frame, expr.name);
    if (v) return v;
    if (instanceOf(frame, expr.name) || layerByName.has(expr.name) || this.blocks.has(expr.name)) {
      return this.applyCall({ kind: 'call', callee: { name: expr.name, span: expr.span }, args: [], span: expr.span }, frame, implicit, boundName);
    }
    const names = [...visibleNames(frame), ...layerByName.keys(), ...this.blocks.keys()];
    this.sink.error('NN2002', expr.span, `\`${expr.name}\` is not defined in ${this.where(frame)}`, didYouMean(expr.name, names, expr.span, 'values are named by `input` and `let`'));
    return unknown(expr.span);
  }

  /** `x |> dense(4) |> relu`: each stage takes the previous value as its implicit input. */
  private pipe(expr: PipeExpr, frame: Frame, implicit: Value | undefined, boundName?: string): Value {
    let v = this.evaluate(expr.source, frame, implicit);
    expr.stages.forEach((stage, i) => {
      const last = i === expr.stages.length - 1;
      const target = stage.kind === 'name' ? valueOf(frame, stage.name) : undefined;
      if (target && v.shape) {
        // `h |> x` would silently drop `h`: a pipe feeds a layer, never a value.
        this.sink.error('NN2026', stage.span, `\`${(stage as { name: string }).name}\` is a value, not a layer: nothing can be piped into it`, {
          related: [{ span: target.span, message: 'defined here' }],
          help: 'pipe into a layer or block, e.g. `h |> dense(4)`; to combine two values use `+` or `concat`',
        });
        v = unknown(stage.span);
        return;
      }
      v = stage.kind === 'call' || stage.kind === 'name' ? this.evaluate(stage, frame, v, last ? boundName : undefined) : this.unsupported(stage);
    });
    return v;
  }

  /** `a + b`, `a - b`, `a * b` between tensors: the `add`, `subtract` and `multiply` layers. */
  private merge(expr: BinaryExpr, frame: Frame, implicit: Value | undefined, boundName?: string): Value {
    const opLayer = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': undefined }[expr.op];
    if (!opLayer || !(this.isTensorExpr(expr.left, frame) || this.isTensorExpr(expr.right, frame))) return this.unsupported(expr);
    const left = this.evaluate(expr.left, frame, implicit);
    const right = this.evaluate(expr.right, frame, implicit);
    const def = layerByName.get(opLayer)!;
    return this.createNode(def, {}, {}, [left, right], { kind: 'call', callee: { name: opLayer, span: expr.span }, args: [], span: expr.span }, frame, boundName);
  }

  private unsupported(expr: Expr): Value {
    this.sink.error('NN3008', expr.span, `${describe(expr)} cannot stand here: a model statement is a layer call such as \`dense(4)\``, {
      help: expr.kind === 'binary' ? 'tensors combine with `+`, `-` and `*` when both sides are values (`x + y`)' : undefined,
    });
    return unknown(expr.span);
  }

  /** Is this expression a tensor (a value, or computed from one) rather than a setting? */
  private isTensorExpr(e: Expr, frame: Frame): boolean {
    switch (e.kind) {
      case 'name':
        return valueOf(frame, e.name) !== undefined;
      case 'binary':
        return this.isTensorExpr(e.left, frame) || this.isTensorExpr(e.right, frame);
      case 'pipe':
        return this.isTensorExpr(e.source, frame);
      case 'call':
        return e.args.some((a) => !a.name && this.isTensorExpr(a.value, frame));
      default:
        return false;
    }
  }

  // ── Calls: a shared layer, a layer, or a block ──────────────────────────────────────────────

  private applyCall(call: CallExpr, frame: Frame, implicit: Value | undefined, boundName?: string): Value {
    const name = call.callee.name;
    const instance = instanceOf(frame, name);
    if (instance) return this.applyInstance(instance, call, frame, implicit, boundName);
    const def = layerByName.get(name);
    if (def) return this.applyLayer(def, call, frame, implicit, boundName);
    const block = this.blocks.get(name);
    if (block) return this.applyBlock(block, call, frame, implicit);
    const value = valueOf(frame, name);
    if (value) {
      this.sink.error('NN2026', call.callee.span, `\`${name}\` is a value, not a layer: it cannot be called`, {
        related: [{ span: value.span, message: 'defined here' }],
        help: `to use it as an input, pass it: \`${name} |> dense(4)\``,
      });
      return unknown(call.span);
    }
    const candidates = [...layerByName.keys(), ...this.blocks.keys(), ...visibleInstances(frame)];
    this.sink.error('NN2001', call.callee.span, `unknown layer \`${name}\``, didYouMean(name, candidates, call.callee.span, 'see docs/language.md for the layers nnc knows'));
    return unknown(call.span);
  }

  private applyLayer(def: LayerDef, call: CallExpr, frame: Frame, implicit: Value | undefined, boundName?: string): Value {
    const { tensors, settings } = this.splitArguments(call, frame);
    const args = bindArguments(settings, def.params, def.name, this.sink);
    const tensorValues = tensors.map((t) => this.evaluate(t, frame, implicit));
    const inputValues = this.inputsFor(def, tensorValues, implicit, call, frame);
    if (!args.ok || !inputValues) return unknown(call.span);
    return this.createNode(def, args.values, args.spans, inputValues, call, frame, boundName);
  }

  /** A shared layer: its first use makes the weights, later uses share them. */
  private applyInstance(instance: Instance, call: CallExpr, frame: Frame, implicit: Value | undefined, boundName?: string): Value {
    const { tensors, settings } = this.splitArguments(call, frame);
    if (settings.args.length > 0) {
      this.sink.error('NN3004', settings.args[0]!.span, 'a shared layer takes only its input: its settings were given where it was declared', {
        related: [{ span: instance.span, message: 'declared here' }],
      });
      return unknown(call.span);
    }
    const inputValues = this.inputsFor(instance.def, tensors.map((t) => this.evaluate(t, frame, implicit)), implicit, call, frame);
    if (!inputValues) return unknown(call.span);
    const value = this.createNode(instance.def, instance.args, instance.spans, inputValues, { ...instance.call, span: call.span }, frame, boundName, instance.owner);
    if (!instance.owner && value.shape) instance.owner = this.nodes[this.nodes.length - 1];
    return value;
  }

  /** A block, inlined: its inputs bound to the values given, its statements evaluated in its own frame. */
  private applyBlock(block: BlockDecl, call: CallExpr, frame: Frame, implicit: Value | undefined): Value {
    if (frame.blockStack.includes(block.name.name)) {
      this.sink.error('NN3193', call.callee.span, `block \`${block.name.name}\` uses itself`, {
        related: [{ span: block.name.span, message: 'declared here' }],
        help: 'a block is inlined where it is used, so it cannot contain itself; use `repeat` for a stack',
      });
      return unknown(call.span);
    }
    const { tensors, settings } = this.splitArguments(call, frame);
    const args = bindArguments(settings, blockParamSpecs(block), block.name.name, this.sink);
    const blockInputs = block.body.filter((s) => s.kind === 'input');
    const tensorValues = tensors.map((t) => this.evaluate(t, frame, implicit));
    const inputValues = this.inputsFor({ name: block.name.name, inputCount: { min: blockInputs.length, max: blockInputs.length } }, tensorValues, implicit, call, frame);
    if (!args.ok || !inputValues || inputValues.some((v) => !v.shape)) return unknown(call.span);

    const inner = blockFrame(frame, block.name.name, this.nextId(frame.prefix, snakeCase(block.name.name)), args.values);
    if (!this.bindBlockInputs(block, blockInputs, inputValues, inner, call)) return unknown(call.span);
    inner.current = inputValues[0];
    this.statements(block.body, inner);
    if (inner.outputs.length > 1) {
      this.sink.error('NN3195', call.span, `block \`${block.name.name}\` has ${inner.outputs.length} outputs; a block used in a chain has one`, { related: [{ span: block.name.span, message: 'declared here' }] });
      return unknown(call.span);
    }
    const result = inner.outputs[0]?.value ?? inner.current;
    return result ? { ...result, span: call.span } : unknown(call.span);
  }

  /** Matches each of the block's `input` types against the value given, binding its symbols. */
  private bindBlockInputs(block: BlockDecl, blockInputs: readonly ModelStatement[], given: readonly Value[], inner: Frame, call: CallExpr): boolean {
    for (const [i, stmt] of blockInputs.entries()) {
      if (stmt.kind !== 'input') continue;
      const declared = resolveType(stmt.type, this.sink);
      const actual = given[i]!;
      if (!declared) return false;
      let mismatch: AxisMismatch | undefined;
      if (!bindBlockInput(declared, actual.shape!, inner.params, inner.dims, (m) => (mismatch = m))) {
        const expected = showShape(substituteSymbols(declared, inner.params, inner.dims));
        // Symbolic sizes say on which axis and for which values they disagree.
        const symbolic = mismatch && mismatch.agreement.symbols.length > 0 ? mismatch : undefined;
        this.sink.error('NN3192', call.span, `block \`${block.name.name}\` expects its input \`${stmt.name.name}\` as ${expected}, found ${showShape(actual.shape)}`, {
          label: `expects ${expected}, found ${showShape(actual.shape)}${symbolic ? `: ${describeMismatch(symbolic)}` : ''}`,
          expected,
          found: showShape(actual.shape),
          related: [
            { span: stmt.span, message: `declared as ${showShape(declared)}` },
            { span: actual.span, message: `produces ${showShape(actual.shape)}` },
          ],
          help: symbolic?.agreement.result === 'depends' ? mismatchHelp(symbolic, actual.shape!.length) : 'change the block argument or the value you pass in',
        });
        return false;
      }
      inner.values.set(stmt.name.name, actual);
    }
    return true;
  }

  /** Splits a call's positional tensor arguments (its inputs) from its settings. */
  private splitArguments(call: CallExpr, frame: Frame): SplitCall {
    const tensors: Expr[] = [];
    const rest = call.args.filter((a) => {
      if (!a.name && this.isTensorExpr(a.value, frame)) {
        tensors.push(a.value);
        return false;
      }
      return true;
    });
    return { tensors, settings: substituteParams({ ...call, args: rest }, frame) };
  }

  /** The inputs of a call: the tensors given, with the chain's value first where it is implied. */
  private inputsFor(def: { name: string; inputCount?: { min: number; max: number } }, tensors: Value[], implicit: Value | undefined, call: CallExpr, frame: Frame): Value[] | undefined {
    const { min, max } = def.inputCount ?? { min: 1, max: 1 };
    // `add(skip)` in a chain adds `skip` to the chain's current value.
    const all = tensors.length < min && implicit ? [implicit, ...tensors] : tensors.length === 0 && implicit ? [implicit] : tensors;
    if (all.length === 0) {
      if (frame.declaresInputs && !hasInput(this.decl.body)) return undefined; // NN3005 covers it
      this.sink.error('NN3007', call.span, `\`${def.name}\` has no input: declare one first, e.g. \`input x: [batch, 2]\``);
      return undefined;
    }
    if (all.length < min || all.length > max) {
      this.sink.error('NN3196', call.span, `\`${def.name}\` takes ${min === max ? min : `${min} to ${max}`} input${max === 1 ? '' : 's'}, found ${all.length}`, {
        help: min > 1 ? `e.g. \`${def.name}(a, b)\`, or \`${def.name}(b)\` to combine \`b\` with the chain's value` : `pipe one value into it: \`x |> ${def.name}(…)\``,
      });
      return undefined;
    }
    return all;
  }

  // ── Layer nodes ───────────────────────────────────────────────────────────────────────────

  /** Runs a layer's shape rule on concrete inputs and records the node. */
  private createNode(def: LayerDef, args: Record<string, ArgValue>, spans: Record<string, Span>, inputValues: Value[], call: CallExpr, frame: Frame, boundName?: string, sharedFrom?: LayerNode): Value {
    const shapes = inputValues.map((v) => v.shape);
    if (shapes.some((s) => s === undefined)) return unknown(call.span);
    const { ctx, reported } = this.shapeContext(args, spans, inputValues, call);
    const shape = def.outputShape(ctx);
    if (!shape) {
      if (!reported()) this.sink.error('NN5002', call.span, `internal compiler error: layer \`${def.name}\` rejected its input without saying why`);
      return unknown(call.span);
    }
    const weights = def.weights(ctx, shape);
    if (!checkConstantWeights(weights, args, spans, def.name, this.sink)) return unknown(call.span);
    if (sharedFrom && !sameWeightShapes(sharedFrom.weights, weights)) {
      this.sink.error('NN3194', call.span, `the shared layer \`${sharedFrom.id}\` cannot take ${showShape(shapes[0])}: its weights were made for ${showShape(sharedFrom.input.shape)}`, {
        related: [{ span: sharedFrom.span, message: `first applied to ${showShape(sharedFrom.input.shape)}` }],
        help: 'apply a shared layer only to tensors of the same shape, or declare a second layer',
      });
      return unknown(call.span);
    }
    const node = this.recordNode(def, args, inputValues, shape, weights, call, frame, boundName, sharedFrom);
    return { id: node.local, shape, span: call.span };
  }

  /** What a layer's shape rule sees; its errors carry the shapes of the inputs as related spans. */
  private shapeContext(args: Record<string, ArgValue>, spans: Record<string, Span>, inputValues: Value[], call: CallExpr): { ctx: ShapeContext; reported: () => boolean } {
    const shapes = inputValues.map((v) => v.shape) as Dim[][];
    const sink = this.sink;
    let reported = false;
    const ctx: ShapeContext = {
      input: shapes[0]!,
      inputs: shapes,
      args,
      span: call.span,
      argSpans: spans,
      origin: () => traceOrigin(inputValues[0]!.id, this.nodes, this.inputs, this.inputTypeSpans),
      error(code, message, extras = {}) {
        reported = true;
        const { at, ...rest } = extras;
        sink.error(code, (at ? spans[at] : undefined) ?? call.span, message, {
          ...rest,
          related: [...(rest.related ?? []), ...inputValues.map((v) => ({ span: v.span, message: `produces ${showShape(v.shape)}` }))],
        });
      },
    };
    return { ctx, reported: () => reported };
  }

  private recordNode(def: LayerDef, args: Record<string, ArgValue>, inputValues: Value[], shape: Dim[], weights: WeightSpec[], call: CallExpr, frame: Frame, boundName?: string, sharedFrom?: LayerNode): LayerNode {
    const display = def.displayAs?.(args);
    const id = sharedFrom ? sharedFrom.id : this.nextId(frame.prefix, display?.name ?? def.name);
    const local = this.locals.claim(localName(sharedFrom ? `${id}_shared` : id));
    const node: LayerNode = {
      id,
      kerasClass: display?.kerasClass ?? def.kerasClass,
      local,
      def,
      args,
      input: { id: inputValues[0]!.id, shape: inputValues[0]!.shape! },
      inputs: inputValues.map((v) => ({ id: v.id, shape: v.shape! })),
      shape,
      weights: sharedFrom ? [] : weights,
      paramCount: sharedFrom ? 0 : paramCount(weights),
      span: call.span,
      ...(boundName ? { boundName } : {}),
      ...(sharedFrom ? { sharedWith: sharedFrom.id } : {}),
      ...(frame.scope ? { scope: frame.scope } : {}),
    };
    this.nodes.push(node);
    return node;
  }

  /** `dense`, then `dense_1`, … (under a block instance's prefix). */
  private nextId(prefix: string, base: string): string {
    const key = prefix + base;
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    return n === 0 ? key : `${key}_${n}`;
  }
}

function localName(id: string): string {
  return id.replace(/\//g, '_');
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function sameWeightShapes(a: readonly WeightSpec[], b: readonly WeightSpec[]): boolean {
  return a.length === b.length && a.every((w, i) => w.name === b[i]!.name && w.shape.join(',') === b[i]!.shape.join(','));
}

function checkConstantWeights(weights: WeightSpec[], args: Record<string, unknown>, spans: Record<string, Span>, layer: string, sink: DiagnosticSink): boolean {
  for (const w of weights) {
    const given = args[w.name] as TensorValue | undefined;
    if (!given || given.kind !== 'tensor') continue;
    if (given.shape.join(',') !== w.shape.join(',') && given.shape.join(',') !== w.alsoAccepts?.join(',')) {
      sink.error('NN3009', spans[w.name]!, `\`${w.name}\` of \`${layer}\` must have shape [${w.shape.join(', ')}], found [${given.shape.join(', ')}]`, {
        expected: `[${w.shape.join(', ')}]`,
        found: `[${given.shape.join(', ')}]`,
      });
      return false;
    }
  }
  return true;
}
