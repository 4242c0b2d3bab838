// Our own PRNG, so that weights and shuffles depend only on the seed: not on the backend, not on
// tfjs's seeded ops (where seed 0 silently means "no seed"), and not on Math.random.
//
// xoshiro128** with its 128-bit state filled from the seed by splitmix32. The large state means
// the streams of two derived seeds never overlap in practice, which a 32-bit-state generator such
// as mulberry32 cannot promise for big weight tensors.

export interface Rng {
  /** A float in [0, 1) with 32 random bits. */
  next(): number;
  /** A uint32. */
  nextUint32(): number;
}

/** Accepts any finite number (0 and negatives included) and folds it to a uint32. */
export function normalizeSeed(seed: number): number {
  if (!Number.isFinite(seed)) {
    throw new RangeError(`A seed must be a finite number, got ${seed}.`);
  }
  const whole = Math.trunc(seed);
  // int32 and uint32 seeds map as `>>> 0` does; only larger magnitudes need their high bits mixed in.
  if (whole >= -2147483648 && whole <= 4294967295) return whole >>> 0;
  const high = Math.floor(whole / 4294967296) >>> 0;
  return ((whole >>> 0) ^ fmix32(high)) >>> 0;
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let a = state | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

/** The bare xoshiro128** generator from a full 128-bit state (exported for its reference test). */
export function xoshiro128ss(state: readonly [number, number, number, number]): () => number {
  let [s0, s1, s2, s3] = state;
  // xoshiro's one forbidden state; seeding by splitmix32 practically never yields it.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  return () => {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };
}

export function createRng(seed: number): Rng {
  const init = splitmix32(normalizeSeed(seed));
  const nextUint32 = xoshiro128ss([init(), init(), init(), init()]);
  return { nextUint32, next: () => nextUint32() / 4294967296 };
}

/**
 * A seed for one named consumer (a weight such as `dense_1/kernel`, or `shuffle`), so each gets
 * an independent stream and adding a layer does not change the values of the others.
 */
export function deriveSeed(seed: number, key: string): number {
  let h = fmix32(normalizeSeed(seed) ^ 0x9e3779b9);
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x01000193); // FNV-1a step
  }
  return fmix32(h ^ key.length);
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function shuffledIndices(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    // Multiplying a 32-bit uniform keeps the bias below 2^-32 * n, far under anything observable.
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
