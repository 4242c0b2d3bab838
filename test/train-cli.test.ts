// `nnc train` with data sets, validation and its run folder: metrics.json, curves.svg,
// confusion.svg, weights and the training state. Real processes on the built CLI (dist/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'nnc-train-'));

function nnc(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`${root}bin/nnc.js`, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface MetricsJson {
  epochs: Array<Record<string, number>>;
  history: Record<string, number[]>;
  final: Record<string, number>;
  confusion_matrix?: number[][];
  gradients?: string;
}

const readMetrics = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as MetricsJson;

describe('nnc train with data sets', () => {
  it('examples/iris.nn reaches val_accuracy >= 0.93 with --seed 1 and writes the run folder', () => {
    const out = nnc('train', `${root}examples/iris.nn`, '--seed', '1', '--out', 'iris-run', '--quiet');
    expect(out.code, out.stderr).toBe(0);
    const dir = join(work, 'iris-run');
    const metrics = readMetrics(dir);
    expect(metrics.final['val_accuracy']).toBeGreaterThanOrEqual(0.93);
    expect(Object.keys(metrics.epochs[0]!)).toEqual(['epoch', 'loss', 'accuracy', 'precision', 'recall', 'f1', 'val_loss', 'val_accuracy', 'val_precision', 'val_recall', 'val_f1']);
    expect(metrics.history['val_loss']).toHaveLength(metrics.epochs.length);
    // 30 held-out flowers, counted by true × predicted species.
    expect(metrics.confusion_matrix!.flat().reduce((a, b) => a + b, 0)).toBe(30);
    const curves = readFileSync(join(dir, 'curves.svg'), 'utf8');
    expect(curves).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(curves.match(/<polyline/g)?.length).toBe(10); // 5 panels, training and val_ each
    expect(readFileSync(join(dir, 'confusion.svg'), 'utf8').match(/<rect x=/g)?.length).toBe(9);
    for (const f of ['weights.json', 'weights.bin', 'state/latest.json']) expect(existsSync(join(dir, f)), f).toBe(true);
  });

  it('--tape trains through tfjs autodiff to the same losses as the derived backward pass', () => {
    const derived = nnc('train', `${root}examples/iris.nn`, '--seed', '1', '--out', 'iris-derived', '--quiet');
    const tape = nnc('train', `${root}examples/iris.nn`, '--seed', '1', '--out', 'iris-tape', '--quiet', '--tape');
    expect([derived.code, tape.code], tape.stderr).toEqual([0, 0]);
    const [a, b] = [readMetrics(join(work, 'iris-derived')), readMetrics(join(work, 'iris-tape'))];
    expect([a.gradients, b.gradients]).toEqual(['derived', 'tape']);
    expect(b.history['loss']).toHaveLength(a.history['loss']!.length);
    a.history['loss']!.forEach((loss, i) => expect(Math.abs(loss - b.history['loss']![i]!)).toBeLessThan(1e-4));
    expect(Math.abs(a.final['val_accuracy']! - b.final['val_accuracy']!)).toBeLessThan(1e-9);
  });

  it('the autoencoder learns to reproduce its input: the reconstruction loss falls', () => {
    const out = nnc('train', `${root}examples/autoencoder.nn`, '--quiet');
    expect(out.code, out.stderr).toBe(0);
    // No --out: the run goes to runs/<file name>/.
    const loss = readMetrics(join(work, 'runs', 'autoencoder')).history['loss']!;
    expect(loss.at(-1)!).toBeLessThan(loss[0]! / 5);
  });

  it('a CSV file is checked before training: a short row names the line, a missing file is NN4014', () => {
    const program = (file: string) => `model M {\n  input x: [batch, 2]\n  dense(1)\n}\ndata d = csv("${file}", features: [a, b], labels: [y])\ntrain M on d { loss: mse }\n`;
    writeFileSync(join(work, 'short.csv'), 'a,b,y\n1,2,3\n4,5\n');
    writeFileSync(join(work, 'short.nn'), program('short.csv'));
    const short = nnc('train', 'short.nn', '--quiet');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('error[NN4016]: line 3 of short.csv has 2 columns but the header has 3');
    expect(short.stderr).toContain('--> short.nn:5:14');
    writeFileSync(join(work, 'gone.nn'), program('gone.csv'));
    const gone = nnc('train', 'gone.nn', '--quiet');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('error[NN4014]: the file `gone.csv` does not exist');
    expect(short.stderr + gone.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('trains from a CSV file next to the .nn file, and --resume of a finished run only re-measures it', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i / 10},${(2 * i) / 10 + 1}`).join('\n');
    writeFileSync(join(work, 'line.csv'), `x,y\n${rows}\n`);
    writeFileSync(join(work, 'line.nn'), 'model L {\n  input x: [batch, 1]\n  dense(1)\n}\ndata d = csv("line.csv", features: [x], labels: [y])\ntrain L on d {\n  loss: mse\n  optimizer: sgd(lr: 0.1)\n  epochs: 40\n  metrics: r2\n  seed: 2\n}\n');
    const first = nnc('train', 'line.nn', '--quiet', '--out', 'line-run');
    expect(first.code, first.stderr).toBe(0);
    expect(readMetrics(join(work, 'line-run')).final['r2']).toBeGreaterThan(0.95);
    const again = nnc('train', 'line.nn', '--quiet', '--resume', 'line-run');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('resuming from');
    expect(readMetrics(join(work, 'line-run')).epochs).toHaveLength(40);
  });
});
