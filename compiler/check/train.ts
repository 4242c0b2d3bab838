// A `train` block: resolves its model and data, checks each setting, and checks the data against
// the model (feature columns ↔ input width, label columns ↔ output width).
import type { LossName, MetricName, OptimizerSpec, TrainPlan } from '../../runtime/types.js';
import type { DiagnosticSink } from '../diagnostics/make.js';
import { closest } from '../diagnostics/suggest.js';
import type { DataIR, ModelIR, TrainIR } from '../ir.js';
import { showShape } from '../shapes/dim.js';
import type { Expr, Property, Span, TrainDecl } from '../syntax/ast.js';
import { describe } from './args.js';

const losses: Record<string, LossName> = {
  mse: 'mse',
  mean_squared_error: 'mse',
  mae: 'mae',
  mean_absolute_error: 'mae',
  binary_crossentropy: 'binary_crossentropy',
  bce: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy',
  cce: 'categorical_crossentropy',
};

const metrics: Record<string, MetricName> = { accuracy: 'accuracy', acc: 'accuracy', mse: 'mse', mae: 'mae' };

interface OptimizerInfo {
  name: OptimizerSpec['name'];
  params: Record<string, { key: keyof OptimizerSpec; check: (v: number) => boolean; range: string } | 'bool'>;
}

const lr = { key: 'lr' as const, check: (v: number) => v > 0, range: 'greater than 0' };
const unit = (key: keyof OptimizerSpec) => ({ key, check: (v: number) => v >= 0 && v < 1, range: 'in [0, 1)' });
const optimizers: Record<string, OptimizerInfo> = {
  sgd: { name: 'sgd', params: { lr, learning_rate: lr, momentum: unit('momentum'), nesterov: 'bool' } },
  momentum: { name: 'momentum', params: { lr, learning_rate: lr, momentum: unit('momentum'), nesterov: 'bool' } },
  adam: {
    name: 'adam',
    params: { lr, learning_rate: lr, beta1: unit('beta1'), beta2: unit('beta2'), epsilon: { key: 'epsilon', check: (v) => v > 0, range: 'greater than 0' } },
  },
};

const settings = ['loss', 'optimizer', 'epochs', 'batch', 'metrics', 'shuffle', 'seed'] as const;

/** The names a `train` block accepts, read by the language server's completion and hover. */
export function trainVocabulary(): { losses: string[]; optimizers: Record<string, string[]>; metrics: string[]; settings: readonly string[] } {
  const optimizerSettings = Object.fromEntries(Object.entries(optimizers).map(([name, info]) => [name, Object.keys(info.params)]));
  return { losses: Object.keys(losses), optimizers: optimizerSettings, metrics: Object.keys(metrics), settings };
}

export function checkTrain(decl: TrainDecl, models: Map<string, ModelIR>, data: Map<string, DataIR | undefined>, sink: DiagnosticSink): Omit<TrainIR, 'name'> | undefined {
  let ok = true;
  const model = models.get(decl.model.name);
  if (!model) {
    const guess = closest(decl.model.name, models.keys());
    sink.error('NN2004', decl.model.span, `there is no model \`${decl.model.name}\``, {
      help: guess ? `did you mean \`${guess}\`?` : 'declare it with `model Name { … }`',
      fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: decl.model.span, newText: guess }] }] : [],
    });
    ok = false;
  }
  const table = data.get(decl.data.name);
  if (!data.has(decl.data.name)) {
    const guess = closest(decl.data.name, data.keys());
    sink.error('NN2005', decl.data.span, `there is no data \`${decl.data.name}\``, {
      help: guess ? `did you mean \`${guess}\`?` : 'declare it with `data name = table { … }`',
      fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: decl.data.span, newText: guess }] }] : [],
    });
    ok = false;
  }

  const props = new Map<string, Property>();
  for (const p of decl.props) {
    const key = p.key.name;
    if (!(settings as readonly string[]).includes(key)) {
      const guess = closest(key, settings);
      sink.error('NN4004', p.key.span, `\`${key}\` is not a training setting`, {
        help: guess ? `did you mean \`${guess}\`?` : `settings are ${settings.map((s) => `\`${s}\``).join(', ')}`,
        fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: p.key.span, newText: guess }] }] : [],
      });
      ok = false;
    } else if (props.has(key)) {
      sink.error('NN4012', p.key.span, `\`${key}\` is set twice`, { related: [{ span: props.get(key)!.key.span, message: 'first set here' }] });
      ok = false;
    } else props.set(key, p);
  }

  const lossProp = props.get('loss');
  let loss: LossName | undefined;
  if (!lossProp) {
    sink.error('NN4005', decl.model.span, `training \`${decl.model.name}\` needs a \`loss\``, { help: 'add e.g. `loss: mse` or `loss: binary_crossentropy`' });
    ok = false;
  } else {
    loss = lookupName(lossProp.value, losses, 'NN4001', 'loss', sink);
    if (!loss) ok = false;
  }

  const optimizer = props.has('optimizer') ? checkOptimizer(props.get('optimizer')!.value, sink) : ({ name: 'adam' } as OptimizerSpec);
  if (!optimizer) ok = false;

  const epochs = props.has('epochs') ? positiveInt(props.get('epochs')!.value, 'epochs', sink) : 1;
  if (epochs === undefined) ok = false;

  let batch: TrainPlan['batch'] | undefined = 32;
  const batchProp = props.get('batch');
  if (batchProp) {
    const v = batchProp.value;
    batch = v.kind === 'name' && v.name === 'full' ? 'full' : positiveInt(v, 'batch', sink, 'a whole number of at least 1, or `full`');
    if (batch === undefined) ok = false;
  }

  const metricList: MetricName[] = [];
  const metricsProp = props.get('metrics');
  if (metricsProp) {
    const items = metricsProp.value.kind === 'list' ? metricsProp.value.items : [metricsProp.value];
    for (const item of items) {
      const m = lookupName(item, metrics, 'NN4003', 'metric', sink);
      if (!m) ok = false;
      else if (!metricList.includes(m)) metricList.push(m);
    }
  }

  const shuffle = props.has('shuffle') ? bool(props.get('shuffle')!.value, 'shuffle', sink) : true;
  if (shuffle === undefined) ok = false;
  const seed = props.has('seed') ? nonNegativeInt(props.get('seed')!.value, 'seed', sink) : undefined;
  if (props.has('seed') && seed === undefined) ok = false;

  if (model && table && ok && model.complete) ok = checkDataFitsModel(decl, model, table, loss!, lossProp!.value.span, sink);
  if (!ok || !model || !model.complete || !table || !loss || !optimizer || epochs === undefined || batch === undefined || shuffle === undefined) return undefined;
  const plan: TrainPlan = { loss, optimizer, batch, epochs, metrics: metricList, shuffle, ...(seed !== undefined ? { seed } : {}) };
  return { model: model.name, data: table.name, plan, span: decl.span };
}

function checkDataFitsModel(decl: TrainDecl, model: ModelIR, table: DataIR, loss: LossName, lossSpan: Span, sink: DiagnosticSink): boolean {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    sink.error('NN3196', decl.model.span, `\`${model.name}\` has ${model.inputs.length} input${model.inputs.length === 1 ? '' : 's'} and ${model.outputs.length} output${model.outputs.length === 1 ? '' : 's'}; a table trains a model with one of each`, {
      related: [{ span: model.nameSpan, message: 'declared here' }],
      help: 'train a model with one input and one output, and use this one for prediction',
    });
    return false;
  }
  const input = model.inputs[0]!;
  const output = model.outputs[0]!;
  const inWidth = input.shape.length === 2 ? input.shape[1] : undefined;
  if (input.shape.length !== 2 || (inWidth?.kind === 'const' && inWidth.value !== table.features.length)) {
    sink.error('NN4007', decl.data.span, `\`${table.name}\` has ${table.features.length} feature column${table.features.length === 1 ? '' : 's'}, but \`${model.name}\` takes ${showShape(input.shape)}`, {
      expected: `[batch, ${table.features.length}]`,
      found: showShape(input.shape),
      related: [
        { span: input.span, message: `input is ${showShape(input.shape)}` },
        { span: table.span, message: `features: ${table.features.join(', ')}` },
      ],
      help: `make the input \`[batch, ${table.features.length}]\`, or give the table ${inWidth?.kind === 'const' ? inWidth.value : 'matching'} feature columns`,
    });
    return false;
  }
  const outWidth = output.shape[output.shape.length - 1];
  if (output.shape.length !== 2 || (outWidth?.kind === 'const' && outWidth.value !== table.labels.length)) {
    const none = table.labels.length === 0;
    sink.error('NN4008', decl.data.span, none ? `\`${table.name}\` has no label columns to train against` : `\`${table.name}\` has ${table.labels.length} label column${table.labels.length === 1 ? '' : 's'}, but \`${model.name}\` outputs ${showShape(output.shape)}`, {
      expected: `[batch, ${table.labels.length}]`,
      found: showShape(output.shape),
      related: [{ span: table.span, message: none ? 'labels follow `->` in the header' : `labels: ${table.labels.join(', ')}` }],
      help: none ? 'add labels after `->`: `x1, x2 -> y`' : `one label column per output unit: give the last layer ${table.labels.length} unit${table.labels.length === 1 ? '' : 's'}`,
    });
    return false;
  }
  if (loss === 'binary_crossentropy' || loss === 'categorical_crossentropy') {
    const bad = table.y.findIndex((row) => row.some((v) => v < 0 || v > 1));
    if (bad >= 0) {
      sink.error('NN4010', lossSpan, `\`${loss}\` needs labels between 0 and 1, but row ${bad + 1} of \`${table.name}\` has ${table.y[bad]!.join(', ')}`, {
        help: 'use `mse` for regression targets, or encode classes as 0/1',
      });
      return false;
    }
  }
  if (loss === 'categorical_crossentropy' && outWidth?.kind === 'const' && outWidth.value === 1) {
    sink.warning('NN4010', lossSpan, '`categorical_crossentropy` over a single output is always 0', {
      help: 'use `binary_crossentropy` with a sigmoid output for two classes',
      fixes: [{ title: 'Use `binary_crossentropy`', edits: [{ span: lossSpan, newText: 'binary_crossentropy' }] }],
    });
  }
  return true;
}

function lookupName<T>(e: Expr, table: Record<string, T>, code: 'NN4001' | 'NN4003', what: string, sink: DiagnosticSink): T | undefined {
  const name = e.kind === 'name' ? e.name : e.kind === 'string' ? e.value : undefined;
  if (name !== undefined && Object.hasOwn(table, name)) return table[name];
  const guess = name !== undefined ? closest(name, Object.keys(table)) : undefined;
  sink.error(code, e.span, name !== undefined ? `unknown ${what} \`${name}\`` : `a ${what} is a name such as \`${Object.keys(table)[0]}\`, found ${describe(e)}`, {
    help: guess ? `did you mean \`${guess}\`?` : `${what === 'loss' ? 'losses' : what + 's'} are ${Object.keys(table).map((k) => `\`${k}\``).join(', ')}`,
    fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: e.span, newText: guess }] }] : [],
  });
  return undefined;
}

function checkOptimizer(e: Expr, sink: DiagnosticSink): OptimizerSpec | undefined {
  const nameSpan = e.kind === 'call' ? e.callee.span : e.span;
  const name = e.kind === 'name' ? e.name : e.kind === 'call' ? e.callee.name : undefined;
  const info = name !== undefined && Object.hasOwn(optimizers, name) ? optimizers[name] : undefined;
  if (!info) {
    const guess = name !== undefined ? closest(name, Object.keys(optimizers)) : undefined;
    sink.error('NN4002', nameSpan, name !== undefined ? `unknown optimizer \`${name}\`` : `an optimizer is written like \`adam(lr: 0.01)\`, found ${describe(e)}`, {
      help: guess ? `did you mean \`${guess}\`?` : `optimizers are ${Object.keys(optimizers).map((k) => `\`${k}\``).join(', ')}`,
      fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: nameSpan, newText: guess }] }] : [],
    });
    return undefined;
  }
  const spec: OptimizerSpec = { name: info.name };
  let ok = true;
  for (const a of e.kind === 'call' ? e.args : []) {
    const key = a.name?.name ?? (a === (e as { args: unknown[] }).args[0] ? 'lr' : undefined);
    const param = key !== undefined ? info.params[key] : undefined;
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
  // `sgd(momentum: 0.9)` is SGD with momentum, as in Keras.
  if (spec.name === 'sgd' && spec.momentum !== undefined && spec.momentum > 0) spec.name = 'momentum';
  return ok ? spec : undefined;
}

function positiveInt(e: Expr, what: string, sink: DiagnosticSink, expected = 'a whole number of at least 1'): number | undefined {
  if (e.kind === 'number' && Number.isInteger(e.value) && e.value >= 1 && e.value <= 1e9) return e.value;
  sink.error(e.kind === 'number' ? 'NN4009' : 'NN3001', e.span, `\`${what}\` must be ${expected}`, { found: describe(e) });
  return undefined;
}

function nonNegativeInt(e: Expr, what: string, sink: DiagnosticSink): number | undefined {
  if (e.kind === 'number' && Number.isInteger(e.value) && e.value >= 0 && e.value < 2 ** 32) return e.value;
  sink.error(e.kind === 'number' ? 'NN4009' : 'NN3001', e.span, `\`${what}\` must be a whole number from 0 to 4294967295`, { found: describe(e) });
  return undefined;
}

function bool(e: Expr, what: string, sink: DiagnosticSink): boolean | undefined {
  if (e.kind === 'name' && (e.name === 'true' || e.name === 'false')) return e.name === 'true';
  sink.error('NN3001', e.span, `\`${what}\` must be \`true\` or \`false\``, { found: describe(e) });
  return undefined;
}
