// Random models that look valid, for the property test (test/random-models.test.ts). A model is
// decoded from a "genome" of small whole numbers that fast-check generates and shrinks: each choice
// (input rank, a size, the next layer, an argument) takes the next number modulo its options, so a
// shrunk genome (numbers towards 0) decodes to a model of first choices — a readable counterexample.
// Layers and their arguments come from the registry's parameter specs (types, defaults, ranges);
// a table of the input ranks each layer accepts keeps most chains well-formed, and one pick in ten
// ignores it, so that the checker's rejections are exercised too.
import fc from 'fast-check';
import { layers } from '../../compiler/layers/registry.js';
import type { ParamSpec } from '../../compiler/layers/types.js';

/** Input ranks (batch included) a layer takes, and the rank it gives (`same`: its input's). */
interface RankRule {
  accepts: (rank: number) => boolean;
  gives: (rank: number, args: Record<string, string>) => number;
}

const same = (rank: number): number => rank;
const any: RankRule = { accepts: (r) => r >= 2, gives: same };
const exactly = (rank: number, gives = rank): RankRule => ({ accepts: (r) => r === rank, gives: () => gives });

const RANKS: Record<string, RankRule> = {
  dense: any,
  sigmoid: any,
  tanh: any,
  relu: any,
  relu6: any,
  leaky_relu: any,
  elu: any,
  softmax: any,
  step: any,
  conv1d: exactly(3),
  conv2d: exactly(4),
  conv3d: exactly(5),
  conv2d_transpose: exactly(4),
  max_pooling1d: exactly(3),
  max_pooling2d: exactly(4),
  max_pooling3d: exactly(5),
  average_pooling1d: exactly(3),
  average_pooling2d: exactly(4),
  average_pooling3d: exactly(5),
  global_average_pooling1d: exactly(3, 2),
  global_average_pooling2d: exactly(4, 2),
  global_max_pooling1d: exactly(3, 2),
  global_max_pooling2d: exactly(4, 2),
  flatten: { accepts: (r) => r >= 3, gives: () => 2 },
  reshape: { accepts: (r) => r >= 2, gives: (_r, args) => (args['target_shape']?.startsWith('[') ? args['target_shape'].split(',').length + 1 : 2) },
  up_sampling1d: exactly(3),
  up_sampling2d: exactly(4),
  zero_padding2d: exactly(4),
  repeat_vector: exactly(2, 3),
  dropout: any,
  batch_normalization: any,
  layer_normalization: any,
  // Ids in, vectors out: only as a model's first layer, where the test feeds ids (see `ids`).
  embedding: exactly(2, 3),
  one_hot: exactly(2, 3),
  maxout: any,
  simple_rnn: { accepts: (r) => r === 3, gives: (_r, a) => (a['return_sequences'] === 'true' ? 3 : 2) },
  lstm: { accepts: (r) => r === 3, gives: (_r, a) => (a['return_sequences'] === 'true' ? 3 : 2) },
  gru: { accepts: (r) => r === 3, gives: (_r, a) => (a['return_sequences'] === 'true' ? 3 : 2) },
  multi_head_attention: exactly(3),
  positional_encoding: exactly(3),
  transformer_encoder: exactly(3),
  transformer_decoder: exactly(3),
};

/** Layers that take ids, not values: only first, and the model's input is then ids below their first argument. */
const ID_LAYERS = new Set(['embedding', 'one_hot']);
const MERGES = ['add', 'subtract', 'multiply', 'concat'] as const;
const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'softmax', 'elu'];
/** Weights given as constants are checked elsewhere (test/layers.test.ts); `in` only restates a size. */
const SKIPPED_PARAMS = new Set(['kernel', 'bias', 'in']);

const chainLayers = layers.filter((l) => l.inputCount === undefined && l.name in RANKS);

/** Consumes the genome: each call takes the next number modulo the options (0 when it runs out). */
class Picker {
  private next = 0;
  constructor(private readonly genome: readonly number[]) {}
  int(options: number): number {
    const n = this.genome[this.next++] ?? 0;
    return options <= 1 ? 0 : n % options;
  }
  one<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(percent: number): boolean {
    return this.int(100) < percent;
  }
}

export interface RandomModel {
  source: string;
  /** Ids below this bound feed the input, instead of real values (an embedding or one_hot first). */
  ids?: number;
}

function intIn(p: Picker, spec: ParamSpec, top: number): number {
  const low = Math.max(spec.min ?? 1, spec.name === 'target_shape' ? 1 : 0);
  return low + p.int(top - low + 1);
}

function argumentText(p: Picker, spec: ParamSpec, rank: number): string {
  switch (spec.type) {
    case 'int':
      return String(intIn(p, spec, spec.name === 'input_dim' ? 12 : 6));
    case 'ints': {
      const spatial = Math.max(1, rank - 2);
      if (spec.name === 'target_shape') {
        const length = 1 + p.int(3);
        return `[${Array.from({ length }, () => (p.chance(15) ? -1 : 1 + p.int(8))).join(', ')}]`;
      }
      const top = spec.name === 'zero_padding2d' || spec.name === 'padding' ? 2 : 3;
      if (p.chance(70)) return String(intIn(p, spec, top));
      const length = p.chance(85) ? spatial : 1 + p.int(4);
      return `[${Array.from({ length }, () => intIn(p, spec, top)).join(', ')}]`;
    }
    case 'float': {
      const low = spec.min ?? spec.greaterThan ?? 0;
      const high = spec.max ?? low + 1;
      const value = low + ((p.int(10) + (spec.greaterThan !== undefined ? 1 : 0)) / 10) * (high - low);
      return String(Math.min(high, Math.round(value * 1000) / 1000));
    }
    case 'bool':
      return p.chance(50) ? 'true' : 'false';
    case 'activation':
      return p.one(ACTIVATIONS);
    case 'choice':
      return p.one(spec.choices ?? ['']);
    case 'tensor':
      return '';
  }
}

/** One call of `name`, with its required arguments and some optional ones; its output rank. */
function layerCall(p: Picker, name: string, rank: number): { text: string; rank: number; firstArg?: string } {
  const def = chainLayers.find((l) => l.name === name)!;
  const given: Record<string, string> = {};
  const written: string[] = [];
  for (const spec of def.params) {
    if (SKIPPED_PARAMS.has(spec.name)) continue;
    if (!spec.required && !p.chance(spec.positional ? 40 : 25)) continue;
    const value = argumentText(p, spec, rank);
    given[spec.name] = value;
    written.push(spec.positional && written.length === def.params.indexOf(spec) ? value : `${spec.name}: ${value}`);
  }
  const rule = RANKS[name]!;
  return { text: `${name}(${written.join(', ')})`, rank: rule.gives(rank, given), firstArg: Object.values(given)[0] };
}

/** A chain of 1–`most` layers after a value of rank `rank`; its calls and the rank it ends at. */
function chain(p: Picker, rank: number, most: number, first: boolean): { calls: string[]; rank: number; ids?: number } {
  const calls: string[] = [];
  let ids: number | undefined;
  const count = 1 + p.int(most);
  for (let k = 0; k < count; k++) {
    const allowIds = first && k === 0;
    const pool = chainLayers.filter((l) => (allowIds || !ID_LAYERS.has(l.name)) && (!p.chance(10) ? RANKS[l.name]!.accepts(rank) : true));
    const name = p.one(pool.length > 0 ? pool : chainLayers).name;
    const call = layerCall(p, name, rank);
    if (ID_LAYERS.has(name)) ids = Number(call.firstArg);
    calls.push(call.text);
    rank = call.rank;
  }
  return { calls, rank, ...(ids !== undefined ? { ids } : {}) };
}

const SYMBOLS_BY_RANK: Record<number, string[]> = { 2: [], 3: ['seq'], 4: ['h', 'w'], 5: ['d', 'h', 'w'] };

/** The input's declared sizes after `batch`: constants, symbols and now and then `2*h` or `h + 1`. */
function inputSizes(p: Picker, rank: number): string[] {
  const symbols = SYMBOLS_BY_RANK[rank]!;
  const sizes = symbols.map((s) => {
    if (p.chance(40)) return String(1 + p.int(10));
    if (p.chance(85)) return s;
    return p.one([`2*${s}`, `${s} + 1`, `${s}/2`]);
  });
  const last = p.chance(8) ? 'c' : String(1 + p.int(6));
  return [...sizes, last];
}

/** Decodes a genome into a model `M` with one input `x`: a chain, or two chains from `x` merged. */
export function decodeModel(genome: readonly number[]): RandomModel {
  const p = new Picker(genome);
  const rank = 2 + p.int(4);
  const sizes = rank === 2 ? (p.chance(30) ? ['seq'] : [String(1 + p.int(8))]) : inputSizes(p, rank);
  const header = `model M {\n  input x: [batch, ${sizes.join(', ')}]\n`;
  if (p.chance(75)) {
    const c = chain(p, rank, 4, true);
    // Often a dense head, as most real models end: without weights there is no training step to take.
    if (p.chance(35)) c.calls.push(`dense(${1 + p.int(4)})`);
    return { source: `${header}  ${c.calls.join('\n  ')}\n}\n`, ...(c.ids !== undefined ? { ids: c.ids } : {}) };
  }
  const left = chain(p, rank, 2, false);
  const right = p.chance(30) ? undefined : chain(p, rank, 2, false);
  const merge = p.one(MERGES);
  const a = `x |> ${left.calls.join(' |> ')}`;
  const b = right ? `x |> ${right.calls.join(' |> ')}` : 'x';
  const output = merge === 'concat' ? `concat(a, b${p.chance(20) ? `, axis: ${1 + p.int(rank - 1)}` : ''})` : `a ${{ add: '+', subtract: '-', multiply: '*' }[merge]} b`;
  return { source: `${header}  let a = ${a}\n  let b = ${b}\n  output ${output}\n}\n` };
}

/** The genome: enough numbers for the longest model (unused ones are ignored, and shrink away). */
export const genomeArbitrary = fc.array(fc.nat({ max: 1000 }), { minLength: 80, maxLength: 80 });
