// The formatter: idempotent on every example and fixture that parses, never changes a token,
// keeps comments, and leaves files with syntax errors alone.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { format } from '../compiler/format/format.js';

const root = new URL('../', import.meta.url);
const files = ['examples', 'test/fixtures'].flatMap((dir) =>
  readdirSync(new URL(dir, root))
    .filter((f) => f.endsWith('.nn'))
    .map((f) => `${dir}/${f}`),
);

describe('format', () => {
  it.each(files)('%s: formatting is idempotent and keeps the diagnostics', (file) => {
    const source = readFileSync(new URL(file, root), 'utf8');
    const once = format(source);
    if (compile(source).diagnostics.some((d) => d.code === 'NN1001' || d.code === 'NN1002')) {
      expect(once).toBeUndefined();
      return;
    }
    expect(once).toBeDefined();
    expect(format(once!)).toBe(once);
    const codes = (s: string) => compile(s).diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(codes(once!)).toEqual(codes(source));
  });

  it('indents, spaces and separates declarations', () => {
    const source = 'model   M{\ninput x:[batch,2]\n      dense( 4 ,activation:relu )\n}\ndata d=table{\na,b->y\n0,1->1\n}';
    expect(format(source)).toBe(
      'model M {\n  input x: [batch, 2]\n  dense(4, activation: relu)\n}\n\ndata d = table {\n  a, b -> y\n  0, 1 -> 1\n}\n',
    );
  });

  it('aligns table columns and trailing comments', () => {
    // The header starts its cells where the first row does: the columns take it in.
    const source = 'data d = table {\n  beer, good_weather -> goes\n  1,     1           -> 1 // yes\n  0, -1 -> 0 // no\n}\n';
    expect(format(source)).toBe(
      'data d = table {\n  beer, good_weather -> goes\n  1,     1           -> 1    // yes\n  0,    -1           -> 0    // no\n}\n',
    );
  });

  it('aligns a header only where its author did; signs get a column of their own', () => {
    const wide = 'data d = table {\n  feature1, feature2 -> truth\n  0, 1 -> 1\n  -1, 10 -> 0\n}\n';
    expect(format(wide)).toBe('data d = table {\n  feature1, feature2 -> truth\n   0, 1  -> 1\n  -1, 10 -> 0\n}\n');
    const labels = 'data d = table {\n  a, b -> left, right\n  1, 0 -> 1, 0\n  10, 2 -> 0, 1\n}\n';
    expect(format(labels)).toBe('data d = table {\n  a,  b -> left, right\n  1,  0 -> 1, 0\n  10, 2 -> 0, 1\n}\n');
    // A header that falls on the columns once the rows are aligned stays as it is.
    const chance = 'data d = table {\n  a, b -> y\n  1,    22 -> 0\n  10, 3 -> 1\n}\n';
    const once = format(chance)!;
    expect(once).toBe('data d = table {\n  a, b -> y\n  1,  22 -> 0\n  10, 3  -> 1\n}\n');
    expect(format(once)).toBe(once);
  });

  it('keeps extra space that every row puts between two columns', () => {
    const grouped = 'data d = table {\n  a, b, c, d -> y\n  1, 0,  0, 1  ->  1\n  0, 1,   1, 0 ->  0\n}\n';
    expect(format(grouped)).toBe('data d = table {\n  a, b, c, d -> y\n  1, 0,  0, 1 ->  1\n  0, 1,  1, 0 ->  0\n}\n');
  });

  it('keeps lines that continue a statement indented past it', () => {
    const source = 'model M {\n  input x: [batch, 2]\n  let h = x |> dense(4)\n            |> relu()\n  dense(1)\n  |> relu()\n}\n';
    expect(format(source)).toBe('model M {\n  input x: [batch, 2]\n  let h = x |> dense(4)\n            |> relu()\n  dense(1)\n    |> relu()\n}\n');
  });

  it('keeps comments, unary minus and at most one blank line', () => {
    const source = '// head\n\n\n\nmodel M { /* inline */ input x: [batch, 2]   // why\n\n\n  dense(1, kernel: [[ -1 ], [2 - 1]])\n}\n';
    expect(format(source)).toBe('// head\n\nmodel M {\n  /* inline */ input x: [batch, 2]   // why\n\n  dense(1, kernel: [[-1], [2 - 1]])\n}\n');
    expect(format('model M { input x: [batch, 2 * n+1, h / 2] }\n')).toBe('model M { input x: [batch, 2*n + 1, h/2] }\n');
    expect(format('train M on d { loss: 0.5*mse(y) }\n')).toBe('train M on d { loss: 0.5 * mse(y) }\n');
  });

  it('puts the contents of a multi-line block on lines of their own; one-line blocks stay', () => {
    expect(format('model M { input x: [batch, 2]\n  dense(1) }\ndata d = table { a -> y\n  1 -> 0 }\n')).toBe(
      'model M {\n  input x: [batch, 2]\n  dense(1)\n}\n\ndata d = table {\n  a -> y\n  1 -> 0\n}\n',
    );
    expect(format('model M { input x: [batch, 2] dense(1) }\n')).toBe('model M { input x: [batch, 2] dense(1) }\n');
  });

  it('leaves a file with syntax errors alone', () => {
    expect(format('model M { input x: [batch 2] }')).toBeUndefined();
    expect(format('model M { ∂ }')).toBeUndefined();
  });

  it('formats an empty file to nothing', () => {
    expect(format('')).toBe('');
    expect(format('\n\n  \n')).toBe('');
  });
});
