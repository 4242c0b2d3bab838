// The training settings are one table (compiler/check/train-settings.ts): the reference's table
// says the same, the checker accepts every value the editor offers and knows exactly these names,
// and hover and completion read their text and values from it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trainSettings } from '../compiler/check/train-settings.js';
import { compile } from '../compiler/compile.js';
import { analyze } from '../lsp/analysis.js';
import { completion } from '../lsp/completion.js';
import { hover } from '../lsp/hover.js';

const language = readFileSync(fileURLToPath(new URL('../docs/language.md', import.meta.url)), 'utf8');

/** The rows of the first markdown table whose header is `header`, as their cells. */
function tableRows(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(header);
  expect(start, `a table headed ${header}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    // Cells split at `|` that is not escaped (`\|w\|` is one cell).
    rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}

const program = (settings: string) => `model Net {
  input x: [batch, 2]
  dense(4, activation: relu)
  dense(1, activation: sigmoid)
}

data points = table {
  a, b -> y
  0, 1 -> 1
  1, 0 -> 0
}

train Net on points {
${settings}
}
`;

/** A snippet with each placeholder replaced by its default text. */
const expand = (snippet: string) => snippet.replace(/\$\{\d+:([^}]*)\}/g, '$1');

describe('training settings', () => {
  it('docs/language.md lists every setting, in the table order, with the same value, default and meaning', () => {
    const rows = tableRows(language, '| setting | value | default | meaning |');
    const fromTable = trainSettings.map((s) => [`\`${s.name}\``, s.value, s.default, s.doc]);
    expect(rows).toEqual(fromTable);
  });

  it('the checker accepts every value the editor offers for a setting', () => {
    const offered = trainSettings.flatMap((s) => (s.values?.() ?? []).map((v) => ({ setting: s.name, text: v.snippet !== undefined ? expand(v.snippet) : v.label })));
    expect(offered.length).toBeGreaterThan(20);
    for (const { setting, text } of offered) {
      const loss = setting === 'loss' ? '' : 'loss: binary_crossentropy\n';
      // A monitored `val_` value needs a validation set.
      const validation = setting === 'early_stopping' ? 'validation: holdout(0.5)\n' : '';
      let source = program(`${loss}${validation}${setting}: ${text}`);
      // Reproducing the two features needs two outputs.
      if (setting === 'target' && text === 'features') source = source.replace('dense(1, activation: sigmoid)', 'dense(2, activation: sigmoid)');
      const errors = compile(source, { emit: false }).diagnostics.filter((d) => d.severity === 'error' && !(setting === 'loss' && d.code === 'NN4018'));
      expect(errors.map((d) => `${d.code} ${d.message}`), `${setting}: ${text}`).toEqual([]);
    }
  });

  it('docs/diagnostics.md names every setting under NN4004', () => {
    const diagnostics = readFileSync(fileURLToPath(new URL('../docs/diagnostics.md', import.meta.url)), 'utf8');
    const section = diagnostics.slice(diagnostics.indexOf('## NN4004'), diagnostics.indexOf('## NN4005'));
    const fix = /\*\*Fix\.\*\* The settings are ([^(]*)/.exec(section)?.[1] ?? '';
    expect([...fix.matchAll(/`(\w+)`/g)].map((m) => m[1])).toEqual(trainSettings.map((s) => s.name));
  });

  it('an unknown setting is refused, and the help lists exactly the table names', () => {
    const result = compile(program('loss: mse\nzzzzzzzzzzzz: 1'), { emit: false });
    const unknown = result.diagnostics.find((d) => d.code === 'NN4004');
    expect(unknown?.help).toBe(`settings are ${trainSettings.map((s) => `\`${s.name}\``).join(', ')}`);
    const misspelled = compile(program('loss: mse\nepocs: 3'), { emit: false }).diagnostics.find((d) => d.code === 'NN4004');
    expect(misspelled?.fixes[0]?.edits[0]?.newText).toBe('epochs');
  });

  it('every setting name is accepted by the checker', () => {
    for (const s of trainSettings) {
      const codes = compile(program(`loss: mse\n${s.name === 'loss' ? '' : `${s.name}: 0`}`), { emit: false }).diagnostics.map((d) => d.code);
      expect(codes, s.name).not.toContain('NN4004');
    }
  });

  it('a block of steps checks its settings with the same entries (a seed of 0 is a seed there too)', () => {
    const gan = `model G {\n  input z: [batch, 2]\n  dense(2)\n}\n\nmodel D {\n  input p: [batch, 2]\n  dense(1)\n}\n\ndata points = table {\n  a, b\n  1, 2\n}\n
train G, D on points {
  step d: minimize mean(D(x)) over D
  step g: minimize mean(D(G(z))) over G
  SETTINGS
}
`;
    const run = (settings: string) => compile(gan.replace('SETTINGS', settings), { emit: false });
    const ok = run('epochs: 3\n  batch: full\n  shuffle: false\n  seed: 0');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.program.stepTrains?.[0]).toMatchObject({ epochs: 3, batch: 'full', shuffle: false, seed: 0 });
    const bad = run('epochs: 0\n  seed: -1').diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(bad).toEqual(['NN4009 `epochs` must be a whole number from 1 to 1000000000', 'NN4009 `seed` must be a whole number from 0 to 4294967295']);
  });

  it('hover on a setting shows its doc, value and default from the table', () => {
    const text = program('loss: mse\nschedule: exponential(rate: 0.9)');
    const shown = hover(analyze(text), text.indexOf('schedule') + 2);
    const value = typeof shown?.contents === 'object' && 'value' in shown.contents ? shown.contents.value : '';
    const entry = trainSettings.find((s) => s.name === 'schedule')!;
    expect(value).toContain('(training setting) schedule');
    expect(value).toContain('How the learning rate changes from epoch to epoch.');
    expect(value).toContain(entry.value);
    expect(value).toContain(entry.default);
  });

  it('completion after a setting offers the values of its entry', () => {
    const labelsAfter = (setting: string) => {
      const text = program(`loss: mse\n${setting}: `);
      return completion(analyze(text), text.indexOf(`${setting}: `) + setting.length + 2).map((i) => i.label);
    };
    expect(labelsAfter('target')).toEqual(['labels', 'features']);
    expect(labelsAfter('schedule')).toEqual(['step', 'exponential', 'cosine']);
    expect(labelsAfter('shuffle')).toEqual(['true', 'false']);
    expect(labelsAfter('metrics')).toContain('accuracy');
    expect(labelsAfter('epochs')).toEqual([]);
  });
});
