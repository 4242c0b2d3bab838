// The names the language knows, read from the compiler's own tables so that a layer, loss,
// optimizer or training setting added there appears in completion and hover with no change here.
import { trainVocabulary } from '../compiler/check/train.js';
import { trainSettingByName, trainSettings, type SettingValue } from '../compiler/check/train-settings.js';
import { activations } from '../compiler/layers/activations.js';
import { layers } from '../compiler/layers/registry.js';
import type { LayerDef, ParamSpec } from '../compiler/layers/types.js';
import { keywordNames } from '../grammar/tokens.js';

export { layers, activations, keywordNames };

export function training() {
  return trainVocabulary();
}

/** A training setting's documentation (markdown): what it does, the value it takes, its default. */
export const settingDocs: Record<string, string> = Object.fromEntries(
  trainSettings.map((s) => [s.name, `${s.doc[0]!.toUpperCase()}${s.doc.slice(1)}.\n\n**value** ${s.value}  \n**default** ${s.default}`]),
);

/** The values the editor offers after `setting:`, from the setting's entry. */
export function settingValues(name: string): readonly SettingValue[] {
  return trainSettingByName.get(name)?.values?.() ?? [];
}

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
