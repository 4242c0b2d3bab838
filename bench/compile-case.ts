// Compile and check time of generated .nn files with N layers: how the compiler grows.
import { compile } from '../compiler/index.js';
import { median } from './measure.js';

export interface CompileTiming {
  layers: number;
  /** compile(..., { emit: false }): parse + check, what the editor runs on every change. */
  checkMs: number;
  /** compile(...): parse + check + TypeScript generation. */
  compileMs: number;
}

/** A model of `layers` dense layers of width 16, alternating activations. */
export function deepModelSource(layers: number): string {
  const lines = ['model Deep {', '  input x: [batch, 16]'];
  for (let i = 0; i < layers; i++) lines.push(`  dense(16, activation: ${i % 2 === 0 ? 'relu' : 'tanh'})`);
  lines.push('}', '');
  return lines.join('\n');
}

function timeMs(f: () => void, runs: number): number {
  for (let w = 0; w < 3; w++) f(); // warm-up: the first calls also JIT-compile the compiler
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    f();
    times.push(performance.now() - start);
  }
  return median(times);
}

export function timeCompile(layers: number, runs: number): CompileTiming {
  const source = deepModelSource(layers);
  const check = () => {
    const result = compile(source, { fileName: 'deep.nn', emit: false });
    if (result.hasErrors) throw new Error(`the ${layers}-layer benchmark model does not check: ${result.diagnostics[0]?.message}`);
  };
  const full = () => {
    if (compile(source, { fileName: 'deep.nn' }).output === undefined) throw new Error('no output');
  };
  return { layers, checkMs: timeMs(check, runs), compileMs: timeMs(full, runs) };
}
