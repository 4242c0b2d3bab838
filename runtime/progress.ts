// Progress output of `fit`. cli-progress is loaded only when a bar is drawn, so a browser bundle of
// a generated module never pulls in its Node-only `readline`.
import type { EpochLog, ProgressMode } from './types.js';

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
  const keys = Object.keys(logs).sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
  return keys.map((k) => `${k} ${formatNumber(logs[k])}`).join('  ');
}

/** `epoch  12/500  loss 0.6931  accuracy 0.5000`, the epoch padded so columns line up. */
export function formatEpochLine(log: EpochLog): string {
  const width = String(log.epochs).length;
  return `epoch ${String(log.epoch).padStart(width)}/${log.epochs}  ${formatLogs(log.logs)}`;
}

const silent: ProgressReporter = { start() {}, epoch() {}, stop() {} };

function defaultStream(): NodeJS.WritableStream | undefined {
  return (globalThis as { process?: { stderr?: NodeJS.WritableStream } }).process?.stderr;
}

function lineReporter(stream: NodeJS.WritableStream | undefined): ProgressReporter {
  const write = (line: string): void => {
    if (stream) stream.write(`${line}\n`);
    else console.error(line);
  };
  return { start() {}, epoch: (log) => write(formatEpochLine(log)), stop() {} };
}

async function barReporter(stream: NodeJS.WritableStream): Promise<ProgressReporter> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'epoch {value}/{total} {bar} {percentage}% | eta {eta_formatted} | {stats}',
      hideCursor: true,
      clearOnComplete: false,
      // Draw something even when 'bar' is forced onto a stream that is not a terminal.
      noTTYOutput: true,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (epochs) => bar.start(epochs, 0, { stats: '' }),
    epoch: (log) => bar.update(log.epoch, { stats: formatLogs(log.logs) }),
    stop: () => bar.stop(),
  };
}

/**
 * `auto`: a bar on a terminal, one line per epoch otherwise; `bar`, `lines`: that; `none`: nothing.
 * Without a Node stream (a browser), lines go to console.error and `bar` falls back to lines.
 */
export async function createProgress(
  mode: ProgressMode = 'none',
  stream: NodeJS.WritableStream | undefined = defaultStream(),
): Promise<ProgressReporter> {
  if (mode === 'none') return silent;
  const isTTY = (stream as { isTTY?: boolean } | undefined)?.isTTY === true;
  const wantBar = mode === 'bar' || (mode === 'auto' && isTTY);
  if (wantBar && stream) return barReporter(stream);
  return lineReporter(stream);
}
