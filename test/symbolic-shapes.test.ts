// Sizes compared with three answers (issue 12): equal, different, or equal only for some values of
// the symbols. Each mistake is reported with its code, span and help, and each help, applied to
// the source, gives a clean program or a different, later error.
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import type { Diagnostic } from '../compiler/diagnostics/types.js';
import { addDims, constDim, floorDivDim, mulDims, symDim } from '../compiler/shapes/dim.js';
import { sizeAgreement } from '../compiler/shapes/size-agreement.js';

const h = symDim('h');
const n = symDim('n');
const c = constDim;

function errorsOf(source: string): Diagnostic[] {
  return compile(source, { emit: false }).diagnostics.filter((d) => d.severity === 'error');
}

/** The text the primary span covers. */
function spanText(source: string, d: Diagnostic): string {
  return source.slice(d.span.start, d.span.end);
}

function only(source: string): Diagnostic {
  const errors = errorsOf(source);
  expect(errors.map((e) => `${e.code} ${e.message}`)).toHaveLength(1);
  return errors[0]!;
}

function replaced(source: string, from: string, to: string): string {
  expect(source).toContain(from);
  return source.replace(from, to);
}

describe('sizeAgreement', () => {
  it('finds the residues where floors agree', () => {
    const r = sizeAgreement(mulDims(c(2), floorDivDim(h, 8)), floorDivDim(h, 4));
    expect(r).toMatchObject({ result: 'depends', symbols: ['h'], condition: '`h % 8` is 0, 1, 2 or 3', multipleOf: { symbol: 'h', factor: 8 } });
    expect(sizeAgreement(mulDims(c(2), floorDivDim(h, 2)), h)).toMatchObject({ result: 'depends', condition: '`h` is a multiple of 2' });
  });

  it('calls sizes that never agree for a size ≥ 1 different', () => {
    expect(sizeAgreement(floorDivDim(h, 2), h).result).toBe('different');
    expect(sizeAgreement(mulDims(c(2), n), mulDims(c(3), n)).result).toBe('different');
    expect(sizeAgreement(addDims(n, c(1)), n).result).toBe('different');
  });

  it('sees equal sizes the canonical form misses', () => {
    expect(sizeAgreement(addDims(floorDivDim(h, 2), floorDivDim(addDims(h, c(1)), 2)), h).result).toBe('equal');
  });

  it('lists the few sizes where two polynomials meet', () => {
    expect(sizeAgreement(mulDims(h, h), mulDims(c(4), h))).toMatchObject({ result: 'depends', condition: '`h` is 4' });
  });

  it('lets a bare symbol stand for any size', () => {
    expect(sizeAgreement(n, c(4)).result).toBe('assumed');
    expect(sizeAgreement(n, h).result).toBe('assumed');
  });
});

const halfPlusFull = `model M {
  input x: [batch, h, w, c]
  let small = x |> max_pooling2d(2)
  output small + x
}
`;

const unet = `model UNet {
  input x: [batch, h, w, 1]
  let e1 = x |> conv2d(8, 3, padding: same)
  let e2 = e1 |> max_pooling2d(2)
  let e3 = e2 |> max_pooling2d(2)
  let bottom = e3 |> max_pooling2d(2)
  let up = bottom |> up_sampling2d(2)
  output concat(up, e3)
}
`;

const concatThenAdd = `model M {
  input x: [batch, n]
  let a = concat(x, x)
  let b = concat(x, a)
  output a + b
}
`;

const concatDeclared = `model M {
  input x: [batch, n]
  let a = concat(x, x)
  let b = concat(a, x)
  output b: [batch, 5*n]
}
`;

const channelsAgree = `model M {
  input x: [batch, 112, 112, 32]
  let small = x |> max_pooling2d(2)
  output small + x
}
`;

describe('merges of symbolic sizes', () => {
  it('[batch, h/2, w/2, c] + [batch, h, w, c] is NN3190 on the spatial axis', () => {
    const d = only(halfPlusFull);
    expect(d.code).toBe('NN3190');
    expect(spanText(halfPlusFull, d)).toBe('small + x');
    expect(d.label).toContain('axis 1 is h/2 on one side and h on the other');
    expect(d.help).toContain('`up_sampling2d(2)`');
    expect(d.help).not.toContain('units or channels');
  });

  it('following the help: downsampling the larger side checks clean', () => {
    const fixed = replaced(halfPlusFull, 'output small + x', 'let big = x |> max_pooling2d(2)\n  output small + big');
    expect(errorsOf(fixed)).toEqual([]);
  });

  it('following the help: upsampling the smaller side leaves a later, different error (odd h), whose help then fixes it', () => {
    const upsampled = replaced(halfPlusFull, 'x |> max_pooling2d(2)', 'x |> max_pooling2d(2) |> up_sampling2d(2)');
    const d = only(upsampled);
    expect(d.code).toBe('NN3190');
    expect(d.message).toContain('agree only for some sizes');
    expect(d.label).toContain('equal only when `h` is a multiple of 2');
    expect(d.help).toContain('write `2*h` in the input type');
    // The w axis is the next mismatch of the same kind; declaring both as multiples is clean.
    expect(errorsOf(replaced(upsampled, '[batch, h, w, c]', '[batch, 2*h, 2*w, c]'))).toEqual([]);
  });

  it('a U-Net joining 2*(h/8) with h/4 says for which h they agree and how to make them', () => {
    const d = only(unet);
    expect(d.code).toBe('NN3190');
    expect(spanText(unet, d)).toBe('concat(up, e3)');
    expect(d.label).toContain('2*(h/8) on one side and h/4 on the other: equal only when `h % 8` is 0, 1, 2 or 3');
    expect(d.help).toContain("declare the input's `h` as a multiple of 8 (write `8*h` in the input type)");
    expect(errorsOf(replaced(unet, '[batch, h, w, 1]', '[batch, 8*h, 8*w, 1]'))).toEqual([]);
    // A fixed size that is a multiple of 8 is clean too, and one that is not is caught as a number.
    expect(errorsOf(replaced(unet, '[batch, h, w, 1]', '[batch, 224, 224, 1]'))).toEqual([]);
    expect(only(replaced(unet, '[batch, h, w, 1]', '[batch, 20, 20, 1]')).label).toContain('axis 1 is 4 on one side and 5 on the other');
  });

  it('concat along a symbolic axis sums the sizes, so 2n + 3n is caught', () => {
    const program = compile(concatThenAdd, { emit: false }).program;
    const d = only(concatThenAdd);
    expect(d.code).toBe('NN3190');
    expect(spanText(concatThenAdd, d)).toBe('a + b');
    expect(d.label).toContain('cannot add [batch, 2*n] and [batch, 3*n]');
    expect(d.help).toContain('make the last axis the same size on both sides (axis 1: 2*n against 3*n), e.g. join as many parts with `concat` on each side');
    expect(program.models[0]!.nodes.map((node) => node.shape.map((x) => x.kind))).toEqual([
      ['sym', 'expr'],
      ['sym', 'expr'],
    ]);
    const fixed = replaced(concatThenAdd, 'let b = concat(x, a)', 'let b = concat(x, x)');
    expect(errorsOf(fixed)).toEqual([]);
  });

  it('a declared output of 5n where the layers make 3n is NN3103, and its quick fix checks clean', () => {
    const d = only(concatDeclared);
    expect(d.code).toBe('NN3103');
    expect(spanText(concatDeclared, d)).toBe('[batch, 5*n]');
    expect(d.label).toContain('declared [batch, 5*n], found [batch, 3*n]');
    const fix = d.fixes[0]!;
    const edit = fix.edits[0]!;
    const fixed = concatDeclared.slice(0, edit.span.start) + edit.newText + concatDeclared.slice(edit.span.end);
    expect(errorsOf(fixed)).toEqual([]);
  });

  it('the help names the spatial axis when the channels already agree', () => {
    const d = only(channelsAgree);
    expect(d.label).toContain('axis 1 is 56 on one side and 112 on the other');
    expect(d.help).not.toContain('units or channels');
    expect(d.help).toContain('`up_sampling2d(2)`');
    expect(errorsOf(replaced(channelsAgree, 'x |> max_pooling2d(2)', 'x |> max_pooling2d(2) |> up_sampling2d(2)'))).toEqual([]);
  });

  it('the help names the time axis of sequences', () => {
    const source = `model M {\n  input x: [batch, 10, 4]\n  let y = x |> max_pooling1d(2)\n  output x + y\n}\n`;
    const d = only(source);
    expect(d.help).toContain('the sequences have different lengths (axis 1: 10 against 5)');
    expect(errorsOf(replaced(source, 'output x + y', 'let z = x |> max_pooling1d(2)\n  output z + y'))).toEqual([]);
  });
});

describe('block inputs', () => {
  const square = `block Square {
  input x: [b, s, s, c]
  conv2d(4, 3, padding: same)
}

model M {
  input x: [batch, h, h, 3]
  x |> max_pooling2d(pool_size: [2, 1]) |> Square()
}
`;

  it('a symbol bound to sizes that differ for every h is NN3192 (was accepted)', () => {
    const d = only(square);
    expect(d.code).toBe('NN3192');
    expect(d.message).toContain('found [batch, h/2, h, 3]');
    expect(d.label).toContain('axis 2 is h/2 on one side and h on the other');
    expect(spanText(square, d)).toBe('Square()');
    // The help: change the value passed in, here a square pooling.
    expect(d.help).toContain('the value you pass in');
    expect(errorsOf(replaced(square, 'max_pooling2d(pool_size: [2, 1])', 'max_pooling2d(2)'))).toEqual([]);
  });

  it('a block input that agrees only for some h says which, and declaring h as a multiple fixes it', () => {
    const source = replaced(square, 'x |> max_pooling2d(pool_size: [2, 1]) |> Square()', 'let a = x |> max_pooling2d(pool_size: [4, 2]) |> up_sampling2d(size: [2, 1])\n  a |> Square()');
    const d = only(source);
    expect(d.code).toBe('NN3192');
    expect(d.label).toContain('equal only when `h % 4` is 0 or 1');
    expect(d.help).toContain('write `4*h` in the input type');
    expect(errorsOf(replaced(source, '[batch, h, h, 3]', '[batch, 4*h, 4*h, 3]'))).toEqual([]);
  });
});

describe('no false alarms', () => {
  const clean: Record<string, string> = {
    'symbolic arithmetic': `model M {
  input x: [batch, n]
  let a = concat(x, x)
  let b = concat(a, a)
  let c = concat(x, x, x, x)
  output b + c
  output b: [batch, 4*n]
}
`,
    'pooled twice joined with pooled once then pooled': `model M {
  input x: [batch, h, w, 2]
  let a = x |> max_pooling2d(2) |> max_pooling2d(2)
  let b = x |> max_pooling2d(4)
  output concat(a, b)
}
`,
    'odd sizes with same and stride 2': `model M {
  input x: [batch, 2*n + 1, 2*n + 1, 3]
  let a = x |> conv2d(8, 3, strides: 2, padding: same)
  let b = x |> max_pooling2d(2, padding: same) |> conv2d(8, 1)
  output a + b
}
`,
    'one block used at two shapes': `block Twice(units: int) {
  input x: [b, f]
  let y = x |> dense(units)
  let z = x |> dense(units)
  y + z
}

model M {
  input x: [batch, 5]
  let a = x |> Twice(units: 4)
  let b = a |> Twice(units: 7)
  output b
}
`,
  };
  for (const [name, source] of Object.entries(clean)) {
    it(name, () => expect(errorsOf(source).map((d) => `${d.code} ${d.message} ${d.label ?? ''}`)).toEqual([]));
  }
});
