// FLOPs from the layers' own rules (LayerDef.flops), against counts worked out by hand beside them,
// and the thread choice `nnc train` makes from them. The convention (layers/types.ts, LayerFlops):
// a multiply-add of a product is 2 FLOPs; a layer without products counts one op per value it
// computes (a pooling one per window cell, a normalisation 2: scale and shift); biases and
// activations on a product are not counted; training is 3× forward for products, 2× otherwise.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { compile } from '../compiler/compile.js';
import { layerFlops, modelFlopsPerExample, modelTrainingFlopsPerExample, wasmThreadsFor } from '../compiler/cost.js';
import type { ModelIR } from '../compiler/ir.js';

function model(source: string): ModelIR {
  const result = compile(source, { emit: false });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.program!.models[0]!;
}

const one = (input: string, body: string) => model(`model M {\n  input x: ${input}\n  ${body}\n}\n`);

describe('FLOPs per example', () => {
  it('lstm(64) over 50 steps of 8 features: every step, 4 gates of input and recurrent kernels', () => {
    const m = one('[batch, 50, 8]', 'lstm(64)');
    // steps × gates × (features·units + units·units) multiply-adds × 2
    const forward = 50 * 4 * (8 * 64 + 64 * 64) * 2; // 50 × 4 × 4,608 × 2 = 1,843,200
    expect(forward).toBe(1_843_200);
    expect(modelFlopsPerExample(m)).toBe(forward);
    expect(modelTrainingFlopsPerExample(m)).toBe(3 * forward);
  });

  it('a bidirectional gru counts both directions; a simple_rnn one gate', () => {
    expect(modelFlopsPerExample(one('[batch, 10, 3]', 'gru(5, bidirectional: true)'))).toBe(2 * 10 * 3 * (3 * 5 + 5 * 5) * 2);
    expect(modelFlopsPerExample(one('[batch, 10, 3]', 'simple_rnn(5)'))).toBe(10 * 1 * (3 * 5 + 5 * 5) * 2);
  });

  it('the TinyResNet of examples/resnet.nn', () => {
    const source = readFileSync(fileURLToPath(new URL('../examples/resnet.nn', import.meta.url)), 'utf8');
    const m = model(source);
    const conv = (positions: number, k: number, inC: number, filters: number) => positions * k * k * inC * filters * 2;
    // [32, 32, 3] → conv2d(16, 3, same): 1,024 positions × 3·3·3·16 × 2
    const stem = conv(32 * 32, 3, 3, 16); // 884,736
    // Residual(16) on [32, 32, 16]: two 3×3 convs, two batch norms (2 per value: scale and shift),
    // relu(), the add and the last relu (1 per value each)
    const values16 = 32 * 32 * 16; // 16,384
    const residual16 = 2 * conv(32 * 32, 3, 16, 16) + 2 * 2 * values16 + 3 * values16; // 9,551,872
    // max_pool2d(2): 16·16·16 outputs, 4 cells each
    const pool = 16 * 16 * 16 * 4; // 16,384
    const middle = conv(16 * 16, 3, 16, 32); // 2,359,296
    const values32 = 16 * 16 * 32; // 8,192
    const residual32 = 2 * conv(16 * 16, 3, 32, 32) + 2 * 2 * values32 + 3 * values32; // 9,494,528
    // global_avg_pool2d: one add per input value; dense(10): 32·10 multiply-adds
    const head = values32 + 32 * 10 * 2; // 8,832
    const forward = stem + 3 * residual16 + pool + middle + 2 * residual32 + head;
    expect(forward).toBe(50_913_920);
    expect(modelFlopsPerExample(m)).toBe(forward);
    // Training: products ×3, the element-wise rest ×2.
    const products = stem + 3 * 2 * conv(32 * 32, 3, 16, 16) + middle + 2 * 2 * conv(16 * 16, 3, 32, 32) + 32 * 10 * 2;
    expect(modelTrainingFlopsPerExample(m)).toBe(3 * products + 2 * (forward - products));
    // Well above the threshold: nnc train gives it two wasm threads (it had 1: its count was unknown).
    expect(wasmThreadsFor(m)).toBe(2);
  });

  it('convolutions: dilated (taps, not span), transposed (per input position), 1-D and 3-D', () => {
    // [9, 9, 2] → conv2d(4, 3, dilation 2, valid): 5×5 outputs × 3·3·2·4
    expect(modelFlopsPerExample(one('[batch, 9, 9, 2]', 'conv2d(4, 3, dilation_rate: 2)'))).toBe(5 * 5 * 3 * 3 * 2 * 4 * 2);
    // [4, 4, 3] → conv2d_transpose(2, 3, strides: 2): each of 4·4 input cells through 3·3·3·2
    expect(modelFlopsPerExample(one('[batch, 4, 4, 3]', 'conv2d_transpose(2, 3, strides: 2, padding: same)'))).toBe(4 * 4 * 3 * 3 * 3 * 2 * 2);
    expect(modelFlopsPerExample(one('[batch, 10, 2]', 'conv1d(3, 4)'))).toBe(7 * 4 * 2 * 3 * 2);
    expect(modelFlopsPerExample(one('[batch, 4, 4, 4, 1]', 'conv3d(2, 3, padding: same)'))).toBe(4 * 4 * 4 * 27 * 1 * 2 * 2);
  });

  it('attention and transformer blocks: projections, scores and weighted values', () => {
    // t = 6 steps, d = 8, heads·key_dim = 2·4 = 8: Q, K, V and output projections 4·t·d·hk,
    // scores and weighted values 2·t·t·hk
    expect(modelFlopsPerExample(one('[batch, 6, 8]', 'multi_head_attention(2, key_dim: 4)'))).toBe((4 * 6 * 8 * 8 + 2 * 6 * 6 * 8) * 2);
    // The same attention (key_dim = d / heads) and the feed-forward network 2·t·d·ff
    expect(modelFlopsPerExample(one('[batch, 6, 8]', 'transformer_encoder(2, 16)'))).toBe((4 * 6 * 8 * 8 + 2 * 6 * 6 * 8 + 2 * 6 * 8 * 16) * 2);
    // Queries of 4 steps (width 8) over a memory of 6 steps (width 6), hk = 8
    const cross = model('model C {\n  input a: [batch, 4, 8]\n  input b: [batch, 6, 6]\n  output cross_attention(2, a, b)\n}\n');
    expect(modelFlopsPerExample(cross)).toBe((4 * 8 * 8 + 2 * 6 * 6 * 8 + 2 * 4 * 6 * 8 + 4 * 8 * 8) * 2);
  });

  it('dense on a sequence repeats at every step; symbolic sizes leave the count unknown', () => {
    expect(modelFlopsPerExample(one('[batch, 7, 5]', 'dense(3)'))).toBe(7 * 5 * 3 * 2);
    const symbolic = one('[batch, steps, 5]', 'dense(3)');
    expect(layerFlops(symbolic.nodes[0]!)).toBeUndefined();
    expect(modelFlopsPerExample(symbolic)).toBeUndefined();
    expect(wasmThreadsFor(symbolic)).toBe(1);
  });

  it('layers that only move values count nothing; dropout only in training', () => {
    const m = one('[batch, 4, 6]', 'flatten()\n  reshape([6, 4])\n  dropout(0.5)');
    expect(m.nodes.map((n) => layerFlops(n))).toEqual([{ forward: 0, training: 0 }, { forward: 0, training: 0 }, { forward: 0, training: 2 * 24 }]);
  });
});
