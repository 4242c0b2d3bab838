// The wasm thread count `nnc train` picks from the work per example, and its `--threads` option.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { modelFlopsPerExample, wasmThreadsFor } from '../compiler/cost.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'nnc-threads-'));

function nnc(...args: string[]) {
  const r = spawnSync(process.execPath, [`${root}bin/nnc.js`, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const model = (source: string) => compile(source).program.models[0]!;

describe('wasm threads', () => {
  it('the compiler gives two threads to convolutional work and one to a small MLP', () => {
    const mlp = model('model M { input x: [batch, 784]\n dense(128, activation: relu)\n dense(10, activation: softmax) }');
    expect(modelFlopsPerExample(mlp)).toBe(2 * (784 * 128 + 128 * 10));
    expect(wasmThreadsFor(mlp)).toBe(1);
    const convnet = model(readFileSync(`${root}examples/mnist-convnet.nn`, 'utf8'));
    expect(modelFlopsPerExample(convnet)).toBeGreaterThan(4e6);
    expect(wasmThreadsFor(convnet)).toBe(2);
    // Unknown work (symbolic image size) keeps one thread.
    expect(wasmThreadsFor(model('model S { input x: [batch, h, w, 1]\n conv2d(64, 3, padding: same) }'))).toBe(1);
  });

  it('nnc train uses them on wasm unless told otherwise', () => {
    const rows = [0, 1, 2, 3].map((r) => Array.from({ length: 256 }, (_, i) => ((r * 31 + i * 17) % 100) / 100).join(', ') + ` -> ${r % 2}`);
    const source = `model Conv {
  input x: [batch, 256]
  reshape([16, 16, 1])
  conv2d(16, 3, activation: relu)
  conv2d(64, 3, activation: relu)
  global_average_pooling2d()
  dense(1, activation: sigmoid)
}
data d = table {
  ${Array.from({ length: 256 }, (_, i) => `p${i}`).join(', ')} -> y
  ${rows.join('\n  ')}
}
train Conv on d { loss: binary_crossentropy  batch: full  epochs: 2 }
`;
    writeFileSync(join(work, 'conv.nn'), source);
    const auto = nnc('train', 'conv.nn', '--quiet', '--out', 'auto');
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stdout).toContain(availableParallelism() >= 2 ? '(4 samples, 2 epochs, batch full, wasm, 2 threads)' : 'batch full, wasm)');
    expect(auto.stdout).toMatch(/Conv: loss \d/);
    const one = nnc('train', 'conv.nn', '--quiet', '--out', 'one', '--threads', '1');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('batch full, wasm)');
    for (const bad of [['--threads', '0'], ['--threads', 'many'], ['--threads', '2', '--backend', 'cpu']]) {
      const r = nnc('train', 'conv.nn', ...bad);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: --threads /);
    }
  });
});
