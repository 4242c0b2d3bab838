// Running a random model (test/random-models.test.ts) at sizes its symbols are bound to: the
// checker's shapes evaluated under a binding, one forward pass and one training step on cpu.
import type { ModelIR } from '../../compiler/ir.js';
import type { Dim } from '../../compiler/shapes/dim.js';
import type { Poly } from '../../compiler/shapes/poly.js';
import { tf, type TrainableModel, type TrainPlan } from '../../runtime/index.js';

export type Binding = Record<string, number>;

function polyValue(p: Poly, binding: Binding): number | undefined {
  let sum = 0;
  for (const term of p) {
    let product = term.coeff;
    for (const atom of term.atoms) {
      const v = atom.kind === 'sym' ? binding[atom.name] : floorValue(atom.num, atom.den, binding);
      if (v === undefined) return undefined;
      product *= v;
    }
    sum += product;
  }
  return sum;
}

function floorValue(num: Poly, den: number, binding: Binding): number | undefined {
  const v = polyValue(num, binding);
  return v === undefined ? undefined : Math.floor(v / den);
}

/** A size under the binding; undefined when it is unknown (`?`) or names an unbound symbol. */
export function dimValue(d: Dim, binding: Binding): number | undefined {
  switch (d.kind) {
    case 'const':
      return d.value;
    case 'sym':
      return binding[d.name];
    case 'expr':
      return polyValue(d.poly, binding);
    case 'unknown':
      return undefined;
  }
}

function symbolsOfDims(dims: readonly Dim[], into: Set<string>): void {
  const ofPoly = (p: Poly): void => {
    for (const t of p) {
      for (const a of t.atoms) {
        if (a.kind === 'sym') into.add(a.name);
        else ofPoly(a.num);
      }
    }
  };
  for (const d of dims) {
    if (d.kind === 'sym') into.add(d.name);
    if (d.kind === 'expr') ofPoly(d.poly);
  }
}

/** A small seeded generator (mulberry32), so a failing binding is reproducible from the genome. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Small values for the model's symbols (`batch` 1–3, others 1–12) under which every size the
 * checker inferred — the input, each layer's output — is at least 1: the domain where the inferred
 * shapes claim to hold. Undefined when a few tries find none (the model then needs large sizes).
 */
export function bindSymbols(model: ModelIR, random: () => number): Binding | undefined {
  const symbols = new Set<string>();
  const dims = [...model.inputs.flatMap((i) => i.shape), ...model.nodes.flatMap((n) => n.shape), ...model.outputs.flatMap((o) => o.shape)];
  symbolsOfDims(dims, symbols);
  for (let attempt = 0; attempt < 30; attempt++) {
    const binding: Binding = {};
    for (const s of symbols) binding[s] = s === 'batch' ? 1 + Math.floor(random() * 3) : 1 + Math.floor(random() * (attempt < 15 ? 12 : 24));
    if (dims.every((d) => d.kind === 'unknown' || (dimValue(d, binding) ?? 0) >= 1)) return binding;
  }
  return undefined;
}

export interface GeneratedModel extends TrainableModel {
  train(data: { x: tf.Tensor; y: tf.Tensor }, plan: TrainPlan, options: { progress: 'none'; seed: number }): Promise<{ final: Record<string, number> }>;
  dispose(): void;
}

const PLAN: TrainPlan = { loss: 'mse', optimizer: { name: 'sgd', lr: 0.01 }, batch: 'full', epochs: 1, metrics: [], shuffle: false, seed: 1 };

export interface RunResult {
  /** The forward pass's output shape. */
  shape: number[];
  /** The training step's loss; undefined when the model has no trainable weights (no step to take). */
  loss: number | undefined;
}

/** One forward pass on `x`, then one training step (mse against random targets of the output's shape). */
export async function forwardAndTrain(model: GeneratedModel, inputShape: number[], random: () => number, ids?: number): Promise<RunResult> {
  const trainable = model.weights().some((w) => w.variable.trainable);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, () => (ids !== undefined ? Math.floor(random() * ids) : random() * 2 - 1));
  const x = tf.tensor(values, inputShape, ids !== undefined ? 'int32' : 'float32');
  try {
    const shape = tf.tidy(() => model.forward(x, false).shape);
    if (!trainable) return { shape, loss: undefined };
    const y = tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random()), shape);
    try {
      const history = await model.train({ x, y }, PLAN, { progress: 'none', seed: 1 });
      return { shape, loss: history.final['loss'] };
    } finally {
      y.dispose();
    }
  } finally {
    x.dispose();
  }
}
