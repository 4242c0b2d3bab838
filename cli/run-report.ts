// What `nnc train` leaves in a run's folder besides the weights: metrics.json (the per-epoch
// history and the final values, named as Keras names them), curves.svg and, for classifiers,
// confusion.svg. Each file is written atomically.
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { History } from '../runtime/types.js';
import { confusionSvg, curvesSvg } from './svg-charts.js';

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** The JSON written to metrics.json. */
export function metricsJson(run: string, history: History): string {
  const report = {
    run,
    epochs: history.epochs.map((e) => ({ epoch: e.epoch, ...e.logs })),
    history: Object.fromEntries(
      [...new Set(history.epochs.flatMap((e) => Object.keys(e.logs)))].map((k) => [k, history.epochs.map((e) => e.logs[k] ?? null)]),
    ),
    final: history.final,
    ...(history.stoppedEarly !== undefined ? { stopped_early_at_epoch: history.stoppedEarly } : {}),
    ...(history.confusion ? { confusion_matrix: history.confusion } : {}),
    ...(history.gradients ? { gradients: history.gradients } : {}),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `classNames`: the label columns of one-hot data (iris: setosa, versicolor, virginica), shown on the matrix's axes. */
export async function writeRunReport(dir: string, run: string, history: History, classNames?: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomically(path.join(dir, 'metrics.json'), metricsJson(run, history));
  await writeAtomically(path.join(dir, 'curves.svg'), curvesSvg(history.epochs, run));
  if (history.confusion) await writeAtomically(path.join(dir, 'confusion.svg'), confusionSvg(history.confusion, `${run}: confusion matrix`, classNames?.length === history.confusion.length ? classNames : undefined));
}
