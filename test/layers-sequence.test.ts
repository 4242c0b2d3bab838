// Sequence layers (embedding, one_hot, maxout, simple_rnn, lstm, gru, attention, positional
// encoding, transformer blocks) through compiled models, against naive loops written from the
// Keras definitions, on cpu and wasm.
import { afterAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';
import { expectAllClose, flat, nest, pseudoRandom } from './helpers/reference.js';

type M = number[][];

async function run(source: string, x: unknown, seed = 5): Promise<{ y: unknown; shape: number[]; w: Record<string, number[]> }> {
  const mod = await loadModel(source);
  const model = new mod[/model (\w+)/.exec(source)![1]!]({ seed });
  const out = model.predict(x) as tf.Tensor;
  const result = { y: out.arraySync(), shape: out.shape, w: {} as Record<string, number[]> };
  out.dispose();
  for (const v of model.weights() as { name: string; variable: tf.Variable }[]) result.w[v.name] = Array.from(v.variable.dataSync());
  model.dispose();
  return result;
}

function close(actual: unknown, expected: unknown, tol = 1e-4): void {
  expect(expectAllClose(flat(actual), flat(expected), tol)).toBeUndefined();
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const matrix = (values: number[], cols: number): M => nest(values, [values.length / cols, cols]) as M;
const vecMat = (v: number[], m: M): number[] => m[0]!.map((_, j) => v.reduce((acc, x, i) => acc + x * m[i]![j]!, 0));
const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]!);

/** Keras LSTM for one sequence (gates i, f, c, o). */
function lstmRef(seq: M, k: M, rk: M, b: number[], units: number): M {
  let h = Array<number>(units).fill(0);
  let c = Array<number>(units).fill(0);
  return seq.map((x) => {
    const z = add(add(vecMat(x, k), vecMat(h, rk)), b);
    const g = (i: number) => z.slice(i * units, (i + 1) * units);
    c = c.map((cv, j) => sig(g(1)[j]!) * cv + sig(g(0)[j]!) * Math.tanh(g(2)[j]!));
    h = c.map((cv, j) => sig(g(3)[j]!) * Math.tanh(cv));
    return h;
  });
}

/** Keras GRU with reset_after (gates z, r, h; bias rows input and recurrent). */
function gruRef(seq: M, k: M, rk: M, b: M, units: number): M {
  let h = Array<number>(units).fill(0);
  return seq.map((x) => {
    const xw = add(vecMat(x, k), b[0]!);
    const hu = add(vecMat(h, rk), b[1]!);
    const part = (v: number[], i: number) => v.slice(i * units, (i + 1) * units);
    const z = part(xw, 0).map((v, j) => sig(v + part(hu, 0)[j]!));
    const r = part(xw, 1).map((v, j) => sig(v + part(hu, 1)[j]!));
    const cand = part(xw, 2).map((v, j) => Math.tanh(v + r[j]! * part(hu, 2)[j]!));
    h = h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * cand[j]!);
    return h;
  });
}

function softmax(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Keras MultiHeadAttention(heads, key_dim) as self-attention on one sequence [steps][d]. */
function attentionRef(seq: M, w: Record<string, number[]>, prefix: string, heads: number, kd: number, causal: boolean): M {
  const d = seq[0]!.length;
  const proj = (name: string) => seq.map((x) => add(vecMat(x, matrix(w[`${prefix}/${name}_kernel`]!, heads * kd)), w[`${prefix}/${name}_bias`]!));
  const [q, k, v] = [proj('query'), proj('key'), proj('value')];
  const merged = seq.map((_, t) =>
    Array.from({ length: heads }, (_, h) => {
      const slice = (m: M, s: number) => m[s]!.slice(h * kd, (h + 1) * kd);
      const scores = seq.map((_, s) => (causal && s > t ? -1e9 : slice(q, t).reduce((a, x, i) => a + x * slice(k, s)[i]!, 0) / Math.sqrt(kd)));
      const p = softmax(scores);
      return Array.from({ length: kd }, (_, i) => p.reduce((a, ps, s) => a + ps * slice(v, s)[i]!, 0));
    }).flat(),
  );
  return merged.map((m) => add(vecMat(m, matrix(w[`${prefix}/output_kernel`]!, d)), w[`${prefix}/output_bias`]!));
}

function layerNormRef(row: number[], eps: number): number[] {
  const mean = row.reduce((a, b) => a + b, 0) / row.length;
  const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
  return row.map((v) => (v - mean) / Math.sqrt(variance + eps));
}

describe.each(['cpu', 'wasm'] as const)('sequence layers on %s', (backend) => {
  it('embedding looks up rows and one_hot encodes DNA', async () => {
    await useBackend(backend);
    const ids = [[0, 3, 1, 3], [2, 2, 0, 1]];
    const e = await run('model E { input x: [batch, 4]\n embedding(5, 3) }', ids);
    expect(e.shape).toEqual([2, 4, 3]);
    const table = matrix(e.w['embedding/embeddings']!, 3);
    for (const v of e.w['embedding/embeddings']!) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
    close(e.y, ids.map((row) => row.map((i) => table[i])));
    const dna = [[...'TACAGATCGGAA'].map((b) => 'ACGT'.indexOf(b))];
    const o = await run('model O { input x: [batch, 12]\n one_hot(4) }', dna);
    expect(o.y).toEqual([dna[0]!.map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)))]);
  });

  it('maxout keeps the maximum of each group of the last axis', async () => {
    await useBackend(backend);
    const r = await run('model X { input x: [batch, 6]\n maxout(2) }', [[1, 5, 2, -1, 0, -3], [0, 0, 9, 4, 8, 7]]);
    expect(r.y).toEqual([[5, 0], [9, 8]]);
  });

  it('simple_rnn, lstm and gru (last state and full sequence) match naive loops', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(2 * 4 * 3, 31), [2, 4, 3]) as M[];
    const rnn = await run('model R { input x: [batch, 4, 3]\n simple_rnn(5, return_sequences: true) }', x);
    close(rnn.y, x.map((seq) => {
      let h = Array<number>(5).fill(0);
      return seq.map((xt) => (h = add(add(vecMat(xt, matrix(rnn.w['simple_rnn/kernel']!, 5)), vecMat(h, matrix(rnn.w['simple_rnn/recurrent_kernel']!, 5))), rnn.w['simple_rnn/bias']!).map(Math.tanh)));
    }));
    const l = await run('model L { input x: [batch, 4, 3]\n lstm(5) }', x, 9);
    expect(l.shape).toEqual([2, 5]);
    expect(l.w['lstm/bias']!.slice(0, 10)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]); // Keras' unit_forget_bias
    close(l.y, x.map((seq) => lstmRef(seq, matrix(l.w['lstm/kernel']!, 20), matrix(l.w['lstm/recurrent_kernel']!, 20), l.w['lstm/bias']!, 5).at(-1)));
    const g = await run('model G { input x: [batch, 4, 3]\n gru(4, return_sequences: true) }', x, 3);
    expect(g.shape).toEqual([2, 4, 4]);
    close(g.y, x.map((seq) => gruRef(seq, matrix(g.w['gru/kernel']!, 12), matrix(g.w['gru/recurrent_kernel']!, 12), matrix(g.w['gru/bias']!, 12), 4)));
  });

  it('a bidirectional lstm concatenates a forward and a backward pass aligned in time', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(1 * 3 * 2, 17), [1, 3, 2]) as M[];
    const r = await run('model B { input x: [batch, 3, 2]\n lstm(2, bidirectional: true, return_sequences: true) }', x);
    expect(r.shape).toEqual([1, 3, 4]);
    const w = (n: string) => matrix(r.w[`bidirectional/${n}`]!, 8);
    const fwd = lstmRef(x[0]!, w('forward_kernel'), w('forward_recurrent_kernel'), r.w['bidirectional/forward_bias']!, 2);
    const bwd = lstmRef([...x[0]!].reverse(), w('backward_kernel'), w('backward_recurrent_kernel'), r.w['bidirectional/backward_bias']!, 2).reverse();
    close(r.y, [fwd.map((f, t) => [...f, ...bwd[t]!])]);
  });

  it('multi-head self-attention, plain and causal, matches a naive loop', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(2 * 3 * 4, 41), [2, 3, 4]) as M[];
    for (const causal of [false, true]) {
      const r = await run(`model A { input x: [batch, 3, 4]\n multi_head_attention(2, causal: ${causal}) }`, x, 13);
      expect(r.shape).toEqual([2, 3, 4]);
      close(r.y, x.map((seq) => attentionRef(seq, r.w, 'multi_head_attention', 2, 2, causal)));
    }
  });

  it('cross-attention of a query sequence over a memory of another length and width matches a naive loop', async () => {
    await useBackend(backend);
    const q = nest(pseudoRandom(2 * 3 * 4, 71), [2, 3, 4]) as M[];
    const m = nest(pseudoRandom(2 * 5 * 6, 72), [2, 5, 6]) as M[];
    const mod = await loadModel('model X {\n input q: [batch, 3, 4]\n input memory: [batch, 5, 6]\n cross_attention(2, memory)\n}');
    const model = new mod['X']({ seed: 4 });
    const outputs = model.predict({ q, memory: m }) as Record<string, tf.Tensor>;
    const y = Object.values(outputs)[0]!;
    expect(y.shape).toEqual([2, 3, 4]);
    const w: Record<string, number[]> = {};
    for (const v of model.weights() as { name: string; variable: tf.Variable }[]) w[v.name] = Array.from(v.variable.dataSync());
    // Keys and values project the memory (width 6), queries and the output the query (width 4).
    const expected = q.map((seq, b) => {
      const proj = (rows: M, name: string) => rows.map((x) => add(vecMat(x, matrix(w[`cross_attention/${name}_kernel`]!, 4)), w[`cross_attention/${name}_bias`]!));
      const [qq, kk, vv] = [proj(seq, 'query'), proj(m[b]!, 'key'), proj(m[b]!, 'value')];
      const merged = seq.map((_, t) =>
        [0, 1].flatMap((h) => {
          const part = (rows: M, s: number) => rows[s]!.slice(h * 2, h * 2 + 2);
          const p = softmax(m[b]!.map((_, s) => part(qq, t).reduce((a, x, i) => a + x * part(kk, s)[i]!, 0) / Math.sqrt(2)));
          return [0, 1].map((i) => p.reduce((a, ps, s) => a + ps * part(vv, s)[i]!, 0));
        }),
      );
      return merged.map((row) => add(vecMat(row, matrix(w['cross_attention/output_kernel']!, 4)), w['cross_attention/output_bias']!));
    });
    close(y.arraySync(), expected);
    for (const t of Object.values(outputs)) t.dispose();
    model.dispose();
  });

  it('positional encodings add sines and cosines, or learned rows', async () => {
    await useBackend(backend);
    const x = [[[0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]]];
    const s = await run('model P { input x: [batch, 3, 4]\n positional_encoding() }', x);
    const pe = (t: number, i: number) => (i % 2 === 0 ? Math.sin : Math.cos)(t / Math.pow(10000, (2 * Math.floor(i / 2)) / 4));
    close(s.y, [x[0]!.map((row, t) => row.map((v, i) => v + pe(t, i)))]);
    const l = await run('model P { input x: [batch, 3, 4]\n positional_encoding(learned, max_length: 5) }', x);
    const table = matrix(l.w['positional_encoding/embeddings']!, 4);
    close(l.y, [x[0]!.map((row, t) => row.map((v, i) => v + table[t]![i]!))]);
  });

  it('a transformer encoder block matches attention, add & norm, relu FFN, add & norm', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(1 * 3 * 4, 51), [1, 3, 4]) as M[];
    const r = await run('model T { input x: [batch, 3, 4]\n transformer_encoder(2, 6) }', x, 2);
    const p = 'transformer_encoder';
    const att = attentionRef(x[0]!, r.w, p, 2, 2, false);
    const x1 = x[0]!.map((row, t) => layerNormRef(add(row, att[t]!), 1e-5)); // gamma 1, beta 0 initially
    const ffn = x1.map((row) => add(vecMat(add(vecMat(row, matrix(r.w[`${p}/ffn_kernel1`]!, 6)), r.w[`${p}/ffn_bias1`]!).map((v) => Math.max(0, v)), matrix(r.w[`${p}/ffn_kernel2`]!, 4)), r.w[`${p}/ffn_bias2`]!));
    close(r.y, [x1.map((row, t) => layerNormRef(add(row, ffn[t]!), 1e-5))], 2e-4);
  });

  it('a transformer decoder block is causal: a later step does not change earlier outputs', async () => {
    await useBackend(backend);
    const a = nest(pseudoRandom(12, 61), [1, 3, 4]) as M[];
    const b = [[a[0]![0]!, a[0]![1]!, [9, -9, 9, -9]]];
    const src = 'model D { input x: [batch, 3, 4]\n transformer_decoder(2, 8) }';
    const ya = (await run(src, a)).y as M[];
    const yb = (await run(src, b)).y as M[];
    close(ya[0]!.slice(0, 2), yb[0]!.slice(0, 2));
    expect(Math.abs(ya[0]![2]![0]! - yb[0]![2]![0]!)).toBeGreaterThan(1e-3);
  });
});

describe('sequence layers across backends', () => {
  afterAll(() => useBackend('cpu'));

  it('an embedding + gru + attention stack gives the same outputs on cpu and wasm within 1e-4', async () => {
    const src = `model S {
      input x: [batch, 6]
      embedding(7, 8)
      positional_encoding()
      transformer_encoder(2, 16)
      gru(4, return_sequences: true, bidirectional: true)
      lstm(3)
      dense(2, activation: softmax)
    }`;
    const x = Array.from({ length: 3 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i * 5 + j * 3) % 7));
    await useBackend('cpu');
    const cpu = await run(src, x);
    await useBackend('wasm');
    const wasm = await run(src, x);
    expect(cpu.shape).toEqual([3, 2]);
    close(wasm.y, cpu.y, 1e-4);
  });
});
