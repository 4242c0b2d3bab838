// Code generation owns its names. Every name an emitted function writes itself is listed here, per
// function, and reserved before any name from the `.nn` file is placed, so a value the source calls
// `out`, `loss` or `tf` is written `out_`, `loss_`, `tf_` and never meets a generated `const out`.
// Emitters take their own locals through a FunctionScope, whose `local()` accepts only names this
// table lists (tsc checks it); test/reserved-names.test.ts compiles, type-checks and trains a model
// with each of them as an input and as a layer's name, and checks that the generated code declares
// nothing outside the table, the model's values and `$` names (which no `.nn` name can contain).
import type { ModelIR, ValueInfo } from '../ir.js';
import { Scope } from '../names.js';

export const functionLocals = {
  /** Module level: the runtime namespace, tfjs, and the module's own exports. */
  module: ['tf', 'rt', 'trainings', 'stepTrainings'],
  /** A model class's constructor. */
  modelConstructor: ['options', 'seed'],
  /** `forward` (one input, one output). */
  forward: ['p', 'training', '_training'],
  /** `forwardAll` (several inputs or outputs). */
  forwardAll: ['inputs', 'p', 'training', '_training'],
  /** `predict`, both forms. */
  predict: ['inputs', 't', 'ts', 'y'],
  /** `lossAndGradients`, the derived backward pass (backward.ts). */
  lossAndGradients: ['p', 'yTrue', 'loss', 'out'],
  /** `train<Name>()`. */
  trainFunction: ['options', 'seed', 'data', 'validationData', 'model', 'history'],
  /** The `createModel`/`createModels` arrows of `trainings` and `stepTrainings`. */
  createModel: ['seed'],
  /** A `step`'s loss arrow (steps.ts). */
  stepLoss: ['m', '_m', 'b', '_b', 'z'],
} as const satisfies Record<string, readonly string[]>;

export type FunctionName = keyof typeof functionLocals;
export type LocalOf<F extends FunctionName> = (typeof functionLocals)[F][number];

/** The functions of a model class in which the model's values (its input and layer outputs) are locals. */
const valueFunctions = ['forward', 'forwardAll', 'predict', 'lossAndGradients'] as const satisfies readonly FunctionName[];

/** Every name the emitter writes itself, in any function. */
export function generatedLocalNames(): string[] {
  return [...new Set(Object.values(functionLocals).flat())].sort();
}

/**
 * Names module-level declarations (classes, data, plans, `train<Name>()`) must avoid: they are
 * visible in every function, so no local of any function may shadow them.
 */
export function moduleReservedNames(): string[] {
  return generatedLocalNames();
}

/** The locals of one emitted function: its own, checked against the table, and fresh ones. */
export class FunctionScope<F extends FunctionName> {
  private readonly scope: Scope;

  /** `values`: the names already placed in the function (the model's values, where it has them). */
  constructor(readonly fn: F, values: Iterable<string> = []) {
    this.scope = new Scope(values, functionLocals[fn]);
  }

  /** One of the locals the function writes itself (the table above reserves it). */
  local(name: LocalOf<F>): string {
    return name;
  }

  /** A new local for an intermediate value, unique in the function. */
  fresh(wanted: string): string {
    return this.scope.claim(wanted);
  }
}

/** The names of a model's values in generated code: its inputs' and its layers' locals. */
export function valueNames(model: ModelIR): string[] {
  return [...model.inputs.map((i) => i.id), ...model.nodes.map((n) => n.local)];
}

/** The scope of one of a model's methods, with the model's (already renamed) values placed. */
export function modelFunctionScope<F extends FunctionName>(fn: F, model: ModelIR): FunctionScope<F> {
  return new FunctionScope(fn, valueNames(model));
}

/**
 * The model with its values renamed for generated code: clear of every local its methods write,
 * of the runtime's names and of `also` (the class name, which `predict` reads). The checker's
 * names are unique keys; names that collide with nothing keep their spelling.
 */
export function nameModelValues(model: ModelIR, also: readonly string[] = []): ModelIR {
  const reserved = [...functionLocals.module, ...valueFunctions.flatMap((f) => functionLocals[f]), ...also];
  const scope = new Scope([], reserved);
  const names = new Map<string, string>();
  for (const id of valueNames(model)) names.set(id, scope.claim(id));
  const renamed = <T extends ValueInfo>(v: T): T => ({ ...v, id: names.get(v.id) ?? v.id });
  return {
    ...model,
    inputs: model.inputs.map(renamed),
    outputs: model.outputs.map(renamed),
    nodes: model.nodes.map((n) => ({ ...n, local: names.get(n.local) ?? n.local, input: renamed(n.input), inputs: n.inputs.map(renamed) })),
  };
}
