// A `train` block: resolves its model and data, checks each setting, and checks the data against
// the model (feature columns ↔ input width, label columns ↔ output width).
import type { LossName, MetricName } from '../../runtime/types.js';
import type { DiagnosticSink } from '../diagnostics/make.js';
import { closest, didYouMean } from '../diagnostics/suggest.js';
import type { CustomLossIR, DataIR, ModelIR, TrainIR, TrainPlanIR } from '../ir.js';
import { showShape } from '../shapes/dim.js';
import type { Property, Span, TrainDecl } from '../syntax/ast.js';
import { activationMismatch, finalActivation, labelEncoding, labelRangeHelp } from './loss-compatibility.js';
import { optimizerSettings } from './optimizers.js';
import { defaultPlan, losses, metrics, trainSettingByName, trainSettings, type PlanDraft } from './train-settings.js';

/** The names a `train` block accepts, read by the language server's completion and hover. */
export function trainVocabulary(): { losses: string[]; optimizers: Record<string, string[]>; metrics: string[]; settings: readonly string[] } {
  return { losses: Object.keys(losses), optimizers: optimizerSettings(), metrics: Object.keys(metrics), settings: trainSettings.map((s) => s.name) };
}

export function checkTrain(decl: TrainDecl, models: Map<string, ModelIR>, data: Map<string, DataIR | undefined>, sink: DiagnosticSink): Omit<TrainIR, 'name'> | undefined {
  let ok = true;
  const model = models.get(decl.model.name);
  if (!model) {
    sink.error('NN2004', decl.model.span, `there is no model \`${decl.model.name}\``, didYouMean(decl.model.name, models.keys(), decl.model.span, 'declare it with `model Name { … }`'));
    ok = false;
  }
  const table = data.get(decl.data.name);
  if (!data.has(decl.data.name)) {
    sink.error('NN2005', decl.data.span, `there is no data \`${decl.data.name}\``, didYouMean(decl.data.name, data.keys(), decl.data.span, 'declare it with `data name = table { … }`'));
    ok = false;
  }

  const props = new Map<string, Property>();
  for (const p of decl.props) {
    const key = p.key.name;
    if (!trainSettingByName.has(key)) {
      const names = trainSettings.map((s) => s.name);
      sink.error('NN4004', p.key.span, `\`${key}\` is not a training setting`, didYouMean(key, names, p.key.span, `settings are ${names.map((s) => `\`${s}\``).join(', ')}`));
      ok = false;
    } else if (props.has(key)) {
      sink.error('NN4012', p.key.span, `\`${key}\` is set twice`, { related: [{ span: props.get(key)!.key.span, message: 'first set here' }] });
      ok = false;
    } else props.set(key, p);
  }

  const lossProp = props.get('loss');
  if (!lossProp) {
    sink.error('NN4005', decl.model.span, `training \`${decl.model.name}\` needs a \`loss\``, { help: 'add e.g. `loss: mse` or `loss: binary_crossentropy`' });
    ok = false;
  }
  // Each setting given is checked by its entry, in the table's order (validation before early stopping).
  const draft = defaultPlan();
  const context = { sink, draft, data, model: model?.complete ? model : undefined };
  for (const setting of trainSettings) {
    const prop = props.get(setting.name);
    if (prop && !setting.check(prop.value, context)) ok = false;
  }

  const loss = draft.loss;
  const target = draft.target;
  if (model && table && ok && model.complete) ok = checkDataFitsModel(decl, model, table, loss!, lossProp!.value.span, sink, target);
  const validationTable = draft.validationData !== undefined ? data.get(draft.validationData) : undefined;
  if (model && validationTable && ok && model.complete) ok = checkDataFitsModel(decl, model, validationTable, loss!, lossProp!.value.span, sink, target, props.get('validation')!.value.span, table);
  if (ok && draft.earlyStopping) ok = checkMonitor(draft.earlyStopping.monitor, draft.monitorSpan!, draft.metrics, draft.validationSplit !== undefined || draft.validationData !== undefined, sink);
  if (!ok || !model || !model.complete || !table || !loss) return undefined;
  return { model: model.name, data: table.name, plan: toPlan(draft, loss), span: decl.span, ...(draft.validationData !== undefined ? { validationData: draft.validationData } : {}) };
}

/** The checked plan, its optional parts present only when set (in a fixed order, so output is stable). */
function toPlan(d: PlanDraft, loss: LossName | CustomLossIR): TrainPlanIR {
  const optional = {
    seed: d.seed,
    validationSplit: d.validationSplit,
    earlyStopping: d.earlyStopping,
    schedule: d.schedule,
    l1: d.l1,
    l2: d.l2,
    freeze: d.freeze,
    init: d.init,
    target: d.target,
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return { loss, optimizer: d.optimizer, batch: d.batch, epochs: d.epochs, metrics: d.metrics, shuffle: d.shuffle, ...present };
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

/** `trainedOn` is set when `table` is the validation table: its help then changes this table, not the model. */
function checkDataFitsModel(decl: TrainDecl, model: ModelIR, table: DataIR, lossOrCustom: LossName | CustomLossIR, lossSpan: Span, sink: DiagnosticSink, target?: 'input', dataSpan: Span = decl.data.span, trainedOn?: DataIR): boolean {
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
      help: trainedOn
        ? `validation data needs the columns the model trains on: give \`${table.name}\` the feature columns of \`${trainedOn.name}\` (${trainedOn.features.join(', ')})`
        : `make the input \`[batch, ${table.features.length}]\`, or give the table ${inWidth?.kind === 'const' ? inWidth.value : 'matching'} feature columns`,
    });
    return false;
  }
  if (!checkIds(decl, model, table, sink)) return false;
  const outWidth = output.shape[output.shape.length - 1];
  if (sparse || (table.classes !== undefined && table.labels.length === 1 && outWidth?.kind === 'const' && outWidth.value > 1)) {
    return checkClassLabels(decl, model, table, outWidth, sparse, lossSpan, sink);
  }
  if (output.shape.length !== 2 || (outWidth?.kind === 'const' && outWidth.value !== table.labels.length)) {
    reportLabelWidth(decl, model, table, typeof lossOrCustom === 'string' ? undefined : lossSpan, sink, trainedOn);
    return false;
  }
  const units = outWidth?.kind === 'const' ? outWidth.value : undefined;
  const encoding = labelEncoding(table.y);
  if (loss === 'binary_crossentropy' || loss === 'categorical_crossentropy' || loss === 'binary_crossentropy_from_logits' || loss === 'categorical_crossentropy_from_logits') {
    const bad = table.y.findIndex((row) => row.some((v) => v < 0 || v > 1));
    if (bad >= 0) {
      sink.error('NN4010', lossSpan, `\`${loss}\` needs labels between 0 and 1, but row ${bad + 1} of \`${table.name}\` has ${table.y[bad]!.join(', ')}`, labelRangeHelp(loss, encoding, table.y, lossSpan));
      return false;
    }
  }
  if (loss === 'categorical_crossentropy' && units === 1) {
    sink.warning('NN4010', lossSpan, '`categorical_crossentropy` over a single output is always 0', {
      help: 'use `binary_crossentropy` with a sigmoid output for two classes',
      fixes: [{ title: 'Use `binary_crossentropy`', edits: [{ span: lossSpan, newText: 'binary_crossentropy' }] }],
    });
  }
  // The validation table reports through the training table's check; the pair is the model's, said once.
  const last = finalActivation(model);
  if (loss && last && !trainedOn) {
    const mismatch = activationMismatch(loss, last.activation, units, encoding, lossSpan);
    if (mismatch) {
      sink.warning('NN4010', lossSpan, mismatch.message, {
        related: [{ span: last.span, message: `the last layer applies \`${last.activation}\`` }],
        help: mismatch.help,
        ...(mismatch.fixes ? { fixes: mismatch.fixes } : {}),
      });
    }
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

/**
 * Labels that do not fit the output's width. An output with extra axes is a layer's fault (a
 * recurrent layer keeping every step, a missing `flatten`), so the error points at that layer; with
 * a custom loss it points at the formula that compares `pred` with `y`.
 */
function reportLabelWidth(decl: TrainDecl, model: ModelIR, table: DataIR, customLossSpan: Span | undefined, sink: DiagnosticSink, trainedOn?: DataIR): void {
  const output = model.outputs[0]!;
  const n = table.labels.length;
  const units = `${n} unit${n === 1 ? '' : 's'}`;
  if (n === 0) {
    sink.error('NN4008', decl.data.span, `\`${table.name}\` has no label columns to train against`, {
      found: showShape(output.shape),
      related: [{ span: table.span, message: 'labels follow `->` in the header' }],
      help: 'add labels after `->`: `x1, x2 -> y`',
    });
    return;
  }
  const labelsNote = { span: table.span, message: `labels: ${table.labels.join(', ')}` };
  const last = output.shape[output.shape.length - 1];
  const widthFits = last?.kind === 'const' && last.value === n;
  const sequence = [...model.nodes].reverse().find((node) => node.args['return_sequences'] === true);
  if (output.shape.length > 2 && sequence) {
    sink.error('NN4008', sequence.span, `\`return_sequences: true\` keeps one output per step, so \`${model.name}\` outputs ${showShape(output.shape)}, but \`${table.name}\` has ${n} label${n === 1 ? '' : 's'} per example`, {
      expected: `[batch, ${n}]`,
      found: showShape(output.shape),
      related: [{ span: decl.data.span, message: `trained on \`${table.name}\`` }, labelsNote],
      help: `keep only the last step with \`return_sequences: false\`, or pool the steps with \`global_average_pooling1d()\` before the last layer${widthFits ? '' : `, and give the last layer ${units}`}`,
    });
    return;
  }
  let help: string;
  if (trainedOn) help = `validation data needs the labels the model trains on: give \`${table.name}\` the label columns of \`${trainedOn.name}\` (${trainedOn.labels.join(', ')})`;
  else if (output.shape.length > 2) help = `the output keeps ${output.shape.length - 2} extra ax${output.shape.length === 3 ? 'is' : 'es'}: add \`flatten()\` (or a global pooling) before the last layer${widthFits ? '' : `, and give the last layer ${units}`}`;
  else help = `one label column per output unit: give the last layer ${units}`;
  sink.error('NN4008', customLossSpan ?? decl.data.span, customLossSpan ? `this loss compares \`pred\` ${showShape(output.shape)} with \`y\` [batch, ${n}] from \`${table.name}\`` : `\`${table.name}\` has ${n} label column${n === 1 ? '' : 's'}, but \`${model.name}\` outputs ${showShape(output.shape)}`, {
    expected: `[batch, ${n}]`,
    found: showShape(output.shape),
    related: customLossSpan ? [{ span: decl.data.span, message: `trained on \`${table.name}\`` }, labelsNote] : [labelsNote],
    help,
  });
}

/**
 * Ids read from the table by an `embedding` or `one_hot` layer fed straight from the input must lie
 * in its range; tfjs would fail at run time with neither the layer nor the row.
 */
function checkIds(decl: TrainDecl, model: ModelIR, table: DataIR, sink: DiagnosticSink): boolean {
  const input = model.inputs[0]!;
  for (const node of model.nodes) {
    if (node.input.id !== input.id) continue;
    const size = node.def.name === 'embedding' ? node.args['input_dim'] : node.def.name === 'one_hot' ? node.args['depth'] : undefined;
    if (typeof size !== 'number') continue;
    for (const [r, row] of table.x.entries()) {
      const c = row.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= size);
      if (c < 0) continue;
      const value = row[c]!;
      const largest = Math.max(...table.x.flat().filter((v) => Number.isInteger(v)));
      const layerWith = (n: number): string => (node.def.name === 'embedding' ? `embedding(${n}, ${String(node.args['output_dim'])})` : `one_hot(${n})`);
      const layer = layerWith(size);
      sink.error('NN4023', decl.data.span, `row ${r + 1} of \`${table.name}\` has ${Number.isInteger(value) ? 'the id' : 'the value'} ${value} in column \`${table.features[c]}\`, but \`${layer}\` takes ids 0 to ${size - 1}`, {
        related: [{ span: node.span, message: `ids 0 to ${size - 1}` }, { span: table.span, message: `features: ${table.features.join(', ')}` }],
        help: Number.isInteger(value) && value >= 0
          ? `make the ${node.def.name === 'embedding' ? 'vocabulary' : 'depth'} cover every id: \`${layerWith(largest + 1)}\`, or map the ids in the data into 0 to ${size - 1}`
          : `ids are whole numbers from 0 to ${size - 1}: fix the data`,
      });
      return false;
    }
  }
  return true;
}
