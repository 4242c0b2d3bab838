// Naive reference computations for layer tests: plain loops over nested arrays, written from the
// definitions (Keras' channels-last layout, TensorFlow's `same` padding), independent of tfjs.
export type T2 = number[][];
export type T3 = number[][][];
export type T4 = number[][][][];

/** Output size and leading pad of one axis, as TensorFlow computes them. */
export function axisGeometry(size: number, k: number, stride: number, dilation: number, padding: 'valid' | 'same'): { out: number; padBefore: number } {
  const span = (k - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((size - span) / stride) + 1, padBefore: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + span - size, 0);
  return { out, padBefore: Math.floor(total / 2) };
}

/** x [b][h][w][ci], kernel [kh][kw][ci][co] → [b][oh][ow][co]. */
export function conv2dNaive(x: T4, kernel: T4, bias: number[], stride: [number, number], padding: 'valid' | 'same', dilation: [number, number] = [1, 1]): T4 {
  const [kh, kw] = [kernel.length, kernel[0]!.length];
  const gh = axisGeometry(x[0]!.length, kh, stride[0], dilation[0], padding);
  const gw = axisGeometry(x[0]![0]!.length, kw, stride[1], dilation[1], padding);
  return x.map((img) =>
    Array.from({ length: gh.out }, (_, oi) =>
      Array.from({ length: gw.out }, (_, oj) =>
        bias.map((b, co) => {
          let acc = b;
          for (let a = 0; a < kh; a++) {
            for (let c = 0; c < kw; c++) {
              const i = oi * stride[0] + a * dilation[0] - gh.padBefore;
              const j = oj * stride[1] + c * dilation[1] - gw.padBefore;
              const px = img[i]?.[j];
              if (!px) continue;
              px.forEach((v, ci) => (acc += v * kernel[a]![c]![ci]![co]!));
            }
          }
          return acc;
        }),
      ),
    ),
  );
}

/** x [b][len][ci], kernel [k][ci][co] → [b][out][co] (valid or same, with dilation). */
export function conv1dNaive(x: T3, kernel: T3, bias: number[], stride: number, padding: 'valid' | 'same', dilation = 1): T3 {
  const as2d = conv2dNaive(x.map((s) => [s]), [kernel], bias, [1, stride], padding, [1, dilation]);
  return as2d.map((img) => img[0]!);
}

/** Pooling of x [b][h][w][c] with a window and stride (valid or same; same ignores padded cells). */
export function pool2dNaive(x: T4, kind: 'max' | 'avg', pool: [number, number], stride: [number, number], padding: 'valid' | 'same'): T4 {
  const gh = axisGeometry(x[0]!.length, pool[0], stride[0], 1, padding);
  const gw = axisGeometry(x[0]![0]!.length, pool[1], stride[1], 1, padding);
  return x.map((img) =>
    Array.from({ length: gh.out }, (_, oi) =>
      Array.from({ length: gw.out }, (_, oj) =>
        img[0]![0]!.map((_, ch) => {
          const cells: number[] = [];
          for (let a = 0; a < pool[0]; a++)
            for (let c = 0; c < pool[1]; c++) {
              const v = img[oi * stride[0] + a - gh.padBefore]?.[oj * stride[1] + c - gw.padBefore]?.[ch];
              if (v !== undefined) cells.push(v);
            }
          return kind === 'max' ? Math.max(...cells) : cells.reduce((p, q) => p + q, 0) / cells.length;
        }),
      ),
    ),
  );
}

export function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}

/** Fills nested arrays of `shape` from a flat list, row-major. */
export function nest(values: readonly number[], shape: readonly number[]): unknown {
  if (shape.length === 0) return values[0];
  const [n, ...rest] = shape;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: n! }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}

/** A deterministic pseudo-random list in [-1, 1) (a linear congruential generator), for test inputs. */
export function pseudoRandom(n: number, seed = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

export function expectAllClose(actual: readonly number[], expected: readonly number[], tol = 1e-4): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!)))) return `[${i}] ${actual[i]} vs ${expected[i]}`;
  }
  return undefined;
}
