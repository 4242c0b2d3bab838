// `train G, D on data { step d: minimize … over D with adam(…)  step g: … }`: several models in
// one loop. Each step's loss is a formula over the data (`x`, `y`), noise (`z`) and calls of the
// block's models (`D(G(z))`); the checker follows the width of every value so that a model is
// only ever called on inputs of its width, and every loss is one number.
import type { OptimizerSpec } from '../../runtime/types.js';
import type { DiagnosticSink } from '../diagnostics/make.js';
import { closest } from '../diagnostics/suggest.js';
import type { DataIR, ModelIR, StepIR, StepTrainIR } from '../ir.js';
import type { Expr, Property, Span, TrainDecl, TrainStepNode } from '../syntax/ast.js';
import { describe } from './args.js';
import { lossFunctionByName, reduces } from '../loss-functions.js';
import { checkOptimizer } from './optimizers.js';
import { defaultPlan, trainSettingByName } from './train-settings.js';

type Value = { kind: 'number' } | { kind: 'tensor'; width: number | undefined };

/** Losses a step may call as `name(prediction, target)`; a number target means every element. */
export const STEP_LOSSES = ['bce', 'bce_logits', 'mse', 'mae'] as const;

const stepSettings = ['epochs', 'batch', 'shuffle', 'seed'] as const;

interface Scope {
  models: Map<string, ModelIR>;
  data: DataIR;
  noise: { width: number | undefined; span: Span | undefined };
  sink: DiagnosticSink;
}

function widthOf(model: ModelIR, which: 'input' | 'output'): number | undefined {
  const shape = which === 'input' ? model.inputs[0]?.shape : model.outputs[0]?.shape;
  const last = shape?.[shape.length - 1];
  return shape?.length === 2 && last?.kind === 'const' ? last.value : undefined;
}

function sameWidth(a: Value, b: Value, span: Span, scope: Scope): Value | undefined {
  if (a.kind === 'number') return b;
  if (b.kind === 'number') return a;
  if (a.width !== undefined && b.width !== undefined && a.width !== b.width) {
    scope.sink.error('NN4022', span, `these values have ${a.width} and ${b.width} columns; element-wise arithmetic needs the same number`);
    return undefined;
  }
  return { kind: 'tensor', width: a.width ?? b.width };
}

function valueOf(e: Expr, scope: Scope): Value | undefined {
  const { sink } = scope;
  switch (e.kind) {
    case 'number':
      return { kind: 'number' };
    case 'name':
      if (e.name === 'x') return { kind: 'tensor', width: scope.data.features.length };
      if (e.name === 'y') {
        if (scope.data.labels.length > 0) return { kind: 'tensor', width: scope.data.labels.length };
        sink.error('NN4022', e.span, `\`${scope.data.name}\` has no labels, so there is no \`y\``, { help: 'a step sees `x` (the features), `z` (noise) and the models' });
        return undefined;
      }
      if (e.name === 'z') {
        scope.noise.span ??= e.span;
        return { kind: 'tensor', width: scope.noise.width };
      }
      sink.error('NN4022', e.span, `\`${e.name}\` is not defined in a step`, {
        help: `a step sees \`x\` (the features), \`y\` (the labels), \`z\` (noise) and the models ${[...scope.models.keys()].map((m) => `\`${m}(…)\``).join(', ')}`,
      });
      return undefined;
    case 'unary':
      return valueOf(e.operand, scope);
    case 'binary': {
      const a = valueOf(e.left, scope);
      const b = valueOf(e.right, scope);
      return a && b ? sameWidth(a, b, e.span, scope) : undefined;
    }
    case 'call':
      return callValue(e, scope);
    default:
      sink.error('NN4022', e.span, `a step's loss is a formula over models, \`x\`, \`y\` and \`z\`, found ${describe(e)}`);
      return undefined;
  }
}

function callValue(e: Extract<Expr, { kind: 'call' }>, scope: Scope): Value | undefined {
  const { sink } = scope;
  const name = e.callee.name;
  const named = e.args.find((a) => a.name);
  if (named) {
    sink.error('NN4022', named.span, `\`${name}\` takes values without names`);
    return undefined;
  }
  const model = scope.models.get(name);
  if (model) {
    if (e.args.length !== 1) {
      sink.error('NN4022', e.span, `\`${name}\` takes one input, found ${e.args.length}`);
      return undefined;
    }
    const arg = e.args[0]!.value;
    const want = widthOf(model, 'input');
    // `z` takes the width of the first model it is fed to.
    if (arg.kind === 'name' && arg.name === 'z' && scope.noise.width === undefined) scope.noise.width = want;
    const input = valueOf(arg, scope);
    if (!input) return undefined;
    if (input.kind === 'number' || (input.width !== undefined && want !== undefined && input.width !== want)) {
      sink.error('NN4022', arg.span, `\`${name}\` takes [batch, ${want ?? '?'}], but this has ${input.kind === 'number' ? 'one number' : `${input.width} columns`}`, {
        related: [{ span: model.inputs[0]?.span ?? model.nameSpan, message: `the input of \`${name}\`` }],
      });
      return undefined;
    }
    return { kind: 'tensor', width: widthOf(model, 'output') };
  }
  if ((STEP_LOSSES as readonly string[]).includes(name)) {
    if (e.args.length !== 2) {
      sink.error('NN4022', e.span, `\`${name}\` takes the prediction and the target: \`${name}(D(x), 1)\``);
      return undefined;
    }
    const pred = valueOf(e.args[0]!.value, scope);
    const target = valueOf(e.args[1]!.value, scope);
    if (!pred || !target) return undefined;
    if (pred.kind === 'number') {
      sink.error('NN4022', e.args[0]!.span, `the first value of \`${name}\` is the prediction, a model's output`);
      return undefined;
    }
    return sameWidth(pred, target, e.span, scope) ? { kind: 'number' } : undefined;
  }
  const fn = lossFunctionByName.get(name);
  if (!fn) {
    const known = [...scope.models.keys(), ...STEP_LOSSES, ...lossFunctionByName.keys()];
    const guess = closest(name, known);
    sink.error('NN4022', e.callee.span, `\`${name}\` is neither a model of this block nor a function a step can use`, {
      help: guess ? `did you mean \`${guess}\`?` : `steps can call ${known.map((k) => `\`${k}\``).join(', ')}`,
    });
    return undefined;
  }
  if (e.args.length !== fn.arity) {
    sink.error('NN4022', e.span, `\`${name}\` takes ${fn.arity} value${fn.arity === 1 ? '' : 's'}, found ${e.args.length}`);
    return undefined;
  }
  const values = e.args.map((a) => valueOf(a.value, scope));
  if (values.some((v) => v === undefined)) return undefined;
  if (reduces(fn)) return { kind: 'number' };
  let out: Value | undefined = { kind: 'number' };
  for (const v of values) out = out && sameWidth(out, v!, e.span, scope);
  return out;
}

function checkStep(node: TrainStepNode, scope: Scope, members: readonly string[]): StepIR | undefined {
  const { sink } = scope;
  let ok = true;
  for (const [word, expected] of [[node.keyword, 'step'], [node.verb, 'minimize'], [node.overWord, 'over'], ...(node.withWord ? [[node.withWord, 'with'] as const] : [])] as const) {
    if (word.name !== expected) {
      sink.error('NN1001', word.span, `expected \`${expected}\` here, found \`${word.name}\``, { help: 'a step reads `step name: minimize <loss> over Model with adam(lr: 0.001)`' });
      ok = false;
    }
  }
  if (!ok) return undefined;
  scope.noise = { width: undefined, span: undefined };
  const loss = valueOf(node.loss, scope);
  if (!loss) return undefined;
  if (loss.kind !== 'number') {
    sink.error('NN4019', node.loss.span, 'this loss gives one value per element, not one number', { help: 'wrap it in `mean(…)`' });
    return undefined;
  }
  if (scope.noise.span && scope.noise.width === undefined) {
    sink.error('NN4022', scope.noise.span, 'the width of the noise `z` is not known', { help: 'pass `z` to a model, such as `G(z)`: it takes that model\'s input width' });
    return undefined;
  }
  const over: string[] = [];
  for (const m of node.over) {
    if (!members.includes(m.name)) {
      const guess = closest(m.name, members);
      sink.error('NN2004', m.span, `\`${m.name}\` is not one of the models this block trains`, { help: guess ? `did you mean \`${guess}\`?` : `it trains ${members.map((x) => `\`${x}\``).join(', ')}` });
      return undefined;
    }
    if (!over.includes(m.name)) over.push(m.name);
  }
  const optimizer: OptimizerSpec | undefined = node.optimizer ? checkOptimizer(node.optimizer, sink) : { name: 'adam' };
  if (!optimizer) return undefined;
  return { name: node.name.name, loss: node.loss, over, optimizer, ...(scope.noise.width !== undefined && scope.noise.span ? { noiseWidth: scope.noise.width } : {}) };
}

export function checkStepTrain(decl: TrainDecl, models: Map<string, ModelIR>, data: Map<string, DataIR | undefined>, sink: DiagnosticSink): Omit<StepTrainIR, 'name'> | undefined {
  let ok = true;
  const members = new Map<string, ModelIR>();
  for (const m of decl.models ?? [decl.model]) {
    const model = models.get(m.name);
    if (!model) {
      const guess = closest(m.name, models.keys());
      sink.error('NN2004', m.span, `there is no model \`${m.name}\``, { help: guess ? `did you mean \`${guess}\`?` : 'declare it with `model Name { … }`' });
      ok = false;
    } else if (!model.complete) ok = false;
    else if (model.inputs.length !== 1 || model.outputs.length !== 1 || widthOf(model, 'input') === undefined) {
      sink.error('NN4022', m.span, `\`${m.name}\` must take [batch, n] and give [batch, m] to be called in a step`);
      ok = false;
    } else members.set(m.name, model);
  }
  const table = data.get(decl.data.name);
  if (!data.has(decl.data.name)) {
    const guess = closest(decl.data.name, data.keys());
    sink.error('NN2005', decl.data.span, `there is no data \`${decl.data.name}\``, { help: guess ? `did you mean \`${guess}\`?` : 'declare it with `data name = table { … }`' });
    ok = false;
  }
  const props = new Map<string, Property>();
  for (const p of decl.props) {
    if (!(stepSettings as readonly string[]).includes(p.key.name)) {
      sink.error('NN4004', p.key.span, `\`${p.key.name}\` is not a setting of a block with steps`, {
        help: `each step has its own loss and optimizer; the block takes ${stepSettings.map((s) => `\`${s}\``).join(', ')}`,
      });
      ok = false;
    } else if (props.has(p.key.name)) {
      sink.error('NN4012', p.key.span, `\`${p.key.name}\` is set twice`);
      ok = false;
    } else props.set(p.key.name, p);
  }
  if ((decl.steps ?? []).length === 0) {
    sink.error('NN4005', decl.model.span, 'a block that trains several models needs `step` lines', { help: 'add e.g. `step d: minimize bce_logits(D(x), 1) over D with adam(lr: 0.001)`' });
    ok = false;
  }
  if (!ok || !table) return undefined;
  const scope: Scope = { models: members, data: table, noise: { width: undefined, span: undefined }, sink };
  const steps: StepIR[] = [];
  const names = new Set<string>();
  for (const node of decl.steps ?? []) {
    if (names.has(node.name.name)) {
      sink.error('NN4012', node.name.span, `there are two steps called \`${node.name.name}\``);
      ok = false;
      continue;
    }
    names.add(node.name.name);
    const step = checkStep(node, scope, [...members.keys()]);
    if (step) steps.push(step);
    else ok = false;
  }
  // The block's own settings are the `train` block's, checked by the same entries.
  const draft = defaultPlan();
  const context = { sink, draft, data, model: undefined };
  for (const name of stepSettings) {
    const prop = props.get(name);
    if (prop && !trainSettingByName.get(name)!.check(prop.value, context)) ok = false;
  }
  if (!ok) return undefined;
  const { batch, epochs, shuffle, seed } = draft;
  return { models: [...members.keys()], data: table.name, steps, batch, epochs, shuffle, ...(seed !== undefined ? { seed } : {}), span: decl.span };
}
