// `npm run bench` / `npm run bench:quick`: every case side by side, each contender in a process of
// its own, written to bench/results.json and bench/results.md. See docs/performance.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { compilerVersion } from '../compiler/index.js';
import { timeCompile, type CompileTiming } from './compile-case.js';
import { mnistSamples } from './data.js';
import type { Protocol } from './measure.js';
import { NETWORKS, type NetName } from './networks.js';
import { BATCH, type Contender, type MatmulCase, type MatmulResult, type TrainCase, type TrainResult } from './cases.js';

export interface ResultRow {
  name: string;
  backend: string;
  unit: string;
  nnc: number | null;
  baseline: number | null;
  baselineName: string | null;
  /** Higher is better: nnc ÷ baseline for throughputs, baseline ÷ nnc for times. */
  ratio: number | null;
  note?: string;
}

const quick = process.argv.includes('--quick');
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const benchDir = path.join(root, 'bench');

const PROTOCOLS: Record<NetName, Protocol> = quick
  ? { mlp: { warmupSteps: 10, stepsPerBlock: 10, blocks: 5 }, cnn: { warmupSteps: 2, stepsPerBlock: 2, blocks: 5 } }
  : { mlp: { warmupSteps: 10, stepsPerBlock: 50, blocks: 7 }, cnn: { warmupSteps: 3, stepsPerBlock: 10, blocks: 5 } };
const DISTINCT_BATCHES = 16;
const COMPILE_SIZES = quick ? [10, 100, 1000] : [10, 100, 1000, 10000];
const MATMUL_SIZES = quick ? [512] : [256, 1024];
const CHILD_TIMEOUT_MS = quick ? 60_000 : 600_000;

const rows: ResultRow[] = [];
const notes: string[] = [];
const versions: Record<string, string> = {};

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function lastJsonLine<T>(stdout: string): T | undefined {
  const line = stdout.trim().split('\n').at(-1);
  if (!line) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}

/** The lines of a failed child's stderr worth showing: the error, not the stack. */
function errorSummary(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => !/^\s+at /.test(l) && l.trim() !== '');
  return (lines.find((l) => /Error/.test(l)) ?? lines.at(-1) ?? '').trim();
}

function runNode<T>(script: string, spec: object): T | { skipped: string } {
  let failure = '';
  // One retry: a child can fail to start while another process rewrites dist/ (npm run build).
  for (let attempt = 0; attempt < 2; attempt++) {
    const child = spawnSync(process.execPath, [path.join(here, script), JSON.stringify(spec)], {
      encoding: 'utf8',
      timeout: CHILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    const parsed = lastJsonLine<T>(child.stdout ?? '');
    if (parsed !== undefined) return parsed;
    failure = `${script} failed (${child.error?.message ?? `exit ${child.status}`}): ${errorSummary(child.stderr ?? '')}`;
    log(`  ${failure}${attempt === 0 ? '; retrying' : ''}`);
  }
  return { skipped: failure };
}

/** Interpreters tried in order: $NNC_BENCH_PYTHON, the one on PATH, Debian's (where apt puts python3-torch). */
function pythonCandidates(): string[] {
  const list = [process.env['NNC_BENCH_PYTHON'], 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return [...new Set(list)];
}

const pythonFor = new Map<string, string | null>();

/** The first interpreter that can import `module`, or null. */
function findPython(module: string): string | null {
  if (!pythonFor.has(module)) {
    const found = pythonCandidates().find((python) => spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 60_000 }).status === 0);
    pythonFor.set(module, found ?? null);
  }
  return pythonFor.get(module)!;
}

function runPython<T>(module: 'torch' | 'numpy', args: string[]): T | { skipped: string } {
  const python = findPython(module);
  if (python === null) {
    return { skipped: module === 'torch' ? 'PyTorch is not installed (Debian: apt-get install python3-torch)' : 'numpy is not installed (Debian: apt-get install python3-numpy)' };
  }
  const child = spawnSync(python, args, {
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
  const parsed = lastJsonLine<T>(child.stdout ?? '');
  if (parsed !== undefined) return parsed;
  const stderr = (child.stderr ?? '').trim();
  return { skipped: `${python} ${path.basename(args[0] ?? '')} failed (${child.error?.message ?? `exit ${child.status}`}): ${stderr.split('\n').slice(-2).join(' ')}` };
}

function isSkipped(value: object): value is { skipped: string } {
  return 'skipped' in value && typeof (value as { skipped: unknown }).skipped === 'string';
}

function ratioOf(nnc: number | null, baseline: number | null, higherIsBetter: boolean): number | null {
  if (nnc === null || baseline === null || nnc === 0 || baseline === 0) return null;
  return higherIsBetter ? nnc / baseline : baseline / nnc;
}

function addRow(row: Omit<ResultRow, 'ratio'>, higherIsBetter = true): void {
  rows.push({ ...row, ratio: ratioOf(row.nnc, row.baseline, higherIsBetter) });
}

const CONTENDER_NAMES: Record<Contender, string> = {
  nnc: 'nnc (generated code, training step)',
  'nnc-tape': 'nnc with tfjs\'s gradient tape instead of the derived backward pass',
  'nnc-fit': 'nnc (generated model.train)',
  'layers-trainOnBatch': 'tfjs-layers trainOnBatch',
  'layers-fit': 'tfjs-layers fit',
  core: 'hand-written tfjs-core',
  'core-nnc-kernels': "hand-written tfjs-core with nnc's kernels",
};

/** Backends that could not start (webgpu without its packages): said once, then not tried again. */
const unavailableBackends = new Set<string>();

function shortened(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}

function trainResult(net: NetName, contender: Contender, backend: string, threads?: number): number | null {
  if (unavailableBackends.has(backend)) return null;
  const spec: TrainCase = { net, contender, backend, protocol: PROTOCOLS[net], batches: DISTINCT_BATCHES, ...(threads ? { threads } : {}) };
  const result = runNode<TrainResult>('train-case.js', spec);
  if (isSkipped(result)) {
    if (/^The '\w+' backend/.test(result.skipped)) {
      unavailableBackends.add(backend);
      notes.push(`The ${backend} backend: not run — ${shortened(result.skipped)}`);
      log(`  ${backend}: unavailable (${result.skipped})`);
      return null;
    }
    notes.push(`${NETWORKS[net].title}, ${CONTENDER_NAMES[contender]} on ${backend}: skipped — ${shortened(result.skipped)}`);
    log(`  ${net} ${contender} ${backend}: skipped (${result.skipped})`);
    return null;
  }
  if (result.tensorsConstant === false) {
    notes.push(`WARNING: ${NETWORKS[net].title}, ${CONTENDER_NAMES[contender]} on ${backend}: tf.memory().numTensors changed across steps (${result.timing?.numTensors.join(', ')}).`);
  }
  log(`  ${net} ${contender} ${backend}: ${result.samplesPerSecond?.toFixed(0)} samples/s`);
  return result.samplesPerSecond ?? null;
}

function trainingCases(samplesDir: string): void {
  const backends = quick ? ['wasm'] : ['wasm', 'cpu', 'webgpu'];
  for (const net of ['mlp', 'cnn'] as const) {
    const title = `${NETWORKS[net].title} training, batch ${BATCH}, Adam`;
    for (const backend of backends) {
      if (net === 'cnn' && backend === 'cpu') {
        notes.push(`${NETWORKS[net].title} on cpu: not run (the cpu backend's conv filter gradient takes tens of seconds a step).`);
        continue;
      }
      log(`${title} on ${backend}`);
      const withFit = !quick;
      const nnc = trainResult(net, 'nnc', backend);
      if (unavailableBackends.has(backend)) continue;
      const unit = 'samples/s';
      const layersNote = backend === 'wasm' && net === 'cnn' ? "stock wasm plus nnc's Conv2DBackpropFilter, without which it cannot train" : `stock ${backend}`;
      const layersStep = trainResult(net, 'layers-trainOnBatch', backend);
      addRow({ name: title, backend, unit, nnc, baseline: layersStep, baselineName: CONTENDER_NAMES['layers-trainOnBatch'], note: layersNote });
      addRow({ name: title, backend, unit, nnc, baseline: trainResult(net, 'core', backend), baselineName: CONTENDER_NAMES.core, note: layersNote });
      addRow({ name: title, backend, unit, nnc, baseline: trainResult(net, 'core-nnc-kernels', backend), baselineName: CONTENDER_NAMES['core-nnc-kernels'], note: 'how much of the gain is the kernels alone' });
      addRow({
        name: `${title}, gradient tape instead of the derived backward pass`,
        backend,
        unit,
        nnc: trainResult(net, 'nnc-tape', backend),
        baseline: layersStep,
        baselineName: CONTENDER_NAMES['layers-trainOnBatch'],
        note: 'generated forward pass under tfjs autodiff (`derivedBackward: false`); the first row is the derived pass where the compiler derives one',
      });
      if (withFit) {
        const nncFit = net === 'mlp' ? trainResult(net, 'nnc-fit', backend) : null;
        if (net === 'cnn') notes.push(`${NETWORKS[net].title}: nnc's model.train takes tables of rows, not images; its fit row compares the training step.`);
        addRow({ name: `${title} (whole-epoch API)`, backend, unit, nnc: net === 'mlp' ? nncFit : nnc, baseline: trainResult(net, 'layers-fit', backend), baselineName: CONTENDER_NAMES['layers-fit'], note: 'an epoch per call; includes each API’s own overheads' });
      }
      if (backend === 'wasm' && !quick) {
        // Threads help large kernels and hurt small ones: measured, not assumed.
        const threads = Math.min(os.cpus().length, 4);
        if (threads > 1) {
          addRow({
            name: title,
            backend: `wasm, ${threads} threads`,
            unit,
            nnc: trainResult(net, 'nnc', backend, threads),
            baseline: nnc,
            baselineName: 'nnc on wasm, 1 thread',
            note: 'what the thread pool adds',
          });
        }
      }
      if (backend === 'wasm') {
        const torch = runPython<{ samplesPerSecond: number; threads: number; version: string; blasGflops: number }>('torch', [
          path.join(benchDir, 'python', 'torch_bench.py'),
          '--data', samplesDir, '--count', String(DISTINCT_BATCHES * BATCH), '--net', net,
          '--warmup', String(PROTOCOLS[net].warmupSteps), '--steps', String(PROTOCOLS[net].stepsPerBlock), '--blocks', String(PROTOCOLS[net].blocks),
        ]);
        if (isSkipped(torch)) {
          notes.push(`PyTorch ${NETWORKS[net].title}: skipped — ${torch.skipped}`);
          addRow({ name: title, backend, unit, nnc, baseline: null, baselineName: 'PyTorch CPU', note: `skipped: ${torch.skipped}` });
        } else {
          versions['torch'] = `${torch.version} (${findPython('torch')}, ${torch.threads} thread${torch.threads === 1 ? '' : 's'}, OPENBLAS_NUM_THREADS=1)`;
          log(`  ${net} pytorch: ${torch.samplesPerSecond.toFixed(0)} samples/s`);
          if (torch.blasGflops < 20 && !notes.some((n) => n.includes('reference BLAS'))) {
            notes.push(`WARNING: PyTorch's matmul runs at ${torch.blasGflops.toFixed(1)} GFLOP/s: it is probably using the reference BLAS. On Debian: apt-get install libopenblas0-pthread.`);
          }
          addRow({ name: title, backend, unit, nnc, baseline: torch.samplesPerSecond, baselineName: 'PyTorch CPU', note: `torch ${torch.version}, ${torch.threads} thread${torch.threads === 1 ? '' : 's'}` });
        }
      }
    }
  }
}

function matmulCases(): void {
  log('matmul');
  const protocol: Protocol = { warmupSteps: 2, stepsPerBlock: quick ? 3 : 5, blocks: 5 };
  const spec = (wasmKernels: MatmulCase['wasmKernels']): MatmulCase => ({ backend: 'wasm', wasmKernels, sizes: MATMUL_SIZES, protocol });
  const fast = runNode<MatmulResult>('matmul-case.js', spec('fast'));
  const stock = runNode<MatmulResult>('matmul-case.js', spec('stock'));
  const blas = runPython<{ square: Record<string, number>; numpy: string }>('numpy', [path.join(benchDir, 'python', 'sgemm.py'), '--sizes', ...MATMUL_SIZES.map(String)]);
  if (!isSkipped(blas)) versions['numpy'] = `${blas.numpy} (${findPython('numpy')})`;
  else notes.push(`OpenBLAS sgemm: skipped — ${blas.skipped}`);
  for (const n of MATMUL_SIZES) {
    addRow({
      name: `matmul ${n}×${n}·${n}×${n}`,
      backend: 'wasm',
      unit: 'GFLOP/s',
      nnc: isSkipped(fast) ? null : (fast.square[String(n)] ?? null),
      baseline: isSkipped(blas) ? null : (blas.square[String(n)] ?? null),
      baselineName: 'OpenBLAS sgemm via numpy, 1 thread (the ceiling)',
    });
  }
  addRow(
    {
      name: 'matmul [784×64]ᵀ·[64×128] (a dense layer’s weight gradient)',
      backend: 'wasm',
      unit: 'ms',
      nnc: isSkipped(fast) ? null : (fast.transposedMs ?? null),
      baseline: isSkipped(stock) ? null : (stock.transposedMs ?? null),
      baselineName: 'stock wasm BatchMatMul with transposeA',
    },
    false,
  );
}

function compileCases(): CompileTiming[] {
  log('compile');
  const timings = COMPILE_SIZES.map((n) => timeCompile(n, n >= 10000 ? 5 : 7));
  for (const t of timings) {
    const perLayerUs = (t.checkMs * 1000) / t.layers;
    addRow({ name: `check a ${t.layers}-layer file (compile, emit: false)`, backend: 'none', unit: 'ms', nnc: t.checkMs, baseline: null, baselineName: null, note: `${perLayerUs.toFixed(1)} µs per layer` }, false);
    addRow({ name: `compile a ${t.layers}-layer file to TypeScript`, backend: 'none', unit: 'ms', nnc: t.compileMs, baseline: null, baselineName: null }, false);
  }
  const thousand = timings.find((t) => t.layers === 1000);
  if (thousand) notes.push(`A 1,000-layer file checks in ${thousand.checkMs.toFixed(1)} ms (target: under 100 ms): ${thousand.checkMs < 100 ? 'met' : 'NOT met'}.`);
  return timings;
}

/** Issue 5's latency script (lsp/bench-latency.ts, `npm run bench:lsp`), when it is built. */
function lspCase(): void {
  const name = 'LSP: didChange to publishDiagnostics, 500-line file';
  const script = path.join(root, 'dist', 'lsp', 'bench-latency.js');
  if (!existsSync(script)) {
    notes.push('LSP latency: skipped — the language server has no latency script yet (lsp/bench-latency.ts).');
    addRow({ name, backend: 'none', unit: 'ms', nnc: null, baseline: null, baselineName: null, note: 'skipped: no latency script yet' }, false);
    return;
  }
  log('lsp');
  const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  // It prints text: "didChange → publishDiagnostics on a N-line file (…):" then "  median X ms, …".
  const match = /on a (\d+)-line file[^\n]*\n\s*median ([\d.]+) ms/.exec(child.stdout ?? '');
  if (!match) {
    notes.push(`LSP latency: skipped — lsp/bench-latency.js failed: ${errorSummary(child.stderr ?? '') || 'no median in its output'}`);
    addRow({ name, backend: 'none', unit: 'ms', nnc: null, baseline: null, baselineName: null, note: 'skipped: the latency script failed' }, false);
    return;
  }
  addRow({ name, backend: 'none', unit: 'ms', nnc: Number(match[2]), baseline: null, baselineName: null, note: `${match[1]} lines; includes the server's debounce` }, false);
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function format(value: number | null, unit: string): string {
  if (value === null) return '—';
  if (unit === 'ms') return value < 10 ? value.toFixed(2) : value.toFixed(1);
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function markdown(startedAt: Date, seconds: number): string {
  const cpus = os.cpus();
  const lines = [
    `# nnc benchmark results (${quick ? 'quick' : 'full'} run)`,
    '',
    `- Date: ${startedAt.toISOString()} (${seconds.toFixed(0)} s)`,
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `- Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- Protocol: same MNIST samples and batches for every contender, warm-up excluded, median of ${PROTOCOLS.mlp.blocks} (MLP) / ${PROTOCOLS.cnn.blocks} (CNN) timed blocks of ${PROTOCOLS.mlp.stepsPerBlock} / ${PROTOCOLS.cnn.stepsPerBlock} steps, each contender in its own process; \`tf.memory().numTensors\` checked constant across blocks.`,
    '- Ratio: higher is better — nnc ÷ baseline for throughputs, baseline ÷ nnc for times.',
    '',
    '| case | backend | unit | nnc | baseline | baseline is | ratio | note |',
    '|---|---|---|---:|---:|---|---:|---|',
    ...rows.map((r) => `| ${r.name} | ${r.backend} | ${r.unit} | ${format(r.nnc, r.unit)} | ${format(r.baseline, r.unit)} | ${r.baselineName ?? '—'} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.note ?? ''} |`),
    '',
    '## Notes',
    '',
    ...(notes.length > 0 ? notes.map((n) => `- ${n}`) : ['- none']),
    '',
  ];
  return lines.join('\n');
}

function main(): void {
  const startedAt = new Date();
  Object.assign(versions, {
    nnc: compilerVersion,
    node: process.version,
    '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
    '@tensorflow/tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
    '@tensorflow/tfjs-layers': packageVersion('@tensorflow/tfjs-layers'),
  });
  const samplesDir = mkdtempSync(path.join(os.tmpdir(), 'nnc-bench-'));
  try {
    const samples = mnistSamples(DISTINCT_BATCHES * BATCH);
    writeFileSync(path.join(samplesDir, 'x.bin'), samples.x);
    writeFileSync(path.join(samplesDir, 'y.bin'), samples.y);
    trainingCases(samplesDir);
  } finally {
    rmSync(samplesDir, { recursive: true, force: true });
  }
  matmulCases();
  compileCases();
  lspCase();
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  writeFileSync(path.join(benchDir, 'results.json'), `${JSON.stringify(rows, null, 2)}\n`);
  writeFileSync(path.join(benchDir, 'results.md'), markdown(startedAt, seconds));
  log(`wrote bench/results.json and bench/results.md in ${seconds.toFixed(0)} s`);
}

main();
