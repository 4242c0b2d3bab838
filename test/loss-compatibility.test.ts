// Loss ↔ final activation ↔ label encoding (compiler/check/loss-compatibility.ts) and the data facts
// the compiler sees in a table (ids for `embedding`/`one_hot`, label width against sequence outputs).
// Each case checks the diagnostic's code, span and help, then applies the help (the quick fix, or the
// change the help states) and checks again: clean, or a different, later error.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labelEncoding, lossFits } from '../compiler/check/loss-compatibility.js';
import { compile } from '../compiler/compile.js';
import type { Diagnostic, Fix } from '../compiler/diagnostics/types.js';

function check(source: string): Diagnostic[] {
  return compile(source, { emit: false }).diagnostics;
}

function applyFix(source: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.span.start - a.span.start);
  return edits.reduce((text, e) => text.slice(0, e.span.start) + e.newText + text.slice(e.span.end), source);
}

/** The one diagnostic a case expects, at the text `at` (its first occurrence after `after`). */
function only(source: string, code: string, at: string, severity: 'error' | 'warning' = 'error', after = ''): Diagnostic {
  const found = check(source);
  expect(found.map((d) => `${d.severity} ${d.code}: ${d.message}`)).toHaveLength(1);
  const d = found[0]!;
  expect(d.code).toBe(code);
  expect(d.severity).toBe(severity);
  const start = source.indexOf(at, source.indexOf(after) + after.length);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(source.slice(d.span.start, d.span.end)).toBe(at);
  expect(d.span.start).toBe(start);
  return d;
}

function expectClean(source: string): void {
  expect(check(source).map((d) => `${d.severity} ${d.code}: ${d.message}`)).toEqual([]);
}

const program = (model: string, table: string, train: string): string => `model M {\n${model}\n}\n\ndata d = table {\n${table}\n}\n\ntrain M on d {\n${train}\n}\n`;

const oneHot = '  x1, x2 -> a, b, c\n  0, 1 -> 1, 0, 0\n  1, 0 -> 0, 1, 0\n  1, 1 -> 0, 0, 1';
const multiLabel = '  x1, x2 -> a, b, c\n  0, 1 -> 1, 0, 1\n  1, 0 -> 0, 1, 0\n  1, 1 -> 1, 1, 1';
const classIds = '  x1, x2 -> y\n  0, 1 -> 0\n  1, 0 -> 1\n  1, 1 -> 2';

describe('loss ↔ final activation', () => {
  it('softmax over 3 units with binary_crossentropy on one-hot labels: a warning whose fix is categorical_crossentropy', () => {
    const source = program('  input x: [batch, 2]\n  dense(3, activation: softmax)', oneHot, '  loss: binary_crossentropy');
    const d = only(source, 'NN4010', 'binary_crossentropy', 'warning');
    expect(d.message).toContain('softmax');
    expect(d.help).toContain('`loss: categorical_crossentropy`');
    expect(d.help).toContain('`activation: sigmoid`');
    expect(source.slice(d.related[0]!.span.start, d.related[0]!.span.end)).toBe('dense(3, activation: softmax)');
    expectClean(applyFix(source, d.fixes[0]!));
  });

  it('softmax with binary_crossentropy on several labels per row: the fix is a sigmoid, not another loss', () => {
    const source = program('  input x: [batch, 2]\n  dense(3, activation: softmax)', multiLabel, '  loss: binary_crossentropy');
    const d = only(source, 'NN4010', 'binary_crossentropy', 'warning');
    expect(d.help).toContain('`activation: sigmoid`');
    expect(d.help).not.toContain('categorical');
    expect(d.fixes).toEqual([]);
    expectClean(source.replace('activation: softmax', 'activation: sigmoid'));
  });

  it('multi-label sigmoid + binary_crossentropy is clean (no false alarm)', () => {
    expectClean(program('  input x: [batch, 2]\n  dense(3, activation: sigmoid)', multiLabel, '  loss: binary_crossentropy'));
    expectClean(program('  input x: [batch, 2]\n  dense(3, activation: sigmoid)', oneHot, '  loss: binary_crossentropy'));
  });

  it('softmax + categorical_crossentropy, softmax + sparse, linear + from_logits, sigmoid() as a layer are clean', () => {
    expectClean(program('  input x: [batch, 2]\n  dense(3, activation: softmax)', oneHot, '  loss: categorical_crossentropy'));
    expectClean(program('  input x: [batch, 2]\n  dense(3, activation: softmax)', classIds, '  loss: sparse_categorical_crossentropy'));
    expectClean(program('  input x: [batch, 2]\n  dense(3)', classIds, '  loss: sparse_categorical_crossentropy(from_logits: true)'));
    expectClean(program('  input x: [batch, 2]\n  dense(3)\n  sigmoid()', multiLabel, '  loss: binary_crossentropy'));
    expectClean(program('  input x: [batch, 2]\n  dense(3, activation: softmax)', multiLabel, '  loss: mse'));
  });

  it('a linear output with binary_crossentropy: the fix reads it as logits', () => {
    const source = program('  input x: [batch, 2]\n  dense(1)', '  x1, x2 -> y\n  0, 1 -> 1\n  1, 0 -> 0', '  loss: binary_crossentropy');
    const d = only(source, 'NN4010', 'binary_crossentropy', 'warning');
    expect(d.help).toContain('`activation: sigmoid`');
    const fixed = applyFix(source, d.fixes[0]!);
    expect(fixed).toContain('loss: binary_crossentropy(from_logits: true)');
    expectClean(fixed);
    expectClean(source.replace('dense(1)', 'dense(1, activation: sigmoid)'));
  });

  it('a softmax under a from-logits loss is applied twice: the fix drops from_logits', () => {
    const source = program('  input x: [batch, 2]\n  softmax()', '  x1, x2 -> a, b\n  0, 1 -> 1, 0\n  1, 0 -> 0, 1', '  loss: categorical_crossentropy(from_logits: true)');
    const d = only(source, 'NN4010', 'categorical_crossentropy(from_logits: true)', 'warning');
    expectClean(applyFix(source, d.fixes[0]!));
  });

  it('sigmoid outputs with categorical_crossentropy on several labels per row: the fix is binary_crossentropy', () => {
    const source = program('  input x: [batch, 2]\n  dense(3, activation: sigmoid)', multiLabel, '  loss: categorical_crossentropy');
    const d = only(source, 'NN4010', 'categorical_crossentropy', 'warning');
    expect(d.help).toContain('`activation: softmax`');
    expectClean(applyFix(source, d.fixes[0]!));
    expectClean(source.replace('activation: sigmoid', 'activation: softmax').replace(multiLabel, oneHot));
  });
});

describe('loss ↔ labels', () => {
  it('sigmoid + categorical_crossentropy on labels 0/1/2: the help is a softmax over 3 units with the sparse loss, not `mse`', () => {
    const source = program('  input x: [batch, 2]\n  dense(1, activation: sigmoid)', classIds, '  loss: categorical_crossentropy');
    const d = only(source, 'NN4010', 'categorical_crossentropy');
    expect(d.message).toContain('row 3');
    expect(d.help).toContain('3 units with `activation: softmax`');
    expect(d.help).toContain('`loss: sparse_categorical_crossentropy`');
    // The quick fix changes the loss; the next error then asks for the 3 units (a later, different one).
    const swapped = applyFix(source, d.fixes[0]!);
    const next = check(swapped).find((x) => x.severity === 'error');
    expect(next?.code).toBe('NN4018');
    expect(next?.help).toContain('3 units');
    // The whole stated change is clean, and so is the one-hot alternative.
    expectClean(swapped.replace('dense(1, activation: sigmoid)', 'dense(3, activation: softmax)'));
    expectClean(program('  input x: [batch, 2]\n  dense(3, activation: softmax)', oneHot, '  loss: categorical_crossentropy'));
  });

  it('real-valued targets with a cross-entropy still get `mse`', () => {
    const source = program('  input x: [batch, 2]\n  dense(1)', '  x1, x2 -> y\n  0, 1 -> 3.5\n  1, 0 -> 2', '  loss: binary_crossentropy');
    const d = only(source, 'NN4010', 'binary_crossentropy');
    expect(d.help).toContain('`mse`');
    expectClean(source.replace('loss: binary_crossentropy', 'loss: mse'));
  });
});

describe('labels against the layer at fault', () => {
  const seq = '  input x: [batch, 4]\n  reshape([4, 1])\n  lstm(16, return_sequences: true)\n  dense(1)';
  const rows = '  a, b, c, e -> y\n  0, 1, 2, 3 -> 0\n  1, 2, 3, 4 -> 1';

  it('lstm(16, return_sequences: true) → dense(1) with one label column points at the lstm, not "give the last layer 1 unit"', () => {
    const source = program(seq, rows, '  loss: mse');
    const d = only(source, 'NN4008', 'lstm(16, return_sequences: true)');
    expect(d.found).toBe('[batch, 4, 1]');
    expect(d.help).toContain('`return_sequences: false`');
    expect(d.help).not.toContain('give the last layer');
    expectClean(source.replace('return_sequences: true', 'return_sequences: false'));
    expectClean(source.replace('  dense(1)', '  global_average_pooling1d()\n  dense(1)'));
  });

  it('a custom loss over mismatched labels points at the formula', () => {
    const source = program('  input x: [batch, 2]\n  dense(2)', '  x1, x2 -> y\n  0, 1 -> 0', '  loss: mean(abs(pred - y))');
    const d = only(source, 'NN4008', 'mean(abs(pred - y))');
    expect(d.message).toContain('`pred` [batch, 2]');
    expect(d.help).toContain('1 unit');
    expectClean(source.replace('dense(2)', 'dense(1)'));
  });

  it('a validation table of 3 features: the help changes the validation table, which the training data keeps working with', () => {
    const source = `model M {\n  input x: [batch, 2]\n  dense(1)\n}\n\ndata d = table {\n  x1, x2 -> y\n  0, 1 -> 0\n}\n\ndata v = table {\n  x1, x2, x3 -> y\n  0, 1, 2 -> 0\n}\n\ntrain M on d {\n  loss: mse\n  validation: v\n}\n`;
    const d = only(source, 'NN4007', 'v', 'error', 'validation: ');
    expect(d.help).toContain('give `v` the feature columns of `d` (x1, x2)');
    expect(d.help).not.toContain('make the input');
    expectClean(source.replace('x1, x2, x3 -> y\n  0, 1, 2 -> 0', 'x1, x2 -> y\n  0, 1 -> 0'));
    // The help it replaces (a 3-wide input) breaks the training table.
    expect(check(source.replace('[batch, 2]', '[batch, 3]'))[0]?.code).toBe('NN4007');
  });
});

describe('ids from a table', () => {
  it('embedding(10, 8) fed id 12 is a compile-time error naming the row and column', () => {
    const source = program('  input x: [batch, 3]\n  embedding(10, 8)\n  flatten()\n  dense(1)', '  a, b, c -> y\n  0, 1, 2 -> 0\n  3, 12, 2 -> 1', '  loss: mse');
    const d = only(source, 'NN4023', 'd', 'error', 'train M on ');
    expect(d.message).toContain('row 2');
    expect(d.message).toContain('the id 12 in column `b`');
    expect(d.message).toContain('0 to 9');
    expect(source.slice(d.related[0]!.span.start, d.related[0]!.span.end)).toBe('embedding(10, 8)');
    expect(d.help).toContain('`embedding(13, 8)`');
    expectClean(source.replace('embedding(10, 8)', 'embedding(13, 8)'));
  });

  it('one_hot(3) fed 3 or a fraction is reported too; ids in range are clean', () => {
    const source = program('  input x: [batch, 2]\n  one_hot(3)\n  flatten()\n  dense(1)', '  a, b -> y\n  0, 1 -> 0\n  2, 3 -> 1', '  loss: mse');
    const d = only(source, 'NN4023', 'd', 'error', 'train M on ');
    expect(d.message).toContain('row 2');
    expect(d.help).toContain('`one_hot(4)`');
    expectClean(source.replace('one_hot(3)', 'one_hot(4)'));
    expect(check(source.replace('2, 3 -> 1', '2, 0.5 -> 1'))[0]?.help).toContain('whole numbers');
  });
});

describe('the table', () => {
  it('reads label encodings', () => {
    expect(labelEncoding([[1, 0, 0], [0, 1, 0]])).toBe('one-hot');
    expect(labelEncoding([[1, 0, 1], [0, 1, 0]])).toBe('binary');
    expect(labelEncoding([[0], [1]])).toBe('binary');
    expect(labelEncoding([[0], [2]])).toBe('class-ids');
    expect(labelEncoding([[0.5], [0.25]])).toBe('fractions');
    expect(labelEncoding([[3.5], [-1]])).toBe('real');
    expect(labelEncoding([])).toBeUndefined();
  });

  it('every loss the language has is in the table', () => {
    const names = ['mse', 'mae', 'huber', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'];
    for (const n of names) expect(lossFits).toHaveProperty(n);
    for (const n of names.filter((x) => x.includes('crossentropy'))) expect(lossFits).toHaveProperty(`${n}_from_logits`);
  });

  it('raises none of its diagnostics on the examples', () => {
    const dir = fileURLToPath(new URL('../examples/', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.nn'))) {
      const found = check(readFileSync(dir + file, 'utf8')).filter((d) => ['NN4008', 'NN4010', 'NN4023'].includes(d.code));
      expect(found.map((d) => `${file}: ${d.code} ${d.message}`)).toEqual([]);
    }
  });
});
