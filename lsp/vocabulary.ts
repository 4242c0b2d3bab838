// The names the language knows, read from the compiler's own tables so that a layer, loss or
// optimizer added there appears in completion and hover with no change here.
import { trainVocabulary } from '../compiler/check/train.js';
import { activations } from '../compiler/layers/activations.js';
import { layers } from '../compiler/layers/registry.js';
import type { LayerDef, ParamSpec } from '../compiler/layers/types.js';
import { keywordNames } from '../grammar/tokens.js';

export { layers, activations, keywordNames };

export function training() {
  return trainVocabulary();
}

export const settingDocs: Record<string, string> = {
  loss: 'The loss to minimise: e.g. `mse`, `binary_crossentropy`, `categorical_crossentropy`.',
  optimizer: 'How weights are updated: `sgd(lr: 0.1)`, `adam(lr: 0.001)`, …',
  epochs: 'How many passes over the data (default 1).',
  batch: 'Examples per update: a whole number, or `full` for the whole table (default 32).',
  metrics: 'What to report besides the loss: a name or a list, e.g. `[accuracy, mae]`.',
  shuffle: 'Whether to shuffle the rows every epoch (default true).',
  seed: 'Seed for weight initialisation and shuffling: the same seed gives the same run.',
};

export function describeParam(p: ParamSpec): string {
  const type = p.type === 'choice' && p.choices ? p.choices.join(' | ') : p.type;
  const fallback = p.default !== undefined ? ` = ${showArg(p.default)}` : p.required ? '' : '?';
  return `${p.name}: ${type}${fallback}`;
}

export function showArg(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return String(value);
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const v = value as { kind?: string; name?: string; alpha?: number; shape?: number[] };
    if (v.kind === 'activation') return v.alpha !== undefined ? `${v.name}(alpha: ${v.alpha})` : String(v.name);
    if (v.kind === 'tensor') return `tensor [${(v.shape ?? []).join(', ')}]`;
  }
  return String(value);
}

/** `dense(units: int, activation: activation = linear, …)` */
export function signatureLabel(def: LayerDef): string {
  return `${def.name}(${def.params.map(describeParam).join(', ')})`;
}

/** A completion snippet: the layer with its required arguments as tab stops. */
export function layerSnippet(def: LayerDef): string {
  const required = def.params.filter((p) => p.required);
  const args = required.map((p, i) => (p.positional ? `\${${i + 1}:${p.name}}` : `${p.name}: \${${i + 1}}`));
  return `${def.name}(${args.join(', ')})`;
}
