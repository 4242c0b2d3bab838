// Errors hidden by other errors, or by a block no model reaches (issue 12): every block is checked
// on its own for what does not depend on shapes (names, layers, arguments, its input type), an
// error in one block does not hide another's, and a block's mistake is one diagnostic however
// many times it is used. The fixture test/fixtures/hidden-block-errors.nn shows the rendering.
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';

const codes = (source: string) => compile(source, { emit: false }).diagnostics.map((d) => `${d.code} ${source.slice(d.span.start, d.span.end)}`);

const model = `
model Net {
  input x: [batch, 4]
  dense(2)
}`;

describe('every block is checked', () => {
  it('reports an unknown layer in a block no model uses', () => {
    const source = `
block Separable(filters: int) {
  input x: [b, h, w, c]
  depthwise_conv2d(3)
  conv2d(filters, 1)
}` + model;
    expect(codes(source)).toEqual(['NN2001 depthwise_conv2d']);
  });

  it('reports argument, activation and name mistakes in an unused block, and its input type', () => {
    const source = `
block Head(units: int) {
  input x: [b, n, 0]
  dense(units, unit: 3)
  dense(units, activation: sigmoidd)
  output y
}` + model;
    expect(codes(source)).toEqual(['NN3006 0', 'NN2006 unit', 'NN2008 sigmoidd', 'NN2002 y']);
  });

  it('does not let an error in one block hide the next one', () => {
    const source = `
block First {
  input x: [b, n]
  dense(4, activation: reluu)
}
block Second {
  input x: [b, n]
  dens(4)
}
model Net {
  input x: [batch, 4]
  First
  Second
}`;
    expect(codes(source)).toEqual(['NN2008 reluu', 'NN2001 dens']);
  });

  it("reports a block's mistake once, however many uses and models reach it", () => {
    const source = `
block Bad {
  input x: [b, n]
  dens(4)
}
model A {
  input x: [batch, 4]
  Bad
  Bad
  repeat 3 { Bad }
}
model B {
  input x: [batch, 4]
  Bad
}`;
    expect(codes(source)).toEqual(['NN2001 dens']);
  });

  it('reports a shape mistake of a use once per use, where the use gives the shape', () => {
    const source = `
block Widen {
  input x: [b, 4]
  dense(8)
}
model A {
  input x: [batch, 3]
  Widen
}
model B {
  input x: [batch, 5]
  Widen
}`;
    expect(codes(source)).toEqual(['NN3192 Widen', 'NN3192 Widen']);
  });

  it('judges no parameter without a default by a stand-in value: valid blocks stay clean, used or not', () => {
    const blocks = `
block Everything(units: int, k: int, rate: float, act: activation, flag: bool, pieces: int) {
  input x: [b, h, w, c]
  layer shared = dense(units, activation: act)
  let y = conv2d(units, k, strides: k, use_bias: flag) |> max_pool2d([k, k]) |> dropout(rate)
  y |> flatten |> shared |> maxout(pieces) |> dense(units)
}
block Inner(units: int) {
  input x: [b, n]
  dense(units)
}
block Outer(units: int) {
  input x: [b, n]
  Inner(units)
  Inner(units)
}`;
    expect(codes(blocks + model)).toEqual([]);
    const used = `
model Uses {
  input x: [batch, 8, 8, 3]
  Everything(4, 2, 0.25, relu, true, 2)
  Outer(3)
}`;
    expect(codes(blocks + used)).toEqual([]);
  });

  it("leaves a mistake that depends on a parameter's value to the use that gives it", () => {
    const source = `
block Head(units: int) {
  input x: [b, n]
  dense(units)
}
model A {
  input x: [batch, 4]
  Head(0)
}`;
    const r = compile(source, { emit: false });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.code).toMatch(/^NN3/);
    expect(compile(source.replace('Head(0)', 'Head(3)'), { emit: false }).diagnostics).toEqual([]);
  });
});
