// How long from a didChange to its publishDiagnostics, on a 500-line file, through the real server
// process over stdio (debounce included). Run with `npm run bench:lsp`; prints the median. The
// benchmark harness can call measureDiagnosticsLatency() itself.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { compile } from '../compiler/compile.js';

/** A file of about 500 lines: models of dense stacks, a table, trainings. */
export function fiveHundredLines(units = 8): string {
  const parts: string[] = [];
  for (let m = 0; m < 16; m++) {
    const layers = Array.from({ length: 20 }, (_, i) => (i % 2 ? `  dense(${units + i}, activation: relu)` : `  let h${i} = dense(${units + i}) |> tanh()`));
    parts.push(`// model ${m}\nmodel Net${m} {\n  input x: [batch, 4]\n${layers.join('\n')}\n  dense(1, activation: sigmoid)\n}\n`);
  }
  const rows = Array.from({ length: 100 }, (_, i) => `  ${i % 2}, ${(i >> 1) % 2}, ${(i >> 2) % 2}, ${(i >> 3) % 2} -> ${i % 2}`);
  parts.push(`data rows = table {\n  a, b, c, d -> y\n${rows.join('\n')}\n}\n`);
  parts.push('train Net0 on rows {\n  loss: binary_crossentropy\n  optimizer: adam(lr: 0.01)\n  epochs: 10\n}\n');
  return parts.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export interface LatencyResult {
  lines: number;
  changes: number;
  debounceMs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** compile(…, { emit: false }) of the same file in the measuring process. */
  compileMedianMs: number;
}

/** Starts `bin/nnc.js lsp --stdio`, opens a 500-line file and times 60 changes to their diagnostics. */
export async function measureDiagnosticsLatency(changes = 60): Promise<LatencyResult> {
  const bin = fileURLToPath(new URL('../../bin/nnc.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<number, (p: PublishDiagnosticsParams) => void>();
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => waiting.get(p.version ?? -1)?.(p));
  connection.listen();
  const debounceMs = 10;
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs } });
  await connection.sendNotification('initialized', {});
  const uri = 'file:///bench/five-hundred.nn';
  const text = fiveHundredLines();
  const published = (version: number) => new Promise<PublishDiagnosticsParams>((resolve) => waiting.set(version, resolve));

  let next = published(1);
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nn', version: 1, text } });
  await next;
  const latencies: number[] = [];
  for (let version = 2; version <= changes + 1; version++) {
    // Alternate a clean file and one with a shape error (`in:` that does not match).
    const changed = version % 2 ? fiveHundredLines(8 + (version % 5)) : fiveHundredLines(8).replace('dense(9, activation: relu)', 'dense(9, in: 3, activation: relu)');
    next = published(version);
    const start = performance.now();
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: changed }] });
    const p = await next;
    latencies.push(performance.now() - start);
    if (version % 2 === 0 && p.diagnostics.length !== 1) throw new Error(`expected one diagnostic, got ${p.diagnostics.length}`);
  }
  const compileTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    compile(text, { emit: false });
    compileTimes.push(performance.now() - start);
  }
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
  return {
    lines: text.split('\n').length,
    changes: latencies.length,
    debounceMs,
    medianMs: median(latencies),
    minMs: Math.min(...latencies),
    maxMs: Math.max(...latencies),
    compileMedianMs: median(compileTimes.slice(5)),
  };
}

async function main(): Promise<void> {
  const r = await measureDiagnosticsLatency();
  const show = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`didChange → publishDiagnostics on a ${r.lines}-line file (${r.changes} changes, server debounce ${r.debounceMs} ms):`);
  console.log(`  median ${show(r.medianMs)}, min ${show(r.minMs)}, max ${show(r.maxMs)}`);
  console.log(`  compile() alone (in this process): median ${show(r.compileMedianMs)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
