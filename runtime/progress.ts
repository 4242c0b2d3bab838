// Progress output of `fit`: a bar redrawn on a terminal (drawn by the host, runtime/node/), a
// compact log elsewhere (a pipe, a CI log, a browser console).
import type { EpochLog, ProgressMode, ProgressStream } from './types.js';
import { currentHost } from './platform.js';

export interface ProgressReporter {
  start(epochs: number): void;
  epoch(log: EpochLog): void;
  stop(): void;
}

/** Four decimals, or three significant digits in exponent form for values too small for that. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return value.toFixed(4);
}

/** `loss 0.6931  accuracy 0.5000`: the logs in their order, loss first. */
export function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .sort(([a], [b]) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0))
    .map(([k, v]) => `${k} ${formatNumber(v)}`)
    .join('  ');
}

/** `epoch  12/500  loss 0.6931  accuracy 0.5000`, the epoch padded so columns line up. */
export function formatEpochLine(log: EpochLog): string {
  const width = String(log.epochs).length;
  return `epoch ${String(log.epoch).padStart(width)}/${log.epochs}  ${formatLogs(log.logs)}`;
}

const silent: ProgressReporter = { start() {}, epoch() {}, stop() {} };

/** At most about this many lines for a whole run in the compact log. */
const COMPACT_LINES = 20;

/** The step of the compact log: 1, 2, 5, 10, 20, 25, 50, 100, … so that epochs/step ≤ COMPACT_LINES. */
export function logEvery(epochs: number): number {
  const wanted = epochs / COMPACT_LINES;
  if (wanted <= 1) return 1;
  for (let scale = 1; ; scale *= 10) {
    for (const step of [1, 2, 2.5, 5]) {
      const every = step * scale;
      if (Number.isInteger(every) && every >= wanted) return every;
    }
  }
}

function defaultStream(): ProgressStream | undefined {
  return (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;
}

/** Every epoch, or (compact) the first, every `logEvery(epochs)`-th and the last. */
function lineReporter(stream: ProgressStream | undefined, compact: boolean): ProgressReporter {
  const write = (line: string): void => {
    if (stream) stream.write(`${line}\n`);
    else console.error(line);
  };
  return {
    start() {},
    epoch(log) {
      const shown = !compact || log.epoch === 1 || log.epoch === log.epochs || log.epoch % logEvery(log.epochs) === 0;
      if (shown) write(formatEpochLine(log));
    },
    stop() {},
  };
}

/**
 * `auto`: a bar on a terminal, a compact log otherwise (the first epoch, every N-th and the last,
 * about 20 lines); `bar`: a bar (lines where no bar can be drawn); `lines`: one line per epoch;
 * `none`: nothing. Without a stream (a browser), lines go to console.error. The bar needs the
 * Node entry (`nnc-runtime/node`).
 */
export async function createProgress(mode: ProgressMode = 'none', stream: ProgressStream | undefined = defaultStream()): Promise<ProgressReporter> {
  if (mode === 'none') return silent;
  const isTTY = stream?.isTTY === true;
  const host = currentHost();
  const wantBar = mode === 'bar' || (mode === 'auto' && isTTY);
  if (wantBar && stream && host !== null) return host.terminalBar(stream);
  return lineReporter(stream, mode === 'auto' && !isTTY);
}
