// Shape inference for one model: walks its statements, applies each layer's shape rule, and builds
// the typed ModelIR. One mistake yields one diagnostic: after an error the value's shape becomes
// unknown, and unknown shapes are never reported again.
import { closest } from '../diagnostics/suggest.js';
import type { DiagnosticSink } from '../diagnostics/make.js';
import type { LayerNode, ModelInput, ModelIR, ModelOutput } from '../ir.js';
import { layerByName } from '../layers/registry.js';
import { paramCount, type ShapeContext, type TensorValue } from '../layers/types.js';
import { Scope } from '../names.js';
import { constDim, dimEquals, showShape, symDim, unknownDim, type Dim, type Shape } from '../shapes/dim.js';
import type { CallExpr, Expr, ModelDecl, Span, TensorTypeNode } from '../syntax/ast.js';
import { bindArguments, describe } from './args.js';

/** A value in scope: its shape (undefined = unknown) and generated identifier. */
interface Value {
  id: string;
  shape: Shape;
  span: Span;
}

export function checkModel(decl: ModelDecl, sink: DiagnosticSink): ModelIR {
  const errorsBefore = sink.items.length;
  // `p`, `t`, `y` and `_training` are locals of the generated forward/predict methods.
  const locals = new Scope(['p', 't', 'y', '_training']);
  const env = new Map<string, Value>();
  const inputs: ModelInput[] = [];
  const nodes: LayerNode[] = [];
  const outputs: ModelOutput[] = [];
  const layerCounts = new Map<string, number>();
  let current: Value | undefined;
  let broken = false;

  const bind = (name: string, value: Value, span: Span): void => {
    if (env.has(name)) {
      sink.error('NN2009', span, `\`${name}\` is already defined in model \`${decl.name.name}\``, {
        related: [{ span: env.get(name)!.span, message: 'first defined here' }],
        help: 'choose another name',
      });
      return;
    }
    env.set(name, value);
  };

  const applyLayer = (call: CallExpr, input: Value | undefined, boundName?: string): Value => {
    const def = layerByName.get(call.callee.name);
    if (!def) {
      reportUnknownCallee(call, env, sink);
      return { id: '', shape: undefined, span: call.span };
    }
    const args = bindArguments(call, def.params, def.name, sink);
    if (!input) {
      // A model without any input gets one diagnostic (NN3005), not one per layer.
      if (decl.body.some((s) => s.kind === 'input')) sink.error('NN3007', call.span, `\`${def.name}\` has no input: declare one first, e.g. \`input x: [batch, 2]\``);
      return { id: '', shape: undefined, span: call.span };
    }
    if (!args.ok || !input.shape) return { id: '', shape: undefined, span: call.span };
    let reported = false;
    const ctx: ShapeContext = {
      input: input.shape,
      args: args.values,
      error(code, message, extras = {}) {
        reported = true;
        const { at, ...rest } = extras;
        sink.error(code, (at ? args.spans[at] : undefined) ?? call.span, message, {
          ...rest,
          related: [...(rest.related ?? []), { span: input.span, message: `produces ${showShape(input.shape)}` }],
        });
      },
    };
    const shape = def.outputShape(ctx);
    if (!shape) {
      if (!reported) throw new Error(`internal: layer ${def.name} rejected its input without a diagnostic`);
      return { id: '', shape: undefined, span: call.span };
    }
    const weights = def.weights(ctx, shape);
    if (!checkConstantWeights(weights, args.values, args.spans, def.name, sink)) return { id: '', shape: undefined, span: call.span };
    const n = layerCounts.get(def.name) ?? 0;
    layerCounts.set(def.name, n + 1);
    const id = n === 0 ? def.name : `${def.name}_${n}`;
    const local = locals.claim(id);
    const node: LayerNode = {
      id,
      local,
      def,
      args: args.values,
      input: { id: input.id, shape: input.shape },
      shape,
      weights,
      paramCount: paramCount(weights),
      span: call.span,
      ...(boundName ? { boundName } : {}),
    };
    nodes.push(node);
    return { id: local, shape, span: call.span };
  };

  /** Evaluates an expression whose implicit input (for a bare layer call) is `implicit`. */
  const evaluate = (expr: Expr, implicit: Value | undefined, boundName?: string): Value => {
    switch (expr.kind) {
      case 'call':
        return applyLayer(expr, implicit, boundName);
      case 'name': {
        const v = env.get(expr.name);
        if (v) return v;
        if (layerByName.has(expr.name)) return applyLayer({ kind: 'call', callee: { name: expr.name, span: expr.span }, args: [], span: expr.span }, implicit, boundName);
        const guess = closest(expr.name, [...env.keys(), ...layerByName.keys()]);
        sink.error('NN2002', expr.span, `\`${expr.name}\` is not defined in model \`${decl.name.name}\``, {
          help: guess ? `did you mean \`${guess}\`?` : 'values are named by `input` and `let`',
          fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: expr.span, newText: guess }] }] : [],
        });
        return { id: '', shape: undefined, span: expr.span };
      }
      case 'pipe': {
        let v = evaluate(expr.source, implicit);
        expr.stages.forEach((stage, i) => {
          v = stage.kind === 'call' || stage.kind === 'name' ? evaluate(stage, v, i === expr.stages.length - 1 ? boundName : undefined) : unsupported(stage);
        });
        return v;
      }
      default:
        return unsupported(expr);
    }
  };

  const unsupported = (expr: Expr): Value => {
    sink.error('NN3008', expr.span, `${describe(expr)} cannot stand here: a model statement is a layer call such as \`dense(4)\``, {
      help: 'arithmetic on tensors (residual `+`) is not part of the language yet',
    });
    return { id: '', shape: undefined, span: expr.span };
  };

  for (const stmt of decl.body) {
    switch (stmt.kind) {
      case 'input': {
        const shape = resolveType(stmt.type, sink);
        const id = locals.claim(stmt.name.name);
        const value: Value = { id, shape, span: stmt.span };
        bind(stmt.name.name, value, stmt.name.span);
        if (shape) inputs.push({ name: stmt.name.name, id, shape, span: stmt.span });
        else broken = true;
        current ??= value;
        break;
      }
      case 'expr':
        current = evaluate(stmt.expr, current);
        break;
      case 'let': {
        const v = evaluate(stmt.value, current, stmt.name.name);
        bind(stmt.name.name, v, stmt.name.span);
        current = v;
        break;
      }
      case 'output': {
        let v: Value | undefined;
        let name: string;
        if (stmt.value.kind === 'name' && !env.has(stmt.value.name) && !layerByName.has(stmt.value.name) && stmt.type) {
          // `output y: [batch, 1]` names the chain's current value.
          v = current;
          name = stmt.value.name;
        } else {
          v = evaluate(stmt.value, current);
          name = stmt.value.kind === 'name' ? stmt.value.name : `output_${outputs.length}`;
        }
        if (!v) {
          sink.error('NN3007', stmt.span, 'there is no value to output: declare an input and layers first');
          break;
        }
        if (stmt.type && v.shape) checkDeclaredShape(stmt.type, v, sink);
        if (v.shape) outputs.push({ name, id: v.id, shape: v.shape });
        else broken = true;
        current = v;
        break;
      }
    }
  }

  if (inputs.length > 1 || outputs.length > 1) {
    const extra = inputs.length > 1 ? inputs[1]!.span : decl.name.span;
    sink.error('NN3010', extra, `model \`${decl.name.name}\` has ${inputs.length > 1 ? 'several inputs' : 'several outputs'}; this version of nnc compiles models with one input and one output`, {
      help: 'split it into models with one input and one output each',
    });
  }
  if (decl.body.every((s) => s.kind !== 'input')) {
    sink.error('NN3005', decl.name.span, `model \`${decl.name.name}\` has no input`, { help: 'declare one, e.g. `input x: [batch, 2]`' });
  } else if (outputs.length === 0 && current?.shape && !broken) {
    outputs.push({ name: 'output', id: current.id, shape: current.shape });
  }
  const total = nodes.reduce((n, l) => n + l.paramCount, 0);
  const trainable = nodes.reduce((n, l) => n + paramCount(l.weights.filter((w) => w.trainable)), 0);
  const complete = !decl.recovered && sink.items.length === errorsBefore && !broken;
  return { name: decl.name.name, span: decl.span, nameSpan: decl.name.span, inputs, nodes, outputs, paramCount: total, trainableParamCount: trainable, complete };
}

function reportUnknownCallee(call: CallExpr, env: Map<string, Value>, sink: DiagnosticSink): void {
  const name = call.callee.name;
  const guess = closest(name, layerByName.keys());
  sink.error('NN2001', call.callee.span, `unknown layer \`${name}\``, {
    help: guess ? `did you mean \`${guess}\`?` : `see docs/language.md for the layers nnc knows`,
    fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: call.callee.span, newText: guess }] }] : [],
    ...(env.has(name) ? { related: [{ span: env.get(name)!.span, message: `\`${name}\` is a value, not a layer` }] } : {}),
  });
}

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
      sink.error('NN3006', d.span, 'a dimension is a number or a name such as `batch`', {
        help: 'dimension arithmetic like `h/2` is not part of the language yet',
      });
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

function checkDeclaredShape(type: TensorTypeNode, v: Value, sink: DiagnosticSink): void {
  const declared = resolveType(type, sink);
  if (!declared || !v.shape) return;
  const found = v.shape;
  const mismatch = declared.length !== found.length || declared.some((d, i) => dimEquals(d, found[i]!) === false);
  if (mismatch) {
    sink.error(declared.length !== found.length ? 'NN3101' : 'NN3103', type.span, 'the declared output shape differs from the one the layers produce', {
      label: `declared ${showShape(declared)}, found ${showShape(found)}`,
      expected: showShape(declared),
      found: showShape(found),
      related: [{ span: v.span, message: `produces ${showShape(found)}` }],
      help: `change the declaration to ${showShape(found)}, or the last layer's size`,
      fixes: [{ title: `Declare ${showShape(found)}`, edits: [{ span: type.span, newText: showShape(found) }] }],
    });
  }
}

function checkConstantWeights(
  weights: { name: string; shape: number[]; values?: number[] }[],
  args: Record<string, unknown>,
  spans: Record<string, Span>,
  layer: string,
  sink: DiagnosticSink,
): boolean {
  for (const w of weights) {
    const given = args[w.name] as TensorValue | undefined;
    if (!given || given.kind !== 'tensor') continue;
    if (given.shape.join(',') !== w.shape.join(',')) {
      sink.error('NN3009', spans[w.name]!, `\`${w.name}\` of \`${layer}\` must have shape [${w.shape.join(', ')}], found [${given.shape.join(', ')}]`, {
        expected: `[${w.shape.join(', ')}]`,
        found: `[${given.shape.join(', ')}]`,
      });
      return false;
    }
  }
  return true;
}
