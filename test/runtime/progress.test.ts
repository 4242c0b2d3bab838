import { Writable } from 'node:stream';

import { beforeAll, describe, expect, it } from 'vitest';

import { createProgress, fit, formatEpochLine, formatNumber, logEvery, useBackend, type ProgressMode } from '../../runtime/index.js';
import { TinyDense, linearData } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

function sink(isTTY: boolean): Writable & { text(): string; isTTY: boolean } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { text(): string; isTTY: boolean };
  stream.isTTY = isTTY;
  stream.text = () => chunks.join('');
  return stream;
}

async function train(mode: ProgressMode, isTTY: boolean): Promise<string> {
  const stream = sink(isTTY);
  const model = new TinyDense(1, 1);
  await fit(model, linearData(4), { loss: 'mse', optimizer: { name: 'sgd', lr: 0.1 }, batch: 'full', epochs: 12, metrics: ['mae'], shuffle: false }, { progress: mode, stream });
  model.dispose();
  return stream.text();
}

describe('progress', () => {
  it('formats one line per epoch with the epoch padded to the total', () => {
    expect(formatEpochLine({ epoch: 12, epochs: 500, logs: { loss: 0.693147, accuracy: 0.5 } })).toBe(
      'epoch  12/500  loss 0.6931  accuracy 0.5000',
    );
    expect(formatEpochLine({ epoch: 3, epochs: 3, logs: { accuracy: 1, loss: 2 } })).toBe('epoch 3/3  loss 2.0000  accuracy 1.0000');
    expect(formatNumber(0.00001234)).toBe('1.23e-5');
    expect(formatNumber(0)).toBe('0.0000');
  });

  it('prints one line per epoch when the stream is not a terminal and the run is short', async () => {
    for (const mode of ['auto', 'lines'] as const) {
      const lines = (await train(mode, false)).trimEnd().split('\n');
      expect(lines).toHaveLength(12);
      expect(lines[0]).toMatch(/^epoch  1\/12  loss \d+\.\d{4}  mae \d+\.\d{4}$/);
      expect(lines[11]).toMatch(/^epoch 12\/12  loss /);
    }
  });

  it('draws a bar on a terminal and prints nothing for none', async () => {
    const bar = await train('auto', true);
    expect(bar).toMatch(/epoch 12\/12 .*100% .*loss \d+\.\d{4}  mae/);
    expect(bar.split('\n').filter((l) => l.startsWith('epoch ')).length).toBeLessThan(12);
    expect(await train('none', true)).toBe('');
  });

  it('creates a silent reporter by default', async () => {
    const reporter = await createProgress();
    expect(() => {
      reporter.start(1);
      reporter.epoch({ epoch: 1, epochs: 1, logs: { loss: 1 } });
      reporter.stop();
    }).not.toThrow();
  });
});

describe('the compact log off a terminal', () => {
  it('steps through 1, 2, 5, 10, 20, 25, 50, … for about 20 lines a run', () => {
    expect([12, 20, 40, 60, 100, 500, 1000, 5000].map(logEvery)).toEqual([1, 1, 2, 5, 5, 25, 50, 250]);
  });

  it('prints the first epoch, every N-th and the last', async () => {
    const stream = sink(false);
    const reporter = await createProgress('auto', stream);
    reporter.start(60);
    for (let epoch = 1; epoch <= 60; epoch++) reporter.epoch({ epoch, epochs: 60, logs: { loss: 1 / epoch } });
    reporter.stop();
    const epochs = stream.text().trimEnd().split('\n').map((line) => Number(/^epoch +(\d+)\//.exec(line)?.[1]));
    expect(epochs).toEqual([1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    // 'lines' keeps every epoch.
    const every = sink(false);
    const lines = await createProgress('lines', every);
    for (let epoch = 1; epoch <= 60; epoch++) lines.epoch({ epoch, epochs: 60, logs: { loss: 1 } });
    expect(every.text().trimEnd().split('\n')).toHaveLength(60);
  });
});
