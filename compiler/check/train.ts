// A `train` block: resolves its model and data, checks each setting, and checks the data against
// the model (feature columns ↔ input width, label columns ↔ output width).
import type { EarlyStoppingSpec, LossName, MetricName, OptimizerSpec, ScheduleSpec, TrainPlan } from '../../runtime/types.js';
import type { DiagnosticSink } from '../diagnostics/make.js';
import { closest } from '../diagnostics/suggest.js';
import type { CustomLossIR, DataIR, ModelIR, TrainIR, TrainPlanIR } from '../ir.js';
import { checkCustomLoss } from './custom-loss.js';
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
  huber: 'huber',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  scce: 'sparse_categorical_crossentropy',
};

const metrics: Record<string, MetricName> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  mse: 'mse',
  mae: 'mae',
  precision: 'precision',
  recall: 'recall',
  f1: 'f1',
  r2: 'r2',
};

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

const settings = ['loss', 'optimizer', 'epochs', 'batch', 'metrics', 'shuffle', 'seed', 'validation', 'early_stopping', 'schedule', 'l1', 'l2', 'target', 'freeze', 'init'] as const;

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
  let loss: LossName | CustomLossIR | undefined;
  if (!lossProp) {
    sink.error('NN4005', decl.model.span, `training \`${decl.model.name}\` needs a \`loss\``, { help: 'add e.g. `loss: mse` or `loss: binary_crossentropy`' });
    ok = false;
  } else {
    loss = checkLoss(lossProp.value, sink);
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

  const extra = checkExtraSettings(props, data, sink, model?.complete ? model : undefined);
  if (!extra) ok = false;
  const target = extra?.plan.target;
  if (model && table && ok && model.complete) ok = checkDataFitsModel(decl, model, table, loss!, lossProp!.value.span, sink, target);
  const validationTable = extra?.validationData !== undefined ? data.get(extra.validationData) : undefined;
  if (model && validationTable && ok && model.complete) ok = checkDataFitsModel(decl, model, validationTable, loss!, lossProp!.value.span, sink, target, props.get('validation')!.value.span);
  if (ok && extra?.plan.earlyStopping) ok = checkMonitor(extra.plan.earlyStopping.monitor, extra.monitorSpan!, metricList, extra.plan.validationSplit !== undefined || extra.validationData !== undefined, sink);
  if (!ok || !extra || !model || !model.complete || !table || !loss || !optimizer || epochs === undefined || batch === undefined || shuffle === undefined) return undefined;
  const plan: TrainPlanIR = { loss, optimizer, batch, epochs, metrics: metricList, shuffle, ...(seed !== undefined ? { seed } : {}), ...extra.plan };
  return { model: model.name, data: table.name, plan, span: decl.span, ...(extra.validationData !== undefined ? { validationData: extra.validationData } : {}) };
}

function checkLoss(e: Expr, sink: DiagnosticSink): LossName | CustomLossIR | undefined {
  if (e.kind === 'name' || e.kind === 'string') return lookupName(e, losses, 'NN4001', 'loss', sink);
  if (e.kind === 'call' && Object.hasOwn(losses, e.callee.name)) {
    // `binary_crossentropy(from_logits: true)`, as Keras writes it.
    const base = losses[e.callee.name]!;
    const arg = e.args[0];
    if (e.args.length !== 1 || arg?.name?.name !== 'from_logits' || !['binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'].includes(base)) {
      sink.error('NN2006', arg?.span ?? e.span, `\`${e.callee.name}\` takes only \`from_logits: true\``, { help: 'the cross-entropies take `from_logits`; other losses take no arguments' });
      return undefined;
    }
    const fromLogits = bool(arg.value, 'from_logits', sink);
    if (fromLogits === undefined) return undefined;
    return fromLogits ? (`${base}_from_logits` as LossName) : base;
  }
  return checkCustomLoss(e, sink) ? { kind: 'custom', expr: e } : undefined;
}

interface ExtraSettings {
  plan: Pick<TrainPlan, 'validationSplit' | 'earlyStopping' | 'schedule' | 'l1' | 'l2' | 'target' | 'freeze' | 'init'>;
  validationData?: string;
  monitorSpan?: Span;
}

/** validation, early_stopping, schedule, l1, l2 and target. */
function checkExtraSettings(props: Map<string, Property>, data: Map<string, DataIR | undefined>, sink: DiagnosticSink, model: ModelIR | undefined): ExtraSettings | undefined {
  const out: ExtraSettings = { plan: {} };
  let ok = true;
  const validation = props.get('validation')?.value;
  if (validation) {
    if (validation.kind === 'call' && validation.callee.name === 'holdout' && validation.args.length === 1 && !validation.args[0]!.name) {
      const f = validation.args[0]!.value;
      if (f.kind === 'number' && f.value > 0 && f.value < 1) out.plan.validationSplit = f.value;
      else {
        sink.error(f.kind === 'number' ? 'NN4009' : 'NN3001', f.span, 'the holdout is a fraction of the rows between 0 and 1, such as `holdout(0.2)`', { found: describe(f) });
        ok = false;
      }
    } else if (validation.kind === 'name' && data.has(validation.name)) {
      if (data.get(validation.name)) out.validationData = validation.name;
      else ok = false;
    } else {
      const guess = validation.kind === 'name' ? closest(validation.name, data.keys()) : undefined;
      sink.error(validation.kind === 'name' ? 'NN2005' : 'NN3001', validation.span, validation.kind === 'name' ? `there is no data \`${validation.name}\`` : `\`validation\` is \`holdout(fraction)\` or the name of a data set, found ${describe(validation)}`, {
        help: guess ? `did you mean \`${guess}\`?` : 'write `validation: holdout(0.2)` to hold out a fifth of the rows',
      });
      ok = false;
    }
  }
  const early = props.get('early_stopping')?.value;
  if (early) {
    const spec = checkEarlyStopping(early, out.plan.validationSplit !== undefined || out.validationData !== undefined, sink);
    if (spec) {
      out.plan.earlyStopping = spec.spec;
      out.monitorSpan = spec.monitorSpan;
    } else ok = false;
  }
  const schedule = props.get('schedule')?.value;
  if (schedule) {
    const s = checkSchedule(schedule, sink);
    if (s) out.plan.schedule = s;
    else ok = false;
  }
  for (const key of ['l1', 'l2'] as const) {
    const v = props.get(key)?.value;
    if (!v) continue;
    if (v.kind === 'number' && v.value >= 0 && v.value < 1) out.plan[key] = v.value;
    else {
      sink.error(v.kind === 'number' ? 'NN4009' : 'NN3001', v.span, `\`${key}\` is a penalty factor from 0 up to (not including) 1, such as \`${key}: 0.001\``, { found: describe(v) });
      ok = false;
    }
  }
  const layers = model ? model.nodes.filter((n) => n.weights.length > 0).map((n) => n.id) : undefined;
  const freeze = props.get('freeze')?.value;
  if (freeze) {
    const names = layerNames(freeze, 'freeze', layers, model, sink);
    if (names) out.plan.freeze = names;
    else ok = false;
  }
  const init = props.get('init')?.value;
  if (init) {
    const path = init.kind === 'call' && init.callee.name === 'load' ? init.args[0] : undefined;
    const layerArg = init.kind === 'call' ? init.args.find((a) => a.name?.name === 'layers') : undefined;
    const extraArg = init.kind === 'call' ? init.args.find((a, i) => (i === 0 ? a.name !== undefined : a.name?.name !== 'layers')) : undefined;
    if (!path || path.name || path.value.kind !== 'string' || extraArg) {
      sink.error('NN3001', extraArg?.span ?? init.span, '`init` is `load("folder")` or `load("folder", layers: [dense, dense_1])`: the folder of a saved checkpoint (weights.json), relative to the .nn file', { found: describe(init) });
      ok = false;
    } else {
      const names = layerArg ? layerNames(layerArg.value, 'load', layers, model, sink) : [];
      if (names === undefined) ok = false;
      else out.plan.init = { path: path.value.value, ...(layerArg ? { layers: names } : {}) };
    }
  }
  const target = props.get('target')?.value;
  if (target) {
    if (target.kind === 'name' && target.name === 'features') out.plan.target = 'input';
    else if (!(target.kind === 'name' && target.name === 'labels')) {
      sink.error('NN3001', target.span, '`target` is `labels` (the default) or `features` (the model learns to reproduce its input)', { found: describe(target) });
      ok = false;
    }
  }
  return ok ? out : undefined;
}

/** `[dense, dense_1]`: layers of the model by their Keras-style names (as `nnc summary` shows them). */
function layerNames(e: Expr, what: string, layers: readonly string[] | undefined, model: ModelIR | undefined, sink: DiagnosticSink): string[] | undefined {
  const items = e.kind === 'list' ? e.items : [e];
  const names: string[] = [];
  for (const item of items) {
    if (item.kind !== 'name') {
      sink.error('NN3001', item.span, `\`${what}\` takes layer names such as \`dense_1\` (as \`nnc summary\` lists them)`, { found: describe(item) });
      return undefined;
    }
    if (layers && !layers.includes(item.name)) {
      const guess = closest(item.name, layers);
      sink.error('NN4021', item.span, `\`${model!.name}\` has no layer with weights called \`${item.name}\``, {
        help: guess ? `did you mean \`${guess}\`? Its layers with weights are ${layers.map((l) => `\`${l}\``).join(', ')}` : `its layers with weights are ${layers.map((l) => `\`${l}\``).join(', ')}`,
      });
      return undefined;
    }
    names.push(item.name);
  }
  return names;
}

/** `early_stopping: 10` (patience, on val_loss or loss) or `early_stopping: monitor(val_accuracy, patience: 10, min_delta: 0.001)`. */
function checkEarlyStopping(e: Expr, validated: boolean, sink: DiagnosticSink): { spec: EarlyStoppingSpec; monitorSpan: Span } | undefined {
  const fallback = validated ? 'val_loss' : 'loss';
  if (e.kind === 'number') {
    const patience = positiveInt(e, 'patience', sink);
    return patience === undefined ? undefined : { spec: { monitor: fallback, patience, minDelta: 0 }, monitorSpan: e.span };
  }
  if (e.kind !== 'call' || e.callee.name !== 'monitor') {
    sink.error('NN3001', e.span, '`early_stopping` is a patience in epochs (`early_stopping: 10`) or `monitor(val_loss, patience: 10)`', { found: describe(e) });
    return undefined;
  }
  const spec: EarlyStoppingSpec = { monitor: fallback, patience: 5, minDelta: 0 };
  let monitorSpan = e.span;
  for (const [i, a] of e.args.entries()) {
    const key = a.name?.name ?? (i === 0 ? 'value' : undefined);
    if (key === 'value' && (a.value.kind === 'name' || a.value.kind === 'string')) {
      spec.monitor = a.value.kind === 'name' ? a.value.name : a.value.value;
      monitorSpan = a.value.span;
    } else if (key === 'patience') {
      const p = positiveInt(a.value, 'patience', sink);
      if (p === undefined) return undefined;
      spec.patience = p;
    } else if (key === 'min_delta' && a.value.kind === 'number' && a.value.value >= 0) spec.minDelta = a.value.value;
    else {
      sink.error('NN2006', a.span, key === 'value' ? 'the first argument of `monitor` is the name of a value such as `val_loss`' : `\`monitor\` takes a value name, \`patience\` and \`min_delta\`, found \`${key ?? describe(a.value)}\``);
      return undefined;
    }
  }
  return { spec, monitorSpan };
}

function checkMonitor(monitor: string, span: Span, metricList: readonly MetricName[], validated: boolean, sink: DiagnosticSink): boolean {
  const reported = ['loss', ...metricList];
  const names = [...reported, ...(validated ? reported.map((r) => `val_${r}`) : [])];
  if (names.includes(monitor)) return true;
  const guess = closest(monitor, names);
  sink.error('NN4020', span, `early stopping watches \`${monitor}\`, which this run does not report`, {
    help: monitor.startsWith('val_') && !validated ? 'add `validation: holdout(0.2)` to report `val_` values' : `it reports ${names.map((n) => `\`${n}\``).join(', ')}${guess ? `; did you mean \`${guess}\`?` : ''}`,
  });
  return false;
}

/** `step(every: 10, factor: 0.5)`, `exponential(rate: 0.95)`, `cosine(epochs: 100, min: 0)`. */
function checkSchedule(e: Expr, sink: DiagnosticSink): ScheduleSpec | undefined {
  const kinds: Record<string, string[]> = { step: ['every', 'factor'], exponential: ['rate'], cosine: ['epochs', 'min'] };
  const name = e.kind === 'call' ? e.callee.name : e.kind === 'name' ? e.name : undefined;
  if (name === undefined || !Object.hasOwn(kinds, name) || e.kind !== 'call') {
    sink.error('NN3001', e.span, 'a schedule is `step(every: 10, factor: 0.5)`, `exponential(rate: 0.95)` or `cosine(epochs: 100)`', { found: describe(e) });
    return undefined;
  }
  const values: Record<string, number> = {};
  for (const a of e.args) {
    const key = a.name?.name;
    if (key === undefined || !kinds[name]!.includes(key) || a.value.kind !== 'number' || a.value.value < 0) {
      sink.error('NN2006', a.span, `\`${name}\` takes ${kinds[name]!.map((k) => `\`${k}: number\``).join(' and ')}`);
      return undefined;
    }
    values[key] = a.value.value;
  }
  if (name === 'step') {
    const every = values['every'] ?? 10;
    const factor = values['factor'] ?? 0.5;
    if (!Number.isInteger(every) || every < 1 || factor <= 0) {
      sink.error('NN4009', e.span, '`every` is a whole number of epochs of at least 1 and `factor` is greater than 0');
      return undefined;
    }
    return { kind: 'step', every, factor };
  }
  if (name === 'exponential') {
    const rate = values['rate'] ?? 0.95;
    if (rate <= 0) {
      sink.error('NN4009', e.span, '`rate` must be greater than 0');
      return undefined;
    }
    return { kind: 'exponential', rate };
  }
  const epochs = values['epochs'];
  if (epochs === undefined || !Number.isInteger(epochs) || epochs < 1) {
    sink.error('NN4009', e.span, '`cosine` needs `epochs`, the whole number of epochs it decays over');
    return undefined;
  }
  return { kind: 'cosine', epochs, min: values['min'] ?? 0 };
}

function checkDataFitsModel(decl: TrainDecl, model: ModelIR, table: DataIR, lossOrCustom: LossName | CustomLossIR, lossSpan: Span, sink: DiagnosticSink, target?: 'input', dataSpan: Span = decl.data.span): boolean {
  decl = { ...decl, data: { ...decl.data, span: dataSpan } };
  const loss = typeof lossOrCustom === 'string' ? lossOrCustom : undefined;
  // An autoencoder's labels are its features.
  if (target === 'input') table = { name: table.name, span: table.span, features: table.features, labels: table.features, x: [], y: [] };
  const sparse = loss?.startsWith('sparse_') ?? false;
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
  if (sparse || (table.classes !== undefined && table.labels.length === 1 && outWidth?.kind === 'const' && outWidth.value > 1)) {
    return checkClassLabels(decl, model, table, outWidth, sparse, lossSpan, sink);
  }
  if (output.shape.length !== 2 || (outWidth?.kind === 'const' && outWidth.value !== table.labels.length)) {
    const none = table.labels.length === 0;
    sink.error('NN4008', decl.data.span, none ? `\`${table.name}\` has no label columns to train against` : `\`${table.name}\` has ${table.labels.length} label column${table.labels.length === 1 ? '' : 's'}, but \`${model.name}\` outputs ${showShape(output.shape)}`, {
      ...(none ? {} : { expected: `[batch, ${table.labels.length}]` }),
      found: showShape(output.shape),
      related: [{ span: table.span, message: none ? 'labels follow `->` in the header' : `labels: ${table.labels.join(', ')}` }],
      help: none ? 'add labels after `->`: `x1, x2 -> y`' : `one label column per output unit: give the last layer ${table.labels.length} unit${table.labels.length === 1 ? '' : 's'}`,
    });
    return false;
  }
  if (loss === 'binary_crossentropy' || loss === 'categorical_crossentropy' || loss === 'binary_crossentropy_from_logits' || loss === 'categorical_crossentropy_from_logits') {
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

/** Labels that are class numbers (one column) against an output of one unit per class. */
function checkClassLabels(decl: TrainDecl, model: ModelIR, table: DataIR, outWidth: ModelIR['outputs'][number]['shape'][number] | undefined, sparse: boolean, lossSpan: Span, sink: DiagnosticSink): boolean {
  const units = outWidth?.kind === 'const' ? outWidth.value : undefined;
  if (table.labels.length !== 1) {
    sink.error('NN4018', lossSpan, `\`sparse_categorical_crossentropy\` needs one label column of class numbers, but \`${table.name}\` has ${table.labels.length}`, {
      related: [{ span: decl.data.span, message: `labels: ${table.labels.slice(0, 4).join(', ')}${table.labels.length > 4 ? ', …' : ''}` }],
      help: 'one-hot labels go with `categorical_crossentropy`',
      fixes: [{ title: 'Use `categorical_crossentropy`', edits: [{ span: lossSpan, newText: 'categorical_crossentropy' }] }],
    });
    return false;
  }
  if (!sparse) {
    sink.error('NN4018', decl.data.span, `\`${table.name}\` labels each row with one class number (of ${table.classes} classes), but \`${model.name}\` outputs ${units ?? 'several'} columns, so \`${model.name}\` needs one-hot labels`, {
      help: `one-hot encode the labels with \`|> one_hot(${table.classes})\` in the data, or use \`loss: sparse_categorical_crossentropy\``,
    });
    return false;
  }
  const classes = table.classes ?? (table.y.length ? Math.max(...table.y.map((r) => r[0]!)) + 1 : undefined);
  if (units !== undefined && classes !== undefined && classes > units) {
    sink.error('NN4018', decl.data.span, `\`${table.name}\` has ${classes} classes, but \`${model.name}\` has ${units} output unit${units === 1 ? '' : 's'}`, {
      help: `give the last layer ${classes} units, one per class`,
    });
    return false;
  }
  const bad = table.y.findIndex((r) => !Number.isInteger(r[0]) || r[0]! < 0);
  if (bad >= 0) {
    sink.error('NN4018', lossSpan, `row ${bad + 1} of \`${table.name}\` has the label ${table.y[bad]![0]}, but a class number is a whole number from 0`);
    return false;
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

export function checkOptimizer(e: Expr, sink: DiagnosticSink): OptimizerSpec | undefined {
  const nameSpan = e.kind === 'call' ? e.callee.span : e.span;
  // Written as a name, a call, or a string (as losses and metrics may be).
  const name = e.kind === 'name' ? e.name : e.kind === 'call' ? e.callee.name : e.kind === 'string' ? e.value : undefined;
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

export function positiveInt(e: Expr, what: string, sink: DiagnosticSink, expected = 'a whole number from 1 to 1000000000'): number | undefined {
  if (e.kind === 'number' && Number.isInteger(e.value) && e.value >= 1 && e.value <= 1e9) return e.value;
  sink.error(e.kind === 'number' ? 'NN4009' : 'NN3001', e.span, `\`${what}\` must be ${expected}`, { found: describe(e) });
  return undefined;
}

function nonNegativeInt(e: Expr, what: string, sink: DiagnosticSink): number | undefined {
  if (e.kind === 'number' && Number.isInteger(e.value) && e.value >= 0 && e.value < 2 ** 32) return e.value;
  sink.error(e.kind === 'number' ? 'NN4009' : 'NN3001', e.span, `\`${what}\` must be a whole number from 0 to 4294967295`, { found: describe(e) });
  return undefined;
}

export function bool(e: Expr, what: string, sink: DiagnosticSink): boolean | undefined {
  if (e.kind === 'name' && (e.name === 'true' || e.name === 'false')) return e.name === 'true';
  sink.error('NN3001', e.span, `\`${what}\` must be \`true\` or \`false\``, { found: describe(e) });
  return undefined;
}
