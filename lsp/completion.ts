// Completion from the cursor's context: layers (with their required arguments as a snippet), a
// layer's named arguments, values and dimension symbols in scope, models and data in `train`,
// and a `train` block's settings with their losses, optimizers and metrics.
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver';
import type { Analysis } from './analysis.js';
import { callable, callSnippet, signatureText } from './callables.js';
import { cursorContext, type CursorContext } from './cursor-context.js';
import { activations, keywordNames, layers, layerSnippet, settingDocs, settingValues, signatureLabel, training } from './vocabulary.js';
import * as T from '../grammar/tokens.js';

const statementKeywords: { label: string; snippet: string; detail: string }[] = [
  { label: 'input', snippet: 'input ${1:x}: [${2:batch}, ${3:2}]', detail: 'declare an input tensor' },
  { label: 'output', snippet: 'output ${1:y}: [${2:batch}, ${3:1}]', detail: 'name (and check) the output' },
  { label: 'let', snippet: 'let ${1:h} = ${2:dense(4)}', detail: 'name a value' },
  { label: 'layer', snippet: 'layer ${1:shared} = ${2:dense(8)}', detail: 'a layer instance whose weights every use shares' },
  { label: 'repeat', snippet: 'repeat ${1:2} {\n  $0\n}', detail: 'apply statements several times in a chain' },
];

const declarationSnippets: { label: string; snippet: string; detail: string }[] = [
  { label: 'model', snippet: 'model ${1:Name} {\n  input ${2:x}: [batch, ${3:2}]\n  ${4:dense(1)}\n}', detail: 'a model: inputs and a chain of layers' },
  { label: 'block', snippet: 'block ${1:Name}(${2:units}: int) {\n  input ${3:x}: [batch, ${4:n}]\n  ${5:dense(units)}\n}', detail: 'a parameterised piece of a model' },
  { label: 'data', snippet: 'data ${1:name} = table {\n  ${2:x1}, ${3:x2} -> ${4:y}\n  $0\n}', detail: 'a table of examples' },
  { label: 'train', snippet: 'train ${1:Model} on ${2:data} {\n  loss: ${3:mse}\n  optimizer: ${4:adam(lr: 0.01)}\n  epochs: ${5:100}\n}', detail: 'how to train a model' },
];

export function completion(a: Analysis, offset: number): CompletionItem[] {
  const ctx = cursorContext(a.text, offset);
  const previous = ctx.previous;
  if (ctx.decl === undefined) {
    if (previous?.tokenType === T.Train) return names(a, 'model', CompletionItemKind.Class);
    if (previous?.tokenType === T.On) return names(a, 'data', CompletionItemKind.Struct);
    if (previous && [T.Model, T.Block, T.Data].includes(previous.tokenType)) return [];
    return declarationSnippets.filter((s) => keywordNames.includes(s.label)).map((s) => snippet(s.label, s.snippet, s.detail, CompletionItemKind.Keyword));
  }
  if (ctx.decl === 'data') return [];
  if (ctx.decl === 'train') return trainCompletion(ctx);
  // In a model or a block.
  if (ctx.call) {
    const def = callable(a, ctx.call.name);
    if (ctx.argumentName !== undefined) return argumentValues(def?.params.find((p) => p.name === ctx.argumentName));
    if (def && (previous?.tokenType === T.LParen || previous?.tokenType === T.Comma)) {
      const positional = def.params.filter((p) => p.positional).slice(0, ctx.positionalCount);
      const given = new Set([...ctx.givenNames, ...positional.map((p) => p.name)]);
      const args = def.params
        .filter((p) => !given.has(p.name))
        .map((p, i) => ({
          ...snippet(`${p.name}:`, `${p.name}: \${1}`, p.label, CompletionItemKind.Field),
          documentation: p.doc,
          sortText: `0${String(i).padStart(3, '0')}`,
        }));
      return [...args, ...valuesInScope(a, offset)];
    }
    return valuesInScope(a, offset);
  }
  if (ctx.inType) return dimensionSymbols(a, offset);
  if (ctx.inBrackets) return [];
  if (previous?.tokenType === T.Colon) return [];
  // After `input`, `let`, `layer`, `repeat`, …: a new name or a count, nothing to offer.
  if (previous && T.keywords.includes(previous.tokenType)) return [];
  const items = [...layerItems(), ...valuesInScope(a, offset), ...names(a, 'model', CompletionItemKind.Class, true)];
  const atStatementStart = !previous || (previous.tokenType !== T.Pipe && previous.tokenType !== T.Equals);
  const keywords = statementKeywords.filter((s) => keywordNames.includes(s.label));
  if (atStatementStart) items.push(...keywords.map((s) => snippet(s.label, s.snippet, s.detail, CompletionItemKind.Keyword)));
  return items;
}

function snippet(label: string, insertText: string, detail: string, kind: CompletionItemKind): CompletionItem {
  return { label, kind, detail, insertText, insertTextFormat: InsertTextFormat.Snippet };
}

export function layerItems(): CompletionItem[] {
  return layers.map((def) => ({
    ...snippet(def.name, layerSnippet(def), signatureLabel(def), CompletionItemKind.Function),
    documentation: { kind: 'markdown', value: def.doc },
  }));
}

function argumentValues(param: { type: string; choices?: readonly string[] } | undefined): CompletionItem[] {
  if (!param) return [];
  if (param.type === 'activation') return activations.map((x) => ({ label: x.name, kind: CompletionItemKind.EnumMember, documentation: x.doc }));
  if (param.type === 'bool') return ['true', 'false'].map((label) => ({ label, kind: CompletionItemKind.Value }));
  if (param.choices) return param.choices.map((label) => ({ label, kind: CompletionItemKind.EnumMember }));
  return [];
}

function trainCompletion(ctx: CursorContext): CompletionItem[] {
  const vocab = training();
  if (ctx.call && Object.hasOwn(vocab.optimizers, ctx.call.name)) {
    if (ctx.argumentName !== undefined) return ctx.argumentName === 'nesterov' ? argumentValues({ type: 'bool' }) : [];
    return vocab.optimizers[ctx.call.name]!.map((s) => snippet(`${s}:`, `${s}: \${1}`, `setting of ${ctx.call!.name}`, CompletionItemKind.Field));
  }
  switch (ctx.settingKey) {
    case undefined:
      return vocab.settings.map((s) => ({ ...snippet(s, `${s}: \${1}`, 'training setting', CompletionItemKind.Property), documentation: { kind: 'markdown', value: settingDocs[s] ?? '' } }));
    default:
      return settingValues(ctx.settingKey).map((v) =>
        v.snippet !== undefined ? snippet(v.label, v.snippet, v.detail ?? '', CompletionItemKind.EnumMember) : { label: v.label, kind: v.kind === 'choice' ? CompletionItemKind.EnumMember : CompletionItemKind.Value, ...(v.detail !== undefined ? { detail: v.detail } : {}) },
      );
  }
}

function names(a: Analysis, kind: 'model' | 'data', itemKind: CompletionItemKind, callableOnly = false): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const [name, decl] of a.index.topLevel) {
    const isData = decl.kind === 'data';
    if (decl.kind === 'train' || isData !== (kind === 'data')) continue;
    if (callableOnly && decl.kind === 'model') continue; // models are not called inside models (blocks are)
    const block = callableOnly ? callable(a, name) : undefined;
    items.push(block ? snippet(name, callSnippet(block), signatureText(block), itemKind) : { label: name, kind: itemKind, detail: String(decl.kind) });
  }
  return items;
}

function valuesInScope(a: Analysis, offset: number): CompletionItem[] {
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const o of a.index.occurrences) {
    if (!o.definition || (o.kind !== 'value' && o.kind !== 'param') || o.span.start >= offset) continue;
    if (!(o.decl.span.start <= offset && offset <= o.decl.span.end + 1) || seen.has(o.name)) continue;
    seen.add(o.name);
    items.push({ label: o.name, kind: CompletionItemKind.Variable, detail: o.kind === 'param' ? 'block parameter' : 'value' });
  }
  return items;
}

function dimensionSymbols(a: Analysis, offset: number): CompletionItem[] {
  const names = new Set(['batch']);
  for (const o of a.index.occurrences) if (o.kind === 'dim' && o.span.end < offset + 1000) names.add(o.name);
  return [...names].map((label) => ({ label, kind: CompletionItemKind.TypeParameter, detail: 'dimension symbol' }));
}
