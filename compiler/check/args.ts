// Binds a call's arguments to a layer's parameters: positional then named, with types, defaults,
// ranges and "did you mean" for unknown names.
import { activationByName } from '../layers/activations.js';
import type { ActivationValue, ArgValue, ParamSpec, TensorValue } from '../layers/types.js';
import { closest, didYouMean } from '../diagnostics/suggest.js';
import type { DiagnosticSink } from '../diagnostics/make.js';
import type { Argument, CallExpr, Expr, Span } from '../syntax/ast.js';

export interface BoundArgs {
  values: Record<string, ArgValue>;
  spans: Record<string, Span>;
  ok: boolean;
}

export function bindArguments(call: CallExpr, params: readonly ParamSpec[], what: string, sink: DiagnosticSink): BoundArgs {
  const values: Record<string, ArgValue> = {};
  const spans: Record<string, Span> = {};
  let ok = true;
  const positional = params.filter((p) => p.positional);
  let nextPositional = 0;
  const given = new Set<string>();

  for (const arg of call.args) {
    let param: ParamSpec | undefined;
    if (arg.name) {
      param = params.find((p) => p.name === arg.name!.name);
      if (!param) {
        const names = params.map((p) => `\`${p.name}\``).join(', ');
        const otherwise = params.length ? `its arguments are ${names}` : `\`${what}\` takes no arguments`;
        sink.error('NN2006', arg.name.span, `\`${what}\` has no argument \`${arg.name.name}\``, didYouMean(arg.name.name, params.map((p) => p.name), arg.name.span, otherwise));
        ok = false;
        continue;
      }
    } else {
      param = positional[nextPositional++];
      if (!param) {
        sink.error('NN3004', arg.span, `\`${what}\` takes ${positional.length === 0 ? 'no' : `at most ${positional.length}`} positional argument${positional.length === 1 ? '' : 's'}`, {
          help: positional.length ? `name the others, e.g. \`${params.find((p) => !p.positional)?.name ?? params[0]!.name}: …\`` : undefined,
        });
        ok = false;
        continue;
      }
    }
    if (given.has(param.name)) {
      sink.error('NN2007', arg.span, `\`${param.name}\` is given twice`);
      ok = false;
      continue;
    }
    given.add(param.name);
    const value = convertArgument(arg, param, what, sink);
    if (value === undefined) {
      ok = false;
      continue;
    }
    values[param.name] = value;
    spans[param.name] = arg.span;
  }

  for (const p of params) {
    if (given.has(p.name)) continue;
    if (p.required) {
      if (ok) {
        sink.error('NN3003', call.span, `\`${what}\` needs \`${p.name}\``, {
          help: `${p.doc} For example \`${what}(${p.type === 'int' ? 8 : p.name}${call.args.length ? ', …' : ''})\``,
        });
      }
      ok = false;
    } else if (p.default !== undefined) values[p.name] = p.default;
  }
  return { values, spans, ok };
}

function convertArgument(arg: Argument, param: ParamSpec, what: string, sink: DiagnosticSink): ArgValue | undefined {
  const v = arg.value;
  const wrongType = (expected: string): undefined => {
    sink.error('NN3001', v.span, `\`${param.name}\` of \`${what}\` must be ${expected}`, { expected, found: describe(v) });
    return undefined;
  };
  switch (param.type) {
    case 'int':
    case 'float': {
      if (v.kind !== 'number') return wrongType(param.type === 'int' ? 'a whole number' : 'a number');
      if (param.type === 'int' && !Number.isInteger(v.value)) return wrongType('a whole number');
      if ((param.min !== undefined && v.value < param.min) || (param.greaterThan !== undefined && v.value <= param.greaterThan) || (param.max !== undefined && v.value > param.max)) {
        const lower = param.min !== undefined ? `at least ${param.min}` : param.greaterThan !== undefined ? `greater than ${param.greaterThan}` : undefined;
        const bound = param.max === undefined ? lower! : lower ? `${lower} and at most ${param.max}` : `at most ${param.max}`;
        sink.error('NN3002', v.span, `\`${param.name}\` of \`${what}\` must be ${bound}, found ${v.text}`, {
          expected: bound,
          found: v.text,
          help: param.doc,
        });
        return undefined;
      }
      return v.value;
    }
    case 'bool':
      if (v.kind === 'name' && (v.name === 'true' || v.name === 'false')) return v.name === 'true';
      return wrongType('`true` or `false`');
    case 'activation':
      return activationArgument(v, param, what, sink);
    case 'tensor':
      return tensorLiteral(v, param, what, sink);
    case 'ints':
      return intsArgument(v, param, what, sink);
    case 'choice': {
      const choices = param.choices ?? [];
      const name = v.kind === 'name' ? v.name : v.kind === 'string' ? v.value : undefined;
      if (name !== undefined && choices.includes(name)) return name;
      const guess = name !== undefined ? closest(name, choices) : undefined;
      sink.error('NN3001', v.span, `\`${param.name}\` of \`${what}\` must be one of ${choices.map((c) => `\`${c}\``).join(', ')}`, {
        expected: choices.join(' | '),
        found: describe(v),
        ...(guess ? { help: `did you mean \`${guess}\`?`, fixes: [{ title: `Change to \`${guess}\``, edits: [{ span: v.span, newText: guess }] }] } : {}),
      });
      return undefined;
    }
  }
}

function activationArgument(v: Expr, param: ParamSpec, what: string, sink: DiagnosticSink): ActivationValue | undefined {
  const nameSpan = v.kind === 'call' ? v.callee.span : v.span;
  const name = v.kind === 'name' ? v.name : v.kind === 'call' ? v.callee.name : undefined;
  if (name === undefined) {
    sink.error('NN3001', v.span, `\`${param.name}\` of \`${what}\` must be an activation such as \`relu\``, { found: describe(v) });
    return undefined;
  }
  const def = activationByName.get(name);
  if (!def) {
    const otherwise = `activations are ${[...activationByName.keys()].map((n) => `\`${n}\``).join(', ')}`;
    sink.error('NN2008', nameSpan, `unknown activation \`${name}\``, didYouMean(name, activationByName.keys(), nameSpan, otherwise));
    return undefined;
  }
  const result: ActivationValue = { kind: 'activation', name };
  if (v.kind === 'call') {
    if (v.args.filter((a) => !a.name).length > 1 || v.args.length > 1) {
      sink.error('NN3004', v.args[1]!.span, `activation \`${name}\` takes one argument, \`alpha\``);
      return undefined;
    }
    for (const a of v.args) {
      const key = a.name?.name ?? 'alpha';
      if (key !== 'alpha' || def.alpha === undefined) {
        sink.error('NN2006', a.span, def.alpha === undefined ? `activation \`${name}\` takes no arguments` : `activation \`${name}\` takes only \`alpha\``);
        return undefined;
      }
      if (a.value.kind !== 'number') {
        sink.error('NN3001', a.value.span, '`alpha` must be a number', { found: describe(a.value) });
        return undefined;
      }
      result.alpha = a.value.value;
    }
  }
  return result;
}

/** `3` or `[3, 3]`: whole numbers within the parameter's range; the layer expands a single one. */
function intsArgument(v: Expr, param: ParamSpec, what: string, sink: DiagnosticSink): number[] | undefined {
  const items = v.kind === 'list' ? v.items : [v];
  const out: number[] = [];
  for (const item of items) {
    const n = item.kind === 'number' ? item.value : item.kind === 'unary' && item.operand.kind === 'number' ? -item.operand.value : undefined;
    if (n === undefined || !Number.isInteger(n) || items.length === 0) {
      sink.error('NN3001', item.span, `\`${param.name}\` of \`${what}\` must be a whole number or a list of them, e.g. \`3\` or \`[3, 3]\``, { found: describe(item) });
      return undefined;
    }
    if ((param.min !== undefined && n < param.min) || (param.max !== undefined && n > param.max)) {
      const bound = param.max === undefined ? `at least ${param.min}` : `between ${param.min} and ${param.max}`;
      sink.error('NN3002', item.span, `\`${param.name}\` of \`${what}\` must be ${bound}, found ${n}`, { expected: bound, found: String(n), help: param.doc });
      return undefined;
    }
    out.push(n);
  }
  if (out.length === 0) {
    sink.error('NN3001', v.span, `\`${param.name}\` of \`${what}\` needs at least one number`, { found: 'an empty list' });
    return undefined;
  }
  return out;
}

function tensorLiteral(v: Expr, param: ParamSpec, what: string, sink: DiagnosticSink): TensorValue | undefined {
  const values: number[] = [];
  const shapeOf = (e: Expr): number[] | undefined => {
    if (e.kind === 'number') {
      values.push(e.value);
      return [];
    }
    if (e.kind !== 'list') return undefined;
    let inner: number[] | undefined;
    for (const item of e.items) {
      const s = shapeOf(item);
      if (!s) return undefined;
      if (inner && inner.join(',') !== s.join(',')) return undefined;
      inner = s;
    }
    return [e.items.length, ...(inner ?? [])];
  };
  const shape = shapeOf(v);
  if (!shape) {
    sink.error('NN3001', v.span, `\`${param.name}\` of \`${what}\` must be a list of numbers with rows of equal length, e.g. \`[[0.8], [0.2]]\``, { found: describe(v) });
    return undefined;
  }
  return { kind: 'tensor', shape, values };
}

export function describe(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return `the number ${e.text}`;
    case 'string':
      return 'a string';
    case 'name':
      return `the name \`${e.name}\``;
    case 'call':
      return `a call of \`${e.callee.name}\``;
    case 'list':
      return 'a list';
    default:
      return 'an expression';
  }
}
