// A several-model `train` block as a `StepPlan` and a `StepTrainingRun`: each step's loss becomes
// a function of the models and the batch, over tfjs ops. Model names reach the code only through
// JSON strings (`m["D"]`), and the classes through the module's scope.
import type { StepTrainIR } from '../ir.js';
import type { Expr } from '../syntax/ast.js';
import { num } from '../layers/activations.js';
import type { RuntimeImports } from './imports.js';
import { emitLossFunctionCall } from './loss-expr.js';
import { FunctionScope } from './locals.js';
import type { RuntimeValueName } from './runtime-contract.js';
import { CodeWriter, commentText, str } from './writer.js';

const stepLosses: Record<string, RuntimeValueName> = { bce: 'binaryCrossentropy', bce_logits: 'binaryCrossentropyFromLogits', mse: 'meanSquaredError', mae: 'meanAbsoluteError' };
const ops = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' } as const;

/** A step's loss arrow: `(m, b) => …`, with `z` the batch's noise where the step draws it. */
const stepLoss = new FunctionScope('stepLoss');
const [modelsLocal, batchLocal, noiseLocal] = [stepLoss.local('m'), stepLoss.local('b'), stepLoss.local('z')];

function emit(e: Expr, models: ReadonlySet<string>, rt: RuntimeImports): string {
  const go = (x: Expr) => emit(x, models, rt);
  switch (e.kind) {
    case 'number':
      return `tf.scalar(${num(e.value)})`;
    case 'name':
      return e.name === 'z' ? noiseLocal : e.name === 'y' ? `${batchLocal}.y` : `${batchLocal}.x`;
    case 'unary':
      return `tf.neg(${go(e.operand)})`;
    case 'binary':
      return `tf.${ops[e.op]}(${go(e.left)}, ${go(e.right)})`;
    case 'call': {
      const name = e.callee.name;
      const args = e.args.map((a) => a.value);
      if (models.has(name)) return `${modelsLocal}[${str(name)}]!.forward(${go(args[0]!)}, true)`;
      if (Object.hasOwn(stepLosses, name)) {
        const target = args[1]!.kind === 'number' ? num(args[1]!.value) : go(args[1]!);
        return `${rt.use('against')}(${rt.use(stepLosses[name]!)}, ${go(args[0]!)}, ${target})`;
      }
      // The functions of compiler/loss-functions.ts, emitted as in a custom loss.
      return emitLossFunctionCall(name, args.map(go), rt);
    }
    default:
      throw new Error(`unchecked step expression ${e.kind}`);
  }
}

function uses(e: Expr, test: (x: Expr) => boolean): boolean {
  if (test(e)) return true;
  if (e.kind === 'unary') return uses(e.operand, test);
  if (e.kind === 'binary') return uses(e.left, test) || uses(e.right, test);
  if (e.kind === 'call') return e.args.some((a) => uses(a.value, test));
  return false;
}

/** Emits the plan; returns the `StepTrainingRun` literal for `stepTrainings`. */
export function emitStepTraining(train: StepTrainIR, classNames: ReadonlyMap<string, string>, dataName: string, planName: string, w: CodeWriter, rt: RuntimeImports): string {
  const models = new Set(train.models);
  w.line(`/** How \`train ${commentText(train.models.join(', '))} on ${commentText(train.data)}\`${w.originLine(train.span)} trains: its steps, in order, on every batch. */`);
  w.block(`export const ${planName}: ${rt.useType('StepPlan')} = {`, () => {
    w.block('steps: [', () => {
      for (const step of train.steps) {
        const usesModels = uses(step.loss, (x) => x.kind === 'call' && models.has(x.callee.name));
        const usesBatch = uses(step.loss, (x) => x.kind === 'name') || step.noiseWidth !== undefined;
        const opt = Object.entries(step.optimizer).map(([k, v]) => `${k}: ${typeof v === 'string' ? str(v) : typeof v === 'number' ? num(v) : String(v)}`);
        w.block('{', () => {
          w.line(`name: ${str(step.name)},`);
          w.line(`over: [${step.over.map(str).join(', ')}],`);
          w.line(`optimizer: { ${opt.join(', ')} },`);
          const m = usesModels ? modelsLocal : stepLoss.local('_m');
          const b = usesBatch ? batchLocal : stepLoss.local('_b');
          w.block(`loss: (${m}: Readonly<Record<string, ${rt.useType('TrainableModel')}>>, ${b}: ${rt.useType('StepBatch')}): tf.Tensor => {`, () => {
            if (step.noiseWidth !== undefined) w.line(`const ${noiseLocal} = ${batchLocal}.noise(${step.noiseWidth});`);
            w.line(`return ${emit(step.loss, models, rt)};`);
          }, '},');
        }, '},');
      }
    }, '],');
    w.line(`batch: ${train.batch === 'full' ? str('full') : train.batch},`);
    w.line(`epochs: ${train.epochs},`);
    w.line(`shuffle: ${train.shuffle},`);
    if (train.seed !== undefined) w.line(`seed: ${train.seed},`);
  }, '};');
  const seed = new FunctionScope('createModel').local('seed');
  const create = train.models.map((m) => `[${str(m)}, new ${classNames.get(m)!}({ seed: ${rt.use('deriveSeed')}(${seed}, ${str(m)}) })]`).join(', ');
  return `{ name: ${str(train.name)}, modelNames: [${train.models.map(str).join(', ')}], dataName: ${str(train.data)}, data: ${dataName}, plan: ${planName}, createModels: (${seed}: number) => Object.fromEntries([${create}]) }`;
}
