// The progress bar `fit` draws on a terminal: one line redrawn in place (carriage return, then
// erase to the end of the line), at most ten times a second and always for the last epoch.
import { formatLogs } from '../progress.js';
import type { BarReporter } from '../platform.js';
import type { ProgressStream } from '../types.js';

const WIDTH = 30;
const REDRAW_MS = 100;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function terminalBar(stream: ProgressStream): BarReporter {
  let total = 0;
  let started = 0;
  let drawnAt = -Infinity;
  let drawn = false;
  const draw = (epoch: number, stats: string): void => {
    const fraction = total === 0 ? 1 : epoch / total;
    const filled = Math.round(fraction * WIDTH);
    const elapsed = (Date.now() - started) / 1000;
    const eta = epoch === 0 ? Infinity : (elapsed / epoch) * (total - epoch);
    const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled);
    stream.write(`\r\x1b[Kepoch ${epoch}/${total} ${bar} ${Math.round(fraction * 100)}% | eta ${duration(eta)} | ${stats}`);
    drawn = true;
  };
  return {
    start(epochs) {
      total = epochs;
      started = Date.now();
      draw(0, '');
      drawnAt = Date.now();
    },
    epoch(log) {
      const now = Date.now();
      if (log.epoch !== log.epochs && now - drawnAt < REDRAW_MS) return;
      drawnAt = now;
      draw(log.epoch, formatLogs(log.logs));
    },
    stop() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
