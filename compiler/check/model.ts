// Shape inference for one model: evaluates its statements — inputs, layer chains, `let`, pipes,
// merges (`a + b`, `concat`), shared `layer` instances, `block` instantiations and `repeat` — and
// builds the typed ModelIR. Blocks are inlined: each use is checked with the shapes it is given.
// One mistake yields one diagnostic: after an error a value's shape becomes unknown, and unknown
// shapes are never reported again.
import type { DiagnosticSink } from '../diagnostics/make.js';
import { closest } from '../diagnostics/suggest.js';
import type { LayerNode, ModelInput, ModelIR, ModelOutput } from '../ir.js';
import { layerByName } from '../layers/registry.js';
import { paramCount, type ArgValue, type LayerDef, type ParamSpec, type ShapeContext, type TensorValue, type WeightSpec } from '../layers/types.js';
import { Scope } from '../names.js';
import { showShape, type Dim, type Shape } from '../shapes/dim.js';
import type { BinaryExpr, BlockDecl, CallExpr, Expr, ModelDecl, ModelStatement, Span } from '../syntax/ast.js';
import { bindArguments, describe } from './args.js';
import { bindBlockInput, substituteSymbols } from './bind-block.js';
import { checkDeclaredShape, resolveType } from './types.js';

/** A value in scope: its shape (undefined = unknown, already reported) and generated identifier. */
interface Value {
  id: string;
  shape: Shape;
  span: Span;
}

/** `layer shared = dense(8)`: applied later, possibly several times, with one set of weights. */
interface Instance {
  def: LayerDef;
  call: CallExpr;
  args: Record<string, ArgValue>;
  spans: Record<string, Span>;
  owner?: LayerNode;
  span: Span;
}

/** The scope of one model, or of one block instantiation or repeat iteration inside it. */
interface Frame {
  values: Map<string, Value>;
  instances: Map<string, Instance>;
  /** Block parameters with their bound values. */
  params: Map<string, ArgValue>;
  /** Dimension symbols of a block's input type, bound to the caller's dims. */
  dims: Map<string, Dim>;
  /** Node-id prefix inside a block instance (`residual_block_1/`). */
  prefix: string;
  scope?: string;
  parent?: Frame;
  blockStack: string[];
  current?: Value;
  outputs: { name: string; value: Value }[];
  /** Whether `input` statements declare new inputs (a model) or were bound by the caller (a block). */
  declaresInputs: boolean;
}

const unknown = (span: Span): Value => ({ id: '', shape: undefined, span });

export function checkModel(decl: ModelDecl, blocks: ReadonlyMap<string, BlockDecl>, sink: DiagnosticSink): ModelIR {
  const errorsBefore = sink.items.length;
  // Unique keys for the model's values; code generation gives them their names in the output (codegen/locals.ts).
  const locals = new Scope();
  const inputs: ModelInput[] = [];
  const nodes: LayerNode[] = [];
  const counts = new Map<string, number>();
  let broken = false;

  const lookup = <T>(frame: Frame | undefined, pick: (f: Frame) => Map<string, T>, name: string): T | undefined => {
    for (let f = frame; f; f = f.parent) {
      const v = pick(f).get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const valueOf = (frame: Frame, name: string) => lookup(frame, (f) => f.values, name);
  const instanceOf = (frame: Frame, name: string) => lookup(frame, (f) => f.instances, name);
  const paramOf = (frame: Frame, name: string) => lookup(frame, (f) => f.params, name);

  const define = (frame: Frame, name: string, value: Value, span: Span): void => {
    const previous = frame.values.get(name) ?? frame.instances.get(name);
    if (previous) {
      sink.error('NN2009', span, `\`${name}\` is already defined in ${frame.scope ? `block \`${frame.scope}\`` : `model \`${decl.name.name}\``}`, {
        related: [{ span: previous.span, message: 'first defined here' }],
        help: 'choose another name',
      });
      return;
    }
    frame.values.set(name, value);
  };

  const nextId = (prefix: string, base: string): string => {
    const key = prefix + base;
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    return n === 0 ? key : `${key}_${n}`;
  };

  /** Runs a layer's shape rule on concrete inputs and records the node. */
  const createNode = (def: LayerDef, args: Record<string, ArgValue>, spans: Record<string, Span>, inputValues: Value[], call: CallExpr, frame: Frame, boundName?: string, sharedFrom?: LayerNode): Value => {
    const shapes = inputValues.map((v) => v.shape);
    if (shapes.some((s) => s === undefined)) return unknown(call.span);
    let reported = false;
    const ctx: ShapeContext = {
      input: shapes[0]!,
      inputs: shapes as Dim[][],
      args,
      span: call.span,
      argSpans: spans,
      error(code, message, extras = {}) {
        reported = true;
        const { at, ...rest } = extras;
        sink.error(code, (at ? spans[at] : undefined) ?? call.span, message, {
          ...rest,
          related: [...(rest.related ?? []), ...inputValues.map((v) => ({ span: v.span, message: `produces ${showShape(v.shape)}` }))],
        });
      },
    };
    const shape = def.outputShape(ctx);
    if (!shape) {
      if (!reported) sink.error('NN5002', call.span, `internal compiler error: layer \`${def.name}\` rejected its input without saying why`);
      return unknown(call.span);
    }
    const weights = def.weights(ctx, shape);
    if (!checkConstantWeights(weights, args, spans, def.name, sink)) return unknown(call.span);
    if (sharedFrom && !sameWeightShapes(sharedFrom.weights, weights)) {
      sink.error('NN3194', call.span, `the shared layer \`${sharedFrom.id}\` cannot take ${showShape(shapes[0])}: its weights were made for ${showShape(sharedFrom.input.shape)}`, {
        related: [{ span: sharedFrom.span, message: `first applied to ${showShape(sharedFrom.input.shape)}` }],
        help: 'apply a shared layer only to tensors of the same shape, or declare a second layer',
      });
      return unknown(call.span);
    }
    const display = def.displayAs?.(args);
    const id = sharedFrom ? sharedFrom.id : nextId(frame.prefix, display?.name ?? def.name);
    const local = locals.claim(nextLocalName(sharedFrom ? `${id}_shared` : id));
    const node: LayerNode = {
      id,
      kerasClass: display?.kerasClass ?? def.kerasClass,
      local,
      def,
      args,
      input: { id: inputValues[0]!.id, shape: shapes[0]! },
      inputs: inputValues.map((v) => ({ id: v.id, shape: v.shape! })),
      shape,
      weights: sharedFrom ? [] : weights,
      paramCount: sharedFrom ? 0 : paramCount(weights),
      span: call.span,
      ...(boundName ? { boundName } : {}),
      ...(sharedFrom ? { sharedWith: sharedFrom.id } : {}),
      ...(frame.scope ? { scope: frame.scope } : {}),
    };
    nodes.push(node);
    return { id: local, shape, span: call.span };
  };

  /** Is this expression a tensor (a value, or computed from one) rather than a setting? */
  const isTensorExpr = (e: Expr, frame: Frame): boolean => {
    switch (e.kind) {
      case 'name':
        return valueOf(frame, e.name) !== undefined;
      case 'binary':
        return isTensorExpr(e.left, frame) || isTensorExpr(e.right, frame);
      case 'pipe':
        return isTensorExpr(e.source, frame);
      case 'call':
        return e.args.some((a) => !a.name && isTensorExpr(a.value, frame));
      default:
        return false;
    }
  };

  /** Splits a call's positional tensor arguments (its inputs) from its settings. */
  const splitArguments = (call: CallExpr, frame: Frame): { tensors: Expr[]; settings: CallExpr } => {
    const tensors: Expr[] = [];
    const rest = call.args.filter((a) => {
      if (!a.name && isTensorExpr(a.value, frame)) {
        tensors.push(a.value);
        return false;
      }
      return true;
    });
    return { tensors, settings: substituteParams({ ...call, args: rest }, frame) };
  };

  /** Replaces block parameters used as arguments (`conv2d(filters, 3)`) by their values. */
  const substituteParams = (call: CallExpr, frame: Frame): CallExpr => {
    const sub = (e: Expr): Expr => {
      if (e.kind === 'name') {
        const v = paramOf(frame, e.name);
        return v === undefined ? e : argToExpr(v, e.span);
      }
      if (e.kind === 'call') return { ...e, args: e.args.map((a) => ({ ...a, value: sub(a.value) })) };
      if (e.kind === 'list') return { ...e, items: e.items.map(sub) };
      if (e.kind === 'unary' && e.operand.kind === 'name') {
        const inner = sub(e.operand);
        return inner.kind === 'number' ? { ...inner, value: -inner.value, text: `-${inner.text}`, span: e.span } : e;
      }
      return e;
    };
    return { ...call, args: call.args.map((a) => ({ ...a, value: sub(a.value) })) };
  };

  const inputsFor = (def: { name: string; inputCount?: { min: number; max: number } }, tensors: Value[], implicit: Value | undefined, call: CallExpr, frame: Frame): Value[] | undefined => {
    const { min, max } = def.inputCount ?? { min: 1, max: 1 };
    // `add(skip)` in a chain adds `skip` to the chain's current value.
    const all = tensors.length < min && implicit ? [implicit, ...tensors] : tensors.length === 0 && implicit ? [implicit] : tensors;
    if (all.length === 0) {
      if (frame.declaresInputs && !hasInput(decl.body)) return undefined; // NN3005 covers it
      sink.error('NN3007', call.span, `\`${def.name}\` has no input: declare one first, e.g. \`input x: [batch, 2]\``);
      return undefined;
    }
    if (all.length < min || all.length > max) {
      sink.error('NN3196', call.span, `\`${def.name}\` takes ${min === max ? min : `${min} to ${max}`} input${max === 1 ? '' : 's'}, found ${all.length}`, {
        help: min > 1 ? `e.g. \`${def.name}(a, b)\`, or \`${def.name}(b)\` to combine \`b\` with the chain's value` : `pipe one value into it: \`x |> ${def.name}(…)\``,
      });
      return undefined;
    }
    return all;
  };

  const applyLayer = (def: LayerDef, call: CallExpr, frame: Frame, implicit: Value | undefined, boundName?: string): Value => {
    const { tensors, settings } = splitArguments(call, frame);
    const args = bindArguments(settings, def.params, def.name, sink);
    const tensorValues = tensors.map((t) => evaluate(t, frame, implicit));
    const inputValues = inputsFor(def, tensorValues, implicit, call, frame);
    if (!args.ok || !inputValues) return unknown(call.span);
    return createNode(def, args.values, args.spans, inputValues, call, frame, boundName);
  };

  const applyInstance = (instance: Instance, call: CallExpr, frame: Frame, implicit: Value | undefined, boundName?: string): Value => {
    const { tensors, settings } = splitArguments(call, frame);
    if (settings.args.length > 0) {
      sink.error('NN3004', settings.args[0]!.span, 'a shared layer takes only its input: its settings were given where it was declared', {
        related: [{ span: instance.span, message: 'declared here' }],
      });
      return unknown(call.span);
    }
    const inputValues = inputsFor(instance.def, tensors.map((t) => evaluate(t, frame, implicit)), implicit, call, frame);
    if (!inputValues) return unknown(call.span);
    const value = createNode(instance.def, instance.args, instance.spans, inputValues, { ...instance.call, span: call.span }, frame, boundName, instance.owner);
    if (!instance.owner && value.shape) instance.owner = nodes[nodes.length - 1];
    return value;
  };

  const applyBlock = (block: BlockDecl, call: CallExpr, frame: Frame, implicit: Value | undefined): Value => {
    if (frame.blockStack.includes(block.name.name)) {
      sink.error('NN3193', call.callee.span, `block \`${block.name.name}\` uses itself`, {
        related: [{ span: block.name.span, message: 'declared here' }],
        help: 'a block is inlined where it is used, so it cannot contain itself; use `repeat` for a stack',
      });
      return unknown(call.span);
    }
    const { tensors, settings } = splitArguments(call, frame);
    const specs = block.params.map(blockParamSpec).filter((p): p is ParamSpec => p !== undefined);
    const args = bindArguments(settings, specs, block.name.name, sink);
    const blockInputs = block.body.filter((s) => s.kind === 'input');
    const tensorValues = tensors.map((t) => evaluate(t, frame, implicit));
    const inputValues = inputsFor({ name: block.name.name, inputCount: { min: blockInputs.length, max: blockInputs.length } }, tensorValues, implicit, call, frame);
    if (!args.ok || !inputValues || inputValues.some((v) => !v.shape)) return unknown(call.span);

    const scope = nextId(frame.prefix, snakeCase(block.name.name));
    const inner: Frame = {
      values: new Map(),
      instances: new Map(),
      params: new Map(Object.entries(args.values)),
      dims: new Map(),
      prefix: `${scope}/`,
      scope,
      blockStack: [...frame.blockStack, block.name.name],
      outputs: [],
      declaresInputs: false,
    };
    for (const [i, stmt] of blockInputs.entries()) {
      if (stmt.kind !== 'input') continue;
      const declared = resolveType(stmt.type, sink);
      const actual = inputValues[i]!;
      if (!declared) return unknown(call.span);
      const ok = bindBlockInput(declared, actual.shape!, inner.params, inner.dims);
      if (!ok) {
        const expected = showShape(substituteSymbols(declared, inner.params, inner.dims));
        sink.error('NN3192', call.span, `block \`${block.name.name}\` expects its input \`${stmt.name.name}\` as ${expected}, found ${showShape(actual.shape)}`, {
          label: `expects ${expected}, found ${showShape(actual.shape)}`,
          expected,
          found: showShape(actual.shape),
          related: [
            { span: stmt.span, message: `declared as ${showShape(declared)}` },
            { span: actual.span, message: `produces ${showShape(actual.shape)}` },
          ],
          help: 'change the block argument or the value you pass in',
        });
        return unknown(call.span);
      }
      inner.values.set(stmt.name.name, actual);
    }
    inner.current = inputValues[0];
    evaluateStatements(block.body, inner);
    if (inner.outputs.length > 1) {
      sink.error('NN3195', call.span, `block \`${block.name.name}\` has ${inner.outputs.length} outputs; a block used in a chain has one`, { related: [{ span: block.name.span, message: 'declared here' }] });
      return unknown(call.span);
    }
    const result = inner.outputs[0]?.value ?? inner.current;
    return result ? { ...result, span: call.span } : unknown(call.span);
  };

  /** Evaluates an expression whose implicit input (for a bare layer call) is `implicit`. */
  const evaluate = (expr: Expr, frame: Frame, implicit: Value | undefined, boundName?: string): Value => {
    switch (expr.kind) {
      case 'call':
        return applyCall(expr, frame, implicit, boundName);
      case 'name': {
        const v = valueOf(frame, expr.name);
        if (v) return v;
        if (instanceOf(frame, expr.name) || layerByName.has(expr.name) || blocks.has(expr.name)) {
          return applyCall({ kind: 'call', callee: { name: expr.name, span: expr.span }, args: [], span: expr.span }, frame, implicit, boundName);
        }
        const names = [...allNames(frame), ...layerByName.keys(), ...blocks.keys()];
        const guess = closest(expr.name, names);
        sink.error('NN2002', expr.span, `\`${expr.name}\` is not defined in ${frame.scope ? `block \`${frame.scope}\`` : `model \`${decl.name.name}\``}`, {
          help: guess ? `did you mean \`${guess}\`?` : 'values are named by `input` and `let`',
          fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: expr.span, newText: guess }] }] : [],
        });
        return unknown(expr.span);
      }
      case 'pipe': {
        let v = evaluate(expr.source, frame, implicit);
        expr.stages.forEach((stage, i) => {
          const last = i === expr.stages.length - 1;
          const target = stage.kind === 'name' ? valueOf(frame, stage.name) : undefined;
          if (target && v.shape) {
            // `h |> x` would silently drop `h`: a pipe feeds a layer, never a value.
            sink.error('NN2026', stage.span, `\`${(stage as { name: string }).name}\` is a value, not a layer: nothing can be piped into it`, {
              related: [{ span: target.span, message: 'defined here' }],
              help: 'pipe into a layer or block, e.g. `h |> dense(4)`; to combine two values use `+` or `concat`',
            });
            v = unknown(stage.span);
            return;
          }
          v = stage.kind === 'call' || stage.kind === 'name' ? evaluate(stage, frame, v, last ? boundName : undefined) : unsupported(stage);
        });
        return v;
      }
      case 'binary':
        return applyBinary(expr, frame, implicit, boundName);
      default:
        return unsupported(expr);
    }
  };

  const applyCall = (call: CallExpr, frame: Frame, implicit: Value | undefined, boundName?: string): Value => {
    const name = call.callee.name;
    const instance = instanceOf(frame, name);
    if (instance) return applyInstance(instance, call, frame, implicit, boundName);
    const def = layerByName.get(name);
    if (def) return applyLayer(def, call, frame, implicit, boundName);
    const block = blocks.get(name);
    if (block) return applyBlock(block, call, frame, implicit);
    if (valueOf(frame, name)) {
      sink.error('NN2026', call.callee.span, `\`${name}\` is a value, not a layer: it cannot be called`, {
        related: [{ span: valueOf(frame, name)!.span, message: 'defined here' }],
        help: `to use it as an input, pass it: \`${name} |> dense(4)\``,
      });
      return unknown(call.span);
    }
    const guess = closest(name, [...layerByName.keys(), ...blocks.keys(), ...allInstances(frame)]);
    sink.error('NN2001', call.callee.span, `unknown layer \`${name}\``, {
      help: guess ? `did you mean \`${guess}\`?` : 'see docs/language.md for the layers nnc knows',
      fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: call.callee.span, newText: guess }] }] : [],
    });
    return unknown(call.span);
  };

  const applyBinary = (expr: BinaryExpr, frame: Frame, implicit: Value | undefined, boundName?: string): Value => {
    const opLayer = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': undefined }[expr.op];
    if (!opLayer || !(isTensorExpr(expr.left, frame) || isTensorExpr(expr.right, frame))) return unsupported(expr);
    const left = evaluate(expr.left, frame, implicit);
    const right = evaluate(expr.right, frame, implicit);
    const def = layerByName.get(opLayer)!;
    return createNode(def, {}, {}, [left, right], { kind: 'call', callee: { name: opLayer, span: expr.span }, args: [], span: expr.span }, frame, boundName);
  };

  const unsupported = (expr: Expr): Value => {
    sink.error('NN3008', expr.span, `${describe(expr)} cannot stand here: a model statement is a layer call such as \`dense(4)\``, {
      help: expr.kind === 'binary' ? 'tensors combine with `+`, `-` and `*` when both sides are values (`x + y`)' : undefined,
    });
    return unknown(expr.span);
  };

  const evaluateStatements = (body: readonly ModelStatement[], frame: Frame): void => {
    for (const stmt of body) {
      switch (stmt.kind) {
        case 'input': {
          if (!frame.declaresInputs) break; // bound by the caller of the block
          const shape = resolveType(stmt.type, sink);
          const id = locals.claim(stmt.name.name);
          const value: Value = { id, shape, span: stmt.span };
          define(frame, stmt.name.name, value, stmt.name.span);
          if (shape) inputs.push({ name: stmt.name.name, id, shape, span: stmt.span });
          else broken = true;
          frame.current ??= value;
          break;
        }
        case 'expr':
          frame.current = evaluate(stmt.expr, frame, frame.current);
          break;
        case 'let': {
          const v = evaluate(stmt.value, frame, frame.current, stmt.name.name);
          define(frame, stmt.name.name, v, stmt.name.span);
          frame.current = v;
          break;
        }
        case 'layer':
          declareInstance(stmt.name.name, stmt.value, stmt.name.span, stmt.span, frame);
          break;
        case 'repeat': {
          const n = stmt.count.value;
          if (!Number.isInteger(n) || n < 1 || n > 1000) {
            sink.error('NN3191', stmt.count.span, `\`repeat\` needs a whole number from 1 to 1000, found ${stmt.count.text}`);
            break;
          }
          for (let i = 0; i < n; i++) {
            const iteration: Frame = { ...frame, values: new Map(), instances: new Map(), params: new Map(), dims: new Map(), parent: frame, outputs: frame.outputs };
            evaluateStatements(stmt.body, iteration);
            frame.current = iteration.current;
          }
          break;
        }
        case 'output': {
          let v: Value | undefined;
          let name: string;
          if (stmt.value.kind === 'name' && !valueOf(frame, stmt.value.name) && !layerByName.has(stmt.value.name) && !blocks.has(stmt.value.name) && stmt.type) {
            // `output y: [batch, 1]` names the chain's current value.
            v = frame.current;
            name = stmt.value.name;
          } else {
            v = evaluate(stmt.value, frame, frame.current);
            name = stmt.value.kind === 'name' ? stmt.value.name : `output_${frame.outputs.length}`;
          }
          if (!v) {
            sink.error('NN3007', stmt.span, 'there is no value to output: declare an input and layers first');
            break;
          }
          if (stmt.type && v.shape) {
            const declared = resolveType(stmt.type, sink);
            if (declared) checkDeclaredShape(stmt.type, substituteSymbols(declared, frame.params, frame.dims), v, sink);
          }
          if (frame.outputs.some((o) => o.name === name)) {
            sink.error('NN2009', stmt.span, `there is already an output named \`${name}\``);
            break;
          }
          if (!v.shape) broken = true;
          frame.outputs.push({ name, value: v });
          frame.current = v;
          break;
        }
      }
    }
  };

  const declareInstance = (name: string, value: Expr, nameSpan: Span, span: Span, frame: Frame): void => {
    const def = value.kind === 'call' ? layerByName.get(value.callee.name) : value.kind === 'name' ? layerByName.get(value.name) : undefined;
    if (!def || (value.kind !== 'call' && value.kind !== 'name')) {
      sink.error('NN2026', value.span, `\`layer ${name} = …\` needs a layer call such as \`dense(8)\`, found ${describe(value)}`, {
        help: blocks.has(value.kind === 'call' ? value.callee.name : '') ? 'blocks are inlined where used and cannot be shared; share the layers inside them' : undefined,
      });
      return;
    }
    const call: CallExpr = value.kind === 'call' ? value : { kind: 'call', callee: { name: value.name, span: value.span }, args: [], span: value.span };
    const { tensors, settings } = splitArguments(call, frame);
    if (tensors.length > 0) {
      sink.error('NN3004', tensors[0]!.span, 'a `layer` declaration takes no input; apply it afterwards: `x |> shared`');
      return;
    }
    const args = bindArguments(settings, def.params, def.name, sink);
    if (!args.ok) return;
    if (frame.values.has(name) || frame.instances.has(name)) {
      sink.error('NN2009', nameSpan, `\`${name}\` is already defined`, { help: 'choose another name' });
      return;
    }
    frame.instances.set(name, { def, call, args: args.values, spans: args.spans, span });
  };

  const allNames = (frame: Frame): string[] => {
    const out: string[] = [];
    for (let f: Frame | undefined = frame; f; f = f.parent) out.push(...f.values.keys(), ...f.instances.keys());
    return out;
  };
  const allInstances = (frame: Frame): string[] => {
    const out: string[] = [];
    for (let f: Frame | undefined = frame; f; f = f.parent) out.push(...f.instances.keys());
    return out;
  };

  const top: Frame = { values: new Map(), instances: new Map(), params: new Map(), dims: new Map(), prefix: '', blockStack: [], outputs: [], declaresInputs: true };
  evaluateStatements(decl.body, top);

  const outputs: ModelOutput[] = top.outputs.filter((o) => o.value.shape).map((o) => ({ name: o.name, id: o.value.id, shape: o.value.shape! }));
  if (!hasInput(decl.body)) {
    sink.error('NN3005', decl.name.span, `model \`${decl.name.name}\` has no input`, { help: 'declare one, e.g. `input x: [batch, 2]`' });
  } else if (top.outputs.length === 0 && top.current?.shape && !broken) {
    outputs.push({ name: 'output', id: top.current.id, shape: top.current.shape });
  }
  const complete = !decl.recovered && sink.items.length === errorsBefore && !broken;
  const live = complete ? withoutDeadLayers(nodes, outputs, sink) : nodes;
  const total = live.reduce((n, l) => n + l.paramCount, 0);
  const trainable = live.reduce((n, l) => n + paramCount(l.weights.filter((w) => w.trainable)), 0);
  return { name: decl.name.name, span: decl.span, nameSpan: decl.name.span, inputs, nodes: live, outputs, paramCount: total, trainableParamCount: trainable, complete };
}

/**
 * Layers whose result reaches no output (e.g. written after the last `output`) would still be
 * built and counted; Keras drops them from a functional model. Warn once per statement and drop
 * them — keeping a dead layer only when a live shared use needs its weights.
 */
function withoutDeadLayers(nodes: LayerNode[], outputs: ModelOutput[], sink: DiagnosticSink): LayerNode[] {
  const needed = new Set(outputs.map((o) => o.id));
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (needed.has(n.local)) for (const input of n.inputs) needed.add(input.id);
  }
  const owners = new Set(nodes.filter((n) => needed.has(n.local) && n.sharedWith).map((n) => n.sharedWith!));
  const warned = new Set<number>();
  return nodes.filter((n) => {
    if (needed.has(n.local)) return true;
    if (!warned.has(n.span.start)) {
      warned.add(n.span.start);
      sink.warning('NN3197', n.span, `the result of \`${n.def.name}\` reaches no output: it is left out of the model`, {
        help: 'use it on the way to an `output`, or remove it',
      });
    }
    if (n.weights.length > 0 && owners.has(n.id) && !n.sharedWith) {
      n.weightsOnly = true;
      return true;
    }
    return false;
  });
}

function hasInput(body: readonly ModelStatement[]): boolean {
  return body.some((s) => s.kind === 'input');
}

function nextLocalName(id: string): string {
  return id.replace(/\//g, '_');
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const blockParamTypes: Record<string, ParamSpec['type']> = { int: 'int', float: 'float', bool: 'bool', activation: 'activation' };

/** A block parameter as a layer-style ParamSpec, so blocks bind arguments like layers do. */
function blockParamSpec(p: BlockDecl['params'][number]): ParamSpec | undefined {
  const type = blockParamTypes[p.type.name];
  if (!type) return undefined; // reported by checkBlockDecl
  const spec: ParamSpec = { name: p.name.name, type, positional: true, doc: `Parameter \`${p.name.name}\` (${p.type.name}).` };
  if (p.default === undefined) spec.required = true;
  else spec.default = literalValue(p.default, type);
  return spec;
}

function literalValue(e: Expr, type: ParamSpec['type']): ArgValue | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'name' && type === 'bool') return e.name === 'true';
  if (e.kind === 'name' && type === 'activation') return { kind: 'activation', name: e.name };
  return undefined;
}

/** An argument value written back as an expression, for substituting block parameters. */
function argToExpr(v: ArgValue, span: Span): Expr {
  if (typeof v === 'number') return { kind: 'number', value: v, text: String(v), span };
  if (typeof v === 'boolean') return { kind: 'name', name: String(v), span };
  if (typeof v === 'string') return { kind: 'name', name: v, span };
  if (Array.isArray(v)) return { kind: 'list', items: v.map((n) => ({ kind: 'number', value: n, text: String(n), span })), span };
  if (v.kind === 'activation') {
    const callee = { name: v.name, span };
    return v.alpha === undefined ? { kind: 'name', name: v.name, span } : { kind: 'call', callee, args: [{ name: { name: 'alpha', span }, value: { kind: 'number', value: v.alpha, text: String(v.alpha), span }, span }], span };
  }
  return { kind: 'list', items: [], span };
}

/** Checks a block's declaration itself (parameter types), once, wherever it is used. */
export function checkBlockDecl(block: BlockDecl, sink: DiagnosticSink): void {
  const seen = new Set<string>();
  for (const p of block.params) {
    if (seen.has(p.name.name)) sink.error('NN2009', p.name.span, `parameter \`${p.name.name}\` is declared twice`);
    seen.add(p.name.name);
    if (!blockParamTypes[p.type.name]) {
      const guess = closest(p.type.name, Object.keys(blockParamTypes));
      sink.error('NN2025', p.type.span, `unknown parameter type \`${p.type.name}\``, {
        help: guess ? `did you mean \`${guess}\`?` : 'parameter types are `int`, `float`, `bool` and `activation`',
        fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: p.type.span, newText: guess }] }] : [],
      });
    } else if (p.default !== undefined && literalValue(p.default, blockParamTypes[p.type.name]!) === undefined) {
      sink.error('NN3001', p.default.span, `the default of \`${p.name.name}\` must be a literal ${p.type.name}`, { found: describe(p.default) });
    }
  }
  if (!hasInput(block.body)) sink.error('NN3005', block.name.span, `block \`${block.name.name}\` has no input`, { help: 'declare what it takes, e.g. `input x: [b, h, w, c]`' });
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
