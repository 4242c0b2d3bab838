// The language features, called in-process on an Analysis (the stdio tests check the wiring).
// Positions are written into the source as `$0` (cursor.ts); answers that read better whole are
// inline snapshots.
import { describe, expect, it } from 'vitest';
import { layers } from '../../compiler/layers/registry.js';
import { analyze } from '../../lsp/analysis.js';
import { codeActions } from '../../lsp/code-actions.js';
import { codeLenses } from '../../lsp/code-lens.js';
import { completion } from '../../lsp/completion.js';
import { anchorOf, toLspDiagnostics } from '../../lsp/diagnostics.js';
import { formatDocument } from '../../lsp/formatting.js';
import { hover } from '../../lsp/hover.js';
import { inlayHints } from '../../lsp/inlay-hints.js';
import { definition, references, rename } from '../../lsp/navigation.js';
import { documentSymbols, foldingRanges } from '../../lsp/outline.js';
import { semanticTokens, semanticTokensLegend } from '../../lsp/semantic-tokens.js';
import { signatureHelp } from '../../lsp/signature-help.js';
import { CompletionItemKind } from 'vscode-languageserver';
import { at } from './cursor.js';

const uri = 'file:///work/net.nn';
const source = `// A small network.
model Net {
  input x: [batch, 3]
  let hidden = x |> dense(8, activation: relu)
  dense(4)
  relu()
  output y: [batch, 4]
}

data points = table {
  a, b, c -> p, q, r, s
  1, 2, 3 -> 0, 0, 0, 1
}

train Net on points {
  loss: mse
  optimizer: adam(lr: 0.01)
  epochs: 3
}
`;

/** The offset just after the n-th occurrence of `needle` (or at its start with `at: 'start'`). */
function offsetOf(text: string, needle: string, n = 1, at: 'start' | 'end' = 'start'): number {
  let i = -1;
  for (let k = 0; k < n; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`no ${needle}`);
  return at === 'start' ? i : i + needle.length;
}

describe('language features', () => {
  const a = analyze(source, 1, 'net.nn');
  /** The markdown of the hover at `$0`. */
  const hoverText = (marked: string) => (hover(at(marked).analysis, at(marked).offset)!.contents as { value: string }).value;
  const labels = (marked: string) => completion(at(marked).analysis, at(marked).offset).map((i) => i.label);
  const model = (body: string) => `model Net {\n  input x: [batch, 3]\n${body}\n}\n`;

  it('hover over a layer shows its output shape, parameters, FLOPs and documentation', () => {
    expect(hoverText(model('  let hidden = x |> de$0nse(8, activation: relu)\n  dense(4)'))).toMatchInlineSnapshot(`
      "\`\`\`nn
      dense(units: 8, activation: relu, use_bias: true) → [batch, 8]
      \`\`\`

      **output** \`[batch, 8]\` (input \`[batch, 3]\`)  
      **parameters** 32  
      **weights** kernel [3, 8], bias [8]  
      **FLOPs per example** 48

      Fully connected layer: every output unit sees every input feature. y = activation(x·W + b).

      - \`units: int\`: Number of output units (neurons).
      - \`activation: activation = linear\`: Activation applied to the output.
      - \`use_bias: bool = true\`: Whether the layer adds a bias vector.
      - \`in: int?\`: Expected size of the input’s last axis; checked, never needed (it is inferred).
      - \`kernel: tensor?\`: Constant initial weights, shape [in, units] (e.g. \`[[0.8], [0.2]]\`).
      - \`bias: tensor?\`: Constant initial bias, shape [units]."
    `);
  });

  it('hover over a value shows its shape', () => {
    expect(hoverText(model('  let hidden = $0x |> dense(8)\n  output y: [batch, 8]'))).toMatchInlineSnapshot(`
      "\`\`\`nn
      x: [batch, 3]
      \`\`\`

      float32 tensor"
    `);
    expect(hoverText(model('  let hid$0den = x |> dense(8)\n  output y: [batch, 8]'))).toContain('hidden: [batch, 8]');
    expect(hoverText(model('  let hidden = x |> dense(8)\n  output $0y: [batch, 8]'))).toContain('(output) y: [batch, 8]');
  });

  it('hover over a model name shows its totals', () => {
    expect(hoverText(source.replace('train Net on', 'train N$0et on'))).toMatchInlineSnapshot(`
      "\`\`\`nn
      model Net(x: [batch, 3]) → [batch, 4]
      \`\`\`

      **layers** 3  
      **parameters** 68 (68 trainable)  
      **FLOPs per example** 116"
    `);
  });

  it('inlay hints: one shape after each layer', () => {
    const hints = inlayHints(a);
    expect(hints.map((h) => h.label)).toEqual(['▸ [batch, 8]', '▸ [batch, 4]', '▸ [batch, 4]']);
    expect(hints[0]!.position).toEqual({ line: 3, character: source.split('\n')[3]!.indexOf(')') + 1 });
  });

  it('a code lens with each model’s totals', () => {
    const lenses = codeLenses(a);
    expect(lenses.map((l) => l.command!.title)).toMatchInlineSnapshot(`
      [
        "68 parameters (68 trainable) · 3 layers · 116 FLOPs/example · [batch, 3] → [batch, 4]",
      ]
    `);
  });

  it('completion in a model offers every registered layer (with a snippet), the values in scope and the statements', () => {
    const typed = at(model('  let hidden = x |> dense(8)\n  de$0'));
    const items = completion(typed.analysis, typed.offset);
    for (const l of layers) expect(items.map((i) => i.label)).toContain(l.name);
    expect(items.find((i) => i.label === 'dense')!.insertText).toBe('dense(${1:units})');
    expect(items.filter((i) => i.kind !== CompletionItemKind.Function).map((i) => i.label)).toMatchInlineSnapshot(`
      [
        "x",
        "hidden",
        "input",
        "output",
        "let",
        "layer",
        "repeat",
      ]
    `);
  });

  it('completion inside a layer call offers its named arguments not yet given, then activations', () => {
    expect(labels(model('  dense(4, $0)'))).toMatchInlineSnapshot(`
      [
        "activation:",
        "use_bias:",
        "in:",
        "kernel:",
        "bias:",
        "x",
      ]
    `);
    expect(labels(model('  dense(4, activation: $0)'))).toEqual(expect.arrayContaining(['relu', 'sigmoid', 'softmax']));
  });

  it('completion in a train block: settings, losses, optimizers, metrics; models after `train`, data after `on`', () => {
    const train = (body: string) => source.replace('  loss: mse\n  optimizer: adam(lr: 0.01)\n  epochs: 3\n', body);
    expect(labels(train('  loss: mse\n  $0\n'))).toEqual(expect.arrayContaining(['loss', 'optimizer', 'epochs', 'metrics', 'batch', 'shuffle', 'seed']));
    expect(labels(train('  loss: $0\n'))).toEqual(expect.arrayContaining(['mse', 'binary_crossentropy', 'categorical_crossentropy']));
    expect(labels(train('  optimizer: $0\n'))).toEqual(expect.arrayContaining(['sgd', 'adam']));
    expect(labels(train('  optimizer: adam($0)\n'))).toEqual(expect.arrayContaining(['lr:']));
    expect(labels(train('  metrics: $0\n'))).toContain('accuracy');
    expect(labels(`${source}train $0`)).toEqual(['Net']);
    expect(labels(`${source}train Net on $0`)).toEqual(['points']);
  });

  it('completion of dimension symbols in a tensor type', () => {
    expect(labels('model Net {\n  input x: [$0\n}\n')).toContain('batch');
    expect(labels('model Net {\n  input x: [n, 3]\n  input y: [$0\n}\n')).toEqual(expect.arrayContaining(['batch', 'n']));
  });

  it('signature help marks the parameter being typed', () => {
    const help = (marked: string) => {
      const h = signatureHelp(at(marked).analysis, at(marked).offset)!;
      return { label: h.signatures[0]!.label, active: h.activeParameter };
    };
    expect(help(model('  dense($0'))).toMatchInlineSnapshot(`
      {
        "active": 0,
        "label": "dense(units: int, activation: activation = linear, use_bias: bool = true, in: int?, kernel: tensor?, bias: tensor?)",
      }
    `);
    expect(help(model('  dense(4, activation: $0')).active).toBe(1);
    expect(help(model('  dense(4, use_bias: true, $0')).active).toBeUndefined();
  });

  it('definition, references and rename of a model, a let value and a dimension symbol', () => {
    const def = definition(a, offsetOf(source, 'Net on'), uri)!;
    expect(def.range.start).toEqual({ line: 1, character: 6 });
    expect(references(a, offsetOf(source, 'hidden'), uri, true)).toHaveLength(1);
    const edit = rename(a, offsetOf(source, 'Net on'), 'Classifier', uri)!;
    expect(edit.changes![uri]).toHaveLength(2);
    const xs = rename(a, offsetOf(source, 'x |>'), 'features', uri)!;
    expect(xs.changes![uri]).toHaveLength(2);
    const batch = rename(a, offsetOf(source, 'batch'), 'n', uri)!;
    expect(batch.changes![uri]).toHaveLength(2);
    expect(() => rename(a, offsetOf(source, 'Net on'), 'model', uri)).toThrow(/keyword/);
    expect(() => rename(a, offsetOf(source, 'Net on'), '2x', uri)).toThrow(/not a name/);
  });

  it('document symbols and folding ranges', () => {
    const symbols = documentSymbols(a);
    expect(symbols.map((s) => s.name)).toEqual(['Net', 'points', 'train Net on points']);
    expect(symbols[0]!.children!.map((c) => `${c.name} ${c.detail}`)).toEqual(['x input', 'hidden [batch, 8]', 'dense [batch, 4]', 'relu [batch, 4]', 'output y [batch, 4]']);
    expect(foldingRanges(a).map((r) => [r.startLine, r.endLine])).toEqual([
      [1, 7],
      [9, 12],
      [14, 18],
    ]);
  });

  it('semantic tokens classify names', () => {
    const { data } = semanticTokens(a);
    expect(data.length % 5).toBe(0);
    const types = [];
    for (let i = 3; i < data.length; i += 5) types.push(semanticTokensLegend.tokenTypes[data[i]!]);
    expect(types).toEqual(expect.arrayContaining(['class', 'function', 'variable', 'typeParameter', 'property', 'struct', 'enumMember']));
  });

  it('diagnostics carry the code, a docs link, related spans and fixes as code actions', () => {
    const bad = analyze('model Net {\n  input x: [batch, 3]\n  dens(4)\n}\n');
    const diags = toLspDiagnostics(bad, uri, 'file:///docs/diagnostics.md');
    expect(diags).toHaveLength(1);
    expect(diags[0]!.code).toBe('NN2001');
    expect(diags[0]!.codeDescription!.href).toBe('file:///docs/diagnostics.md#nn2001-unknown-layer');
    expect(diags[0]!.range).toEqual({ start: { line: 2, character: 2 }, end: { line: 2, character: 6 } });
    const actions = codeActions(diags, uri);
    expect(actions.map((x) => x.title)).toEqual(['Change to `dense`']);
    expect(actions[0]!.edit!.changes![uri]).toEqual([{ range: diags[0]!.range, newText: 'dense' }]);
    expect(anchorOf('NN3102')).toBe('nn3102-shape-mismatch-at-the-input-of-a-layer');
    const mismatch = analyze('model Net {\n  input x: [batch, 3]\n  dense(8, in: 4)\n}\n');
    expect(toLspDiagnostics(mismatch, uri, '')[0]!.relatedInformation![0]!.message).toBe('produces [batch, 3]');
  });

  it('formatting is the formatter, and idempotent', () => {
    const messy = analyze('model  M{\ninput x:[batch,2]\ndense(1)}\n');
    const edits = formatDocument(messy);
    expect(edits).toHaveLength(1);
    expect(formatDocument(analyze(edits[0]!.newText))).toEqual([]);
  });
});

describe('blocks', () => {
  const text = `block Pair(units: int) {
  input x: [b, n]
  dense(units)
  relu()
}

model M {
  input x: [batch, 4]
  repeat 2 { Pair(4) }
  Pair(8)
  dense(1)
}
`;
  const a = analyze(text);

  it('a block call gets the inlay hint and hover of its instance', () => {
    expect(inlayHints(a).map((h) => h.label)).toEqual(['▸ [batch, 4]', '▸ [batch, 8]', '▸ [batch, 1]']);
    const h = (hover(a, offsetOf(text, 'Pair(8)') + 1)!.contents as { value: string }).value;
    expect(h).toContain('block Pair → [batch, 8]');
    expect(h).toContain('**parameters** 40'); // dense 4→8: 4·8 + 8
  });

  it('signature help and argument completion in a block call', () => {
    const typing = text.replace('  Pair(8)\n', '  Pair(\n');
    const at = offsetOf(typing, '  Pair(\n', 1, 'start') + '  Pair('.length;
    const help = signatureHelp(analyze(typing), at)!;
    expect(help.signatures[0]!.label).toBe('Pair(units: int)');
    expect(help.activeParameter).toBe(0);
    expect(completion(analyze(typing), at).map((i) => i.label)).toContain('units:');
    const block = completion(a, offsetOf(text, '  dense(1)')).find((i) => i.label === 'Pair')!;
    expect(block.insertText).toBe('Pair(${1:units})');
  });

  it('hover over a shared layer and over a value inside a block', () => {
    const shared = analyze('model S {\n  input l: [batch, 4]\n  input r: [batch, 4]\n  layer twin = dense(8)\n  let a = l |> twin\n  let b = r |> twin\n  output concat(a, b)\n}\n');
    const at = (needle: string) => (hover(shared, shared.text.indexOf(needle) + 1)!.contents as { value: string }).value;
    expect(at('twin =')).toContain('(shared layer) twin = dense(8)');
    expect(at('twin\n  let b')).toContain('→ [batch, 8]');
    expect((hover(a, offsetOf(text, 'x: [b') )!.contents as { value: string }).value).toContain('its shape is set by each use of the block');
  });

  it('renames a block and its parameter everywhere', () => {
    expect(rename(a, offsetOf(text, 'Pair'), 'Twice', uri)!.changes![uri]).toHaveLength(3);
    expect(rename(a, offsetOf(text, 'units'), 'width', uri)!.changes![uri]).toHaveLength(2);
    const sized = analyze('block B(units: int) {\n  input x: [b, units]\n  dense(units)\n}\n');
    expect(rename(sized, 8, 'width', uri)!.changes![uri]).toHaveLength(3);
  });
});

describe('line endings and empty files', () => {
  it('CRLF files get the same positions', () => {
    const crlf = analyze('model M {\r\n  input x: [batch, 2]\r\n  dense(4)\r\n}\r\n');
    expect(inlayHints(crlf)[0]!.position).toEqual({ line: 2, character: 10 });
    const h = hover(crlf, crlf.text.indexOf('dense') + 1)!;
    expect(h.range).toEqual({ start: { line: 2, character: 2 }, end: { line: 2, character: 7 } });
  });

  it('an empty file offers the declarations and answers everything else with nothing', () => {
    const empty = analyze('');
    expect(completion(empty, 0).map((i) => i.label)).toEqual(expect.arrayContaining(['model', 'data', 'train']));
    expect(hover(empty, 0)).toBeNull();
    expect(inlayHints(empty)).toEqual([]);
    expect(documentSymbols(empty)).toEqual([]);
    expect(formatDocument(empty)).toEqual([]);
  });
});
