// The settings of a `train` block, one entry each: its name, the value it takes and its default
// (as docs/language.md's table says them; test/train-settings.test.ts keeps the two equal), one line
// of documentation, the values the editor offers, and its checker. The checker (train.ts), the
// docs, hover and completion all read this table, so a new setting is one entry here.
import type { EarlyStoppingSpec, LossName, MetricName, OptimizerSpec, ScheduleSpec, TrainPlan } from '../../runtime/types.js';
import type { DiagnosticSink } from '../diagnostics/make.js';
import { closest } from '../diagnostics/suggest.js';
import type { CustomLossIR, DataIR, ModelIR } from '../ir.js';
import type { Expr, Span } from '../syntax/ast.js';
import { describe } from './args.js';
import { checkCustomLoss } from './custom-loss.js';
import { checkOptimizer, optimizerSettings } from './optimizers.js';
import { bool, lookupName, nonNegativeInt, positiveInt } from './setting-values.js';

/** Loss names and their aliases, each to the name the runtime knows. */
export const losses: Record<string, LossName> = {
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

export const metrics: Record<string, MetricName> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  mse: 'mse',
  mae: 'mae',
  precision: 'precision',
  recall: 'recall',
  f1: 'f1',
  r2: 'r2',
};

/** What the settings of one `train` block resolve to, filled in entry by entry (in table order). */
export interface PlanDraft {
  loss?: LossName | CustomLossIR;
  optimizer: OptimizerSpec;
  epochs: number;
  batch: TrainPlan['batch'];
  metrics: MetricName[];
  shuffle: boolean;
  seed?: number;
  validationSplit?: number;
  validationData?: string;
  earlyStopping?: EarlyStoppingSpec;
  /** Where the monitored value is named, for the check against what the run reports. */
  monitorSpan?: Span;
  schedule?: ScheduleSpec;
  l1?: number;
  l2?: number;
  target?: 'input';
  freeze?: string[];
  init?: { path: string; layers?: string[] };
}

/** The defaults of the settings left out. */
export function defaultPlan(): PlanDraft {
  return { optimizer: { name: 'adam' }, epochs: 1, batch: 32, metrics: [], shuffle: true };
}

export interface SettingContext {
  sink: DiagnosticSink;
  draft: PlanDraft;
  data: ReadonlyMap<string, DataIR | undefined>;
  /** The model trained, when it checked without errors (its layer names are then known). */
  model: ModelIR | undefined;
}

/** A value the editor offers after `setting:`; `snippet` is in LSP snippet syntax. */
export interface SettingValue {
  label: string;
  kind: 'choice' | 'literal';
  detail?: string;
  snippet?: string;
}

export interface TrainSetting {
  name: string;
  /** The value it takes (markdown), as the docs' table says it. */
  value: string;
  /** Its default (markdown), as the docs' table says it. */
  default: string;
  /** What it does: one line, for the docs' table and the editor. */
  doc: string;
  /** What the editor offers after `name:`. */
  values?: () => SettingValue[];
  /** Checks `value` and writes it into `ctx.draft`; false after reporting a mistake. */
  check(value: Expr, ctx: SettingContext): boolean;
}

const names = (table: Record<string, unknown>, detail: string): SettingValue[] => Object.keys(table).map((label) => ({ label, kind: 'choice', detail }));
const booleans = (): SettingValue[] => ['true', 'false'].map((label) => ({ label, kind: 'literal' }));

export const trainSettings: readonly TrainSetting[] = [
  {
    name: 'loss',
    value: 'a loss name, `binary_crossentropy(from_logits: true)`, or a formula (below)',
    default: '**required** (NN4005)',
    doc: 'what training minimises',
    values: () => names(losses, 'loss'),
    check: (e, { sink, draft }) => (draft.loss = checkLoss(e, sink)) !== undefined,
  },
  {
    name: 'optimizer',
    value: 'an optimizer, optionally with settings: `adam(lr: 0.01)`',
    default: '`adam` (lr 0.001)',
    doc: 'how the weights move',
    values: () => Object.entries(optimizerSettings()).map(([label, settings]) => ({ label, kind: 'choice', detail: `optimizer: ${settings.join(', ')}`, snippet: `${label}(lr: \${1:0.01})` })),
    check: (e, { sink, draft }) => setIfDefined(draft, 'optimizer', checkOptimizer(e, sink)),
  },
  {
    name: 'epochs',
    value: 'a whole number from 1 to 1,000,000,000',
    default: '`1`',
    doc: 'passes over the training rows',
    check: (e, { sink, draft }) => setIfDefined(draft, 'epochs', positiveInt(e, 'epochs', sink)),
  },
  {
    name: 'batch',
    value: '`full`, or a whole number ≥ 1',
    default: '`32`',
    doc: 'samples per optimizer step',
    values: () => [{ label: 'full', kind: 'literal', detail: 'the whole table in one batch' }],
    check: (e, { sink, draft }) => setIfDefined(draft, 'batch', e.kind === 'name' && e.name === 'full' ? 'full' : positiveInt(e, 'batch', sink, 'a whole number of at least 1, or `full`')),
  },
  {
    name: 'metrics',
    value: 'a metric name, or a list of them: `[accuracy, f1]`',
    default: 'none (the loss only)',
    doc: 'what is reported besides the loss',
    values: () => names(metrics, 'metric'),
    check: checkMetrics,
  },
  {
    name: 'shuffle',
    value: '`true` or `false`',
    default: '`true`',
    doc: 'shuffle the rows every epoch',
    values: booleans,
    check: (e, { sink, draft }) => setIfDefined(draft, 'shuffle', bool(e, 'shuffle', sink)),
  },
  {
    name: 'seed',
    value: 'a whole number from 0 to 4294967295',
    default: 'none (42)',
    doc: 'the seed of the initial weights, the shuffle and the holdout',
    check: (e, { sink, draft }) => setIfDefined(draft, 'seed', nonNegativeInt(e, 'seed', sink)),
  },
  {
    name: 'validation',
    value: '`holdout(f)` with 0 < f < 1, or the name of another data set',
    default: 'none',
    doc: 'rows to measure `val_…` values on after every epoch',
    values: () => [{ label: 'holdout', kind: 'choice', detail: 'hold out a fraction of the rows', snippet: 'holdout(${1:0.2})' }],
    check: checkValidation,
  },
  {
    name: 'early_stopping',
    value: 'a patience in epochs (`10`), or `monitor(val_accuracy, patience: 10, min_delta: 0.001)`',
    default: 'none',
    doc: 'stop when the monitored value stops improving',
    values: () => [{ label: 'monitor', kind: 'choice', detail: 'the value to watch and the patience', snippet: 'monitor(${1:val_loss}, patience: ${2:10})' }],
    check: (e, { sink, draft }) => {
      const checked = checkEarlyStopping(e, draft.validationSplit !== undefined || draft.validationData !== undefined, sink);
      if (!checked) return false;
      draft.earlyStopping = checked.spec;
      draft.monitorSpan = checked.monitorSpan;
      return true;
    },
  },
  {
    name: 'schedule',
    value: '`step(every: 10, factor: 0.5)`, `exponential(rate: 0.95)` or `cosine(epochs: 100, min: 0)`',
    default: 'none (a constant rate)',
    doc: 'how the learning rate changes from epoch to epoch',
    values: () => [
      { label: 'step', kind: 'choice', detail: 'multiply the rate by factor every n epochs', snippet: 'step(every: ${1:10}, factor: ${2:0.5})' },
      { label: 'exponential', kind: 'choice', detail: 'multiply the rate by a constant every epoch', snippet: 'exponential(rate: ${1:0.95})' },
      { label: 'cosine', kind: 'choice', detail: 'half a cosine down to min over n epochs', snippet: 'cosine(epochs: ${1:100}, min: ${2:0})' },
    ],
    check: (e, { sink, draft }) => setIfDefined(draft, 'schedule', checkSchedule(e, sink)),
  },
  {
    name: 'l1',
    value: 'a number from 0 up to (not including) 1',
    default: 'none',
    doc: 'a weight penalty added to the loss: l1·Σ\\|w\\| over every kernel',
    check: (e, { sink, draft }) => setIfDefined(draft, 'l1', penalty(e, 'l1', sink)),
  },
  {
    name: 'l2',
    value: 'a number from 0 up to (not including) 1',
    default: 'none',
    doc: 'a weight penalty added to the loss: l2·Σw² over every kernel',
    check: (e, { sink, draft }) => setIfDefined(draft, 'l2', penalty(e, 'l2', sink)),
  },
  {
    name: 'target',
    value: '`labels` or `features`',
    default: '`labels`',
    doc: '`features` makes the model reproduce its input (an autoencoder), and the data needs no labels',
    values: () => [
      { label: 'labels', kind: 'choice', detail: 'learn the label columns' },
      { label: 'features', kind: 'choice', detail: 'reproduce the input (an autoencoder)' },
    ],
    check: checkTarget,
  },
  {
    name: 'freeze',
    value: 'a list of layer names: `[dense, dense_1]`',
    default: 'none',
    doc: 'layers whose weights training does not change',
    check: (e, { sink, draft, model }) => setIfDefined(draft, 'freeze', layerNames(e, 'freeze', model, sink)),
  },
  {
    name: 'init',
    value: '`load("folder")` or `load("folder", layers: [dense, …])`',
    default: 'none',
    doc: 'start from these layers\' weights (every layer the two share, without `layers`) in a saved checkpoint; see [Transfer learning](#transfer-learning)',
    values: () => [{ label: 'load', kind: 'choice', detail: 'weights from a saved checkpoint', snippet: 'load("${1:folder}")' }],
    check: checkInit,
  },
];

export const trainSettingByName: ReadonlyMap<string, TrainSetting> = new Map(trainSettings.map((s) => [s.name, s]));

/** Writes `value` into the draft when the checker gave one; false when it reported a mistake. */
function setIfDefined<K extends keyof PlanDraft>(draft: PlanDraft, key: K, value: PlanDraft[K] | undefined): boolean {
  if (value === undefined) return false;
  draft[key] = value;
  return true;
}

function checkLoss(e: Expr, sink: DiagnosticSink): LossName | CustomLossIR | undefined {
  if (e.kind === 'name' || e.kind === 'string') return lookupName(e, losses, 'NN4001', 'loss', 'losses', sink);
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

function checkMetrics(e: Expr, { sink, draft }: SettingContext): boolean {
  let ok = true;
  for (const item of e.kind === 'list' ? e.items : [e]) {
    const m = lookupName(item, metrics, 'NN4003', 'metric', 'metrics', sink);
    if (!m) ok = false;
    else if (!draft.metrics.includes(m)) draft.metrics.push(m);
  }
  return ok;
}

function checkValidation(validation: Expr, { sink, draft, data }: SettingContext): boolean {
  if (validation.kind === 'call' && validation.callee.name === 'holdout' && validation.args.length === 1 && !validation.args[0]!.name) {
    const f = validation.args[0]!.value;
    if (f.kind === 'number' && f.value > 0 && f.value < 1) {
      draft.validationSplit = f.value;
      return true;
    }
    sink.error(f.kind === 'number' ? 'NN4009' : 'NN3001', f.span, 'the holdout is a fraction of the rows between 0 and 1, such as `holdout(0.2)`', { found: describe(f) });
    return false;
  }
  if (validation.kind === 'name' && data.has(validation.name)) {
    // A data set that failed its own checks was reported there.
    if (!data.get(validation.name)) return false;
    draft.validationData = validation.name;
    return true;
  }
  const guess = validation.kind === 'name' ? closest(validation.name, data.keys()) : undefined;
  sink.error(validation.kind === 'name' ? 'NN2005' : 'NN3001', validation.span, validation.kind === 'name' ? `there is no data \`${validation.name}\`` : `\`validation\` is \`holdout(fraction)\` or the name of a data set, found ${describe(validation)}`, {
    help: guess ? `did you mean \`${guess}\`?` : 'write `validation: holdout(0.2)` to hold out a fifth of the rows',
  });
  return false;
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

/** Each schedule with the settings it takes. */
const schedules: Record<string, string[]> = { step: ['every', 'factor'], exponential: ['rate'], cosine: ['epochs', 'min'] };

/** `step(every: 10, factor: 0.5)`, `exponential(rate: 0.95)`, `cosine(epochs: 100, min: 0)`. */
function checkSchedule(e: Expr, sink: DiagnosticSink): ScheduleSpec | undefined {
  const name = e.kind === 'call' ? e.callee.name : e.kind === 'name' ? e.name : undefined;
  if (name === undefined || !Object.hasOwn(schedules, name) || e.kind !== 'call') {
    sink.error('NN3001', e.span, 'a schedule is `step(every: 10, factor: 0.5)`, `exponential(rate: 0.95)` or `cosine(epochs: 100)`', { found: describe(e) });
    return undefined;
  }
  const values: Record<string, number> = {};
  for (const a of e.args) {
    const key = a.name?.name;
    if (key === undefined || !schedules[name]!.includes(key) || a.value.kind !== 'number' || a.value.value < 0) {
      sink.error('NN2006', a.span, `\`${name}\` takes ${schedules[name]!.map((k) => `\`${k}: number\``).join(' and ')}`);
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

function penalty(v: Expr, key: 'l1' | 'l2', sink: DiagnosticSink): number | undefined {
  if (v.kind === 'number' && v.value >= 0 && v.value < 1) return v.value;
  sink.error(v.kind === 'number' ? 'NN4009' : 'NN3001', v.span, `\`${key}\` is a penalty factor from 0 up to (not including) 1, such as \`${key}: 0.001\``, { found: describe(v) });
  return undefined;
}

function checkTarget(target: Expr, { sink, draft }: SettingContext): boolean {
  if (target.kind === 'name' && target.name === 'features') draft.target = 'input';
  else if (!(target.kind === 'name' && target.name === 'labels')) {
    sink.error('NN3001', target.span, '`target` is `labels` (the default) or `features` (the model learns to reproduce its input)', { found: describe(target) });
    return false;
  }
  return true;
}

function checkInit(init: Expr, { sink, draft, model }: SettingContext): boolean {
  const path = init.kind === 'call' && init.callee.name === 'load' ? init.args[0] : undefined;
  const layerArg = init.kind === 'call' ? init.args.find((a) => a.name?.name === 'layers') : undefined;
  const extraArg = init.kind === 'call' ? init.args.find((a, i) => (i === 0 ? a.name !== undefined : a.name?.name !== 'layers')) : undefined;
  if (!path || path.name || path.value.kind !== 'string' || extraArg) {
    sink.error('NN3001', extraArg?.span ?? init.span, '`init` is `load("folder")` or `load("folder", layers: [dense, dense_1])`: the folder of a saved checkpoint (weights.json), relative to the .nn file', { found: describe(init) });
    return false;
  }
  const names = layerArg ? layerNames(layerArg.value, 'load', model, sink) : [];
  if (names === undefined) return false;
  draft.init = { path: path.value.value, ...(layerArg ? { layers: names } : {}) };
  return true;
}

/** `[dense, dense_1]`: layers of the model by their Keras-style names (as `nnc summary` shows them). */
function layerNames(e: Expr, what: string, model: ModelIR | undefined, sink: DiagnosticSink): string[] | undefined {
  const layers = model ? model.nodes.filter((n) => n.weights.length > 0).map((n) => n.id) : undefined;
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
