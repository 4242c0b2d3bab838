// The optimizers a `train` block or a `step` may use, each with its settings and their ranges, and
// the checker of `optimizer: adam(lr: 0.01)`.
import type { OptimizerSpec } from '../../runtime/types.js';
import type { DiagnosticSink } from '../diagnostics/make.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Expr, Span } from '../syntax/ast.js';
import { describe } from './args.js';
import { bool } from './setting-values.js';

interface OptimizerInfo {
  name: OptimizerSpec['name'];
  params: Record<string, { key: keyof OptimizerSpec; check: (v: number) => boolean; range: string } | 'bool'>;
}

const lr = { key: 'lr' as const, check: (v: number) => v > 0, range: 'greater than 0' };
const unit = (key: keyof OptimizerSpec) => ({ key, check: (v: number) => v >= 0 && v < 1, range: 'in [0, 1)' });
const positiveParam = (key: keyof OptimizerSpec) => ({ key, check: (v: number) => v > 0, range: 'greater than 0' });
const clipping = { clipnorm: positiveParam('clipnorm'), clipvalue: positiveParam('clipvalue') };
const adamParams = { lr, learning_rate: lr, beta1: unit('beta1'), beta2: unit('beta2'), epsilon: positiveParam('epsilon'), ...clipping };
const optimizers: Record<string, OptimizerInfo> = {
  sgd: { name: 'sgd', params: { lr, learning_rate: lr, momentum: unit('momentum'), nesterov: 'bool', ...clipping } },
  momentum: { name: 'momentum', params: { lr, learning_rate: lr, momentum: unit('momentum'), nesterov: 'bool', ...clipping } },
  nesterov: { name: 'momentum', params: { lr, learning_rate: lr, momentum: unit('momentum'), ...clipping } },
  rmsprop: { name: 'rmsprop', params: { lr, learning_rate: lr, rho: unit('rho'), momentum: unit('momentum'), epsilon: positiveParam('epsilon'), ...clipping } },
  adam: { name: 'adam', params: adamParams },
  adamw: { name: 'adamw', params: { ...adamParams, weight_decay: { key: 'weightDecay', check: (v: number) => v >= 0 && v < 1, range: 'in [0, 1)' } } },
};

/** Each optimizer's name with the names of its settings, for the editor. */
export function optimizerSettings(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(optimizers).map(([name, info]) => [name, Object.keys(info.params)]));
}

export function checkOptimizer(e: Expr, sink: DiagnosticSink): OptimizerSpec | undefined {
  const nameSpan = e.kind === 'call' ? e.callee.span : e.span;
  // Written as a name, a call, or a string (as losses and metrics may be).
  const name = e.kind === 'name' ? e.name : e.kind === 'call' ? e.callee.name : e.kind === 'string' ? e.value : undefined;
  const info = name !== undefined && Object.hasOwn(optimizers, name) ? optimizers[name] : undefined;
  if (!info) {
    const otherwise = `optimizers are ${Object.keys(optimizers).map((k) => `\`${k}\``).join(', ')}`;
    sink.error('NN4002', nameSpan, name !== undefined ? `unknown optimizer \`${name}\`` : `an optimizer is written like \`adam(lr: 0.01)\`, found ${describe(e)}`, name !== undefined ? didYouMean(name, Object.keys(optimizers), nameSpan, otherwise) : { help: otherwise });
    return undefined;
  }
  const spec: OptimizerSpec = { name: info.name };
  let ok = true;
  const given = new Map<string, Span>();
  for (const a of e.kind === 'call' ? e.args : []) {
    const key = a.name?.name ?? (a === (e as { args: unknown[] }).args[0] ? 'lr' : undefined);
    const param = key !== undefined && Object.hasOwn(info.params, key) ? info.params[key] : undefined;
    // `lr` and `learning_rate` are one setting.
    const setting = key === 'learning_rate' ? 'lr' : key;
    if (param && setting !== undefined && given.has(setting)) {
      sink.error('NN2007', a.span, `\`${key}\` is given twice`, { related: [{ span: given.get(setting)!, message: 'first given here' }] });
      ok = false;
      continue;
    }
    if (setting !== undefined) given.set(setting, a.span);
    if (!param) {
      sink.error('NN2006', a.name?.span ?? a.span, key ? `optimizer \`${name}\` has no setting \`${key}\`` : `only the learning rate may be given without a name`, {
        help: `its settings are ${Object.keys(info.params).map((k) => `\`${k}\``).join(', ')}`,
      });
      ok = false;
      continue;
    }
    if (param === 'bool') {
      const b = bool(a.value, key!, sink);
      if (b === undefined) ok = false;
      else spec.nesterov = b;
      continue;
    }
    if (a.value.kind !== 'number' || !param.check(a.value.value)) {
      sink.error(a.value.kind === 'number' ? 'NN4009' : 'NN3001', a.value.span, `\`${key}\` must be a number ${param.range}`, { found: describe(a.value) });
      ok = false;
      continue;
    }
    (spec as unknown as Record<string, number>)[param.key] = a.value.value;
  }
  if (name === 'nesterov') spec.nesterov = true;
  if (spec.nesterov && name === 'sgd' && !(spec.momentum !== undefined && spec.momentum > 0)) {
    sink.warning('NN4009', given.get('nesterov') ?? e.span, '`nesterov: true` does nothing without a momentum', {
      help: 'add `momentum: 0.9`, or use `nesterov(lr: …)`',
    });
  }
  // `sgd(momentum: 0.9)` is SGD with momentum, as in Keras.
  if (spec.name === 'sgd' && spec.momentum !== undefined && spec.momentum > 0) spec.name = 'momentum';
  return ok ? spec : undefined;
}
