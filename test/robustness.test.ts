// Bad input never yields a stack trace: whatever the bytes, compile() returns diagnostics.
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';

function codes(source: string): string[] {
  return compile(source).diagnostics.map((d) => d.code);
}

function pseudoRandomBytes(n: number, seed: number): string {
  let s = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out += String.fromCharCode(s >>> 24);
  }
  return out;
}

describe('robustness', () => {
  it('an empty file is a warning, not a crash', () => {
    expect(codes('')).toEqual(['NN1004']);
    expect(codes('  // only a comment\n')).toEqual(['NN1004']);
  });

  it('binary garbage ends in a bounded number of diagnostics', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = compile(pseudoRandomBytes(4000, seed));
      expect(r.hasErrors).toBe(true);
      expect(r.diagnostics.length).toBeLessThanOrEqual(40);
      expect(r.diagnostics.every((d) => d.code.startsWith('NN1'))).toBe(true);
    }
  });

  it('a 1 MB line is handled', () => {
    const line = 'model M { input x: [batch, 2] ' + 'relu() '.repeat(150_000) + '}';
    expect(line.length).toBeGreaterThan(1_000_000);
    const r = compile(line);
    expect(r.hasErrors).toBe(false);
    expect(r.program.models[0]!.nodes.length).toBe(150_000);
    const junk = 'x'.repeat(1_100_000);
    expect(codes(junk)[0]).toBe('NN1001');
  });

  it('deep nesting is a diagnostic, not a stack overflow', () => {
    expect(codes('model M { input x: [batch, 2] dense(' + '('.repeat(100_000) + ') }')).toEqual(['NN1003']);
    expect(codes('train M on d { loss: ' + '['.repeat(5000) + ' }')).toEqual(['NN1003']);
  });

  it('an unknown loss and a negative unit count are diagnostics', () => {
    expect(codes('model M { input x: [batch, 2]\n dense(-4) }')).toEqual(['NN3002']);
    const src = 'model M { input x: [batch, 1]\n dense(1) }\ndata d = table { x -> y\n 1 -> 1 }\ntrain M on d { loss: hinge }';
    expect(codes(src)).toEqual(['NN4001']);
  });

  it('every prefix of an example compiles without throwing', () => {
    const example = `model Xor {
  input x: [batch, 2]
  dense(4, activation: tanh)
  dense(1, activation: sigmoid)
}
data xor = table {
  x1, x2 -> y
  0, 0 -> 0
  1, 1 -> 0
}
train Xor on xor { loss: binary_crossentropy  optimizer: adam(lr: 0.05)  batch: full  epochs: 5  metrics: [accuracy] }`;
    for (let i = 0; i <= example.length; i++) {
      const r = compile(example.slice(0, i));
      for (const d of r.diagnostics) {
        expect(d.span.start).toBeGreaterThanOrEqual(0);
        expect(d.span.end).toBeLessThanOrEqual(i);
      }
    }
  });
});
