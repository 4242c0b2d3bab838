// Dimension arithmetic: canonical forms, symbolic comparison, and the sizes conv and pool rules
// produce over symbols.
import { describe, expect, it } from 'vitest';
import { addDims, ceilDivDim, compareDims, constDim, dimEquals, floorDivDim, mulDims, productOfDims, showDim, subDims, symDim, symbolicMismatch, unknownDim } from '../compiler/shapes/dim.js';
import { windowOutput } from '../compiler/layers/spatial.js';

const h = symDim('h');
const w = symDim('w');
const n = symDim('n');
const c = constDim;

describe('dimension arithmetic', () => {
  it('simplifies to a canonical form and prints it readably', () => {
    expect(showDim(addDims(mulDims(c(2), n), c(1)))).toBe('2*n + 1');
    expect(showDim(addDims(c(1), mulDims(n, c(2))))).toBe('2*n + 1');
    expect(showDim(subDims(addDims(h, c(3)), c(3)))).toEqual('h');
    expect(subDims(addDims(h, c(3)), c(3))).toEqual(h);
    expect(showDim(productOfDims([h, w, c(3)]))).toBe('3*h*w');
    expect(showDim(floorDivDim(h, 2))).toBe('h/2');
    expect(showDim(ceilDivDim(h, 2))).toBe('(h + 1)/2');
    expect(showDim(floorDivDim(subDims(mulDims(c(2), n), c(1)), 4))).toBe('(2*n - 1)/4');
    expect(showDim(subDims(floorDivDim(h, 2), c(1)))).toBe('h/2 - 1');
    expect(showDim(mulDims(c(3), floorDivDim(h, 2)))).toBe('3*(h/2)');
  });

  it('pulls exact parts out of a floor and merges nested floors', () => {
    // floor((2n + h)/2) = n + floor(h/2); floor((h - 2)/2) + 1 = floor(h/2); floor(floor(h/2)/2) = floor(h/4).
    expect(compareDims(floorDivDim(addDims(mulDims(c(2), n), h), 2), addDims(n, floorDivDim(h, 2))).result).toBe('equal');
    expect(compareDims(addDims(floorDivDim(subDims(h, c(2)), 2), c(1)), floorDivDim(h, 2)).result).toBe('equal');
    expect(compareDims(floorDivDim(floorDivDim(h, 2), 2), floorDivDim(h, 4)).result).toBe('equal');
    expect(floorDivDim(mulDims(c(4), h), 2)).toEqual(mulDims(c(2), h));
    expect(floorDivDim(c(7), 2)).toEqual(c(3));
    expect(ceilDivDim(c(7), 2)).toEqual(c(4));
  });

  it('compares symbolically: equal, different, depends on a symbol, unknown', () => {
    expect(compareDims(mulDims(addDims(h, c(1)), c(2)), addDims(mulDims(c(2), h), c(2))).result).toBe('equal');
    expect(compareDims(addDims(n, c(1)), n).result).toBe('different');
    expect(compareDims(h, floorDivDim(h, 2))).toEqual({ result: 'depends', symbols: ['h'] });
    expect(compareDims(h, unknownDim).result).toBe('unknown');
    // A bare symbol may stand for any size: undecided, and not a declared-shape mismatch.
    expect(dimEquals(n, c(4))).toBeUndefined();
    expect(symbolicMismatch(n, c(4))).toBeUndefined();
    expect(symbolicMismatch(h, w)).toBeUndefined();
    expect(symbolicMismatch(h, floorDivDim(h, 2))).toEqual(['h']);
    expect(dimEquals(c(3), c(3))).toBe(true);
    expect(dimEquals(c(3), c(4))).toBe(false);
  });

  it('computes conv and pool output sizes as Keras does, for numbers and symbols', () => {
    // valid: floor((size - (k-1)·d - 1)/s) + 1; same: ceil(size/s).
    expect(windowOutput(c(28), 3, 1, 1, 'valid')).toEqual(c(26));
    expect(windowOutput(c(26), 2, 2, 1, 'valid')).toEqual(c(13));
    expect(windowOutput(c(11), 2, 2, 1, 'valid')).toEqual(c(5));
    expect(windowOutput(c(7), 3, 2, 1, 'same')).toEqual(c(4));
    expect(windowOutput(c(9), 3, 1, 2, 'valid')).toEqual(c(5));
    expect(windowOutput(h, 3, 1, 1, 'same')).toEqual(h);
    expect(showDim(windowOutput(h, 2, 2, 1, 'valid'))).toBe('h/2');
    expect(showDim(windowOutput(h, 3, 1, 1, 'valid'))).toBe('h - 2');
    expect(showDim(windowOutput(h, 3, 2, 1, 'valid'))).toBe('(h - 1)/2') // floor((h - 3)/2) + 1;
  });
});
