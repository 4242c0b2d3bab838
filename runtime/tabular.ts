// CSV and JSON text to a table of named columns. Pure (no I/O, no tfjs), so the compiler can run
// the same checks at compile time that the runtime runs at load time, and report the same row and
// column either way.

/** A problem with the file's contents, placed by its 1-based line (CSV) or record (JSON) number. */
export interface TabularProblem {
  kind: 'missing-column' | 'short-row' | 'not-a-number' | 'empty' | 'syntax';
  message: string;
  /** The column the problem is about, where there is one. */
  column?: string;
}

export type TabularResult =
  | { ok: true; x: number[][]; y: number[][] }
  | { ok: false; problem: TabularProblem };

/** Splits one CSV line at commas, honouring double quotes ("a, b" and "" inside quotes). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

function fail(kind: TabularProblem['kind'], message: string, column?: string): TabularResult {
  return { ok: false, problem: { kind, message, ...(column !== undefined ? { column } : {}) } };
}

function missing(file: string, wanted: readonly string[], have: readonly string[]): TabularResult | undefined {
  const absent = wanted.find((c) => !have.includes(c));
  if (absent === undefined) return undefined;
  return fail('missing-column', `${file} has no column '${absent}'; its columns are ${have.map((h) => `'${h}'`).join(', ')}`, absent);
}

/**
 * Reads `features` and `labels` columns (by header name) from CSV text. Every row must have a cell
 * for each named column, and every such cell must be a finite number.
 */
export function parseCsv(text: string, features: readonly string[], labels: readonly string[], file: string): TabularResult {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) return fail('empty', `${file} is empty: it needs a header line and at least one row`);
  const header = splitCsvLine(lines[headerIndex]!);
  const absent = missing(file, [...features, ...labels], header);
  if (absent) return absent;
  const featureAt = features.map((f) => header.indexOf(f));
  const labelAt = labels.map((l) => header.indexOf(l));
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const cells = splitCsvLine(lines[i]!);
    const line = i + 1;
    if (cells.length < header.length) {
      return fail('short-row', `line ${line} of ${file} has ${cells.length} column${cells.length === 1 ? '' : 's'} but the header has ${header.length}`);
    }
    const read = (at: number, column: string): number | TabularResult => {
      const cell = cells[at]!;
      const value = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(value)) {
        return fail('not-a-number', `line ${line} of ${file} has '${cell}' in column '${column}'; every value must be a finite number`, column);
      }
      return value;
    };
    const fx: number[] = [];
    const fy: number[] = [];
    for (const [k, at] of featureAt.entries()) {
      const v = read(at, features[k]!);
      if (typeof v !== 'number') return v;
      fx.push(v);
    }
    for (const [k, at] of labelAt.entries()) {
      const v = read(at, labels[k]!);
      if (typeof v !== 'number') return v;
      fy.push(v);
    }
    x.push(fx);
    y.push(fy);
  }
  if (x.length === 0) return fail('empty', `${file} has a header but no rows`);
  return { ok: true, x, y };
}

/** Reads named fields from JSON text holding an array of objects (one object per sample). */
export function parseJsonRecords(text: string, features: readonly string[], labels: readonly string[], file: string): TabularResult {
  let records: unknown;
  try {
    records = JSON.parse(text);
  } catch (error) {
    return fail('syntax', `${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(records)) return fail('syntax', `${file} must hold an array of objects, one per sample`);
  if (records.length === 0) return fail('empty', `${file} holds no samples`);
  const x: number[][] = [];
  const y: number[][] = [];
  for (const [i, record] of records.entries()) {
    const n = i + 1;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return fail('syntax', `sample ${n} of ${file} is not an object`);
    }
    const fields = record as Record<string, unknown>;
    const pick = (names: readonly string[], sequences: boolean): number[] | TabularResult => {
      const out: number[] = [];
      for (const name of names) {
        if (!Object.hasOwn(fields, name)) return fail('short-row', `sample ${n} of ${file} has no field '${name}'`, name);
        const v = fields[name];
        // A feature may be a sequence of numbers (of any length: `pad` makes the rows even).
        if (sequences && Array.isArray(v)) {
          const bad = v.findIndex((e) => typeof e !== 'number' || !Number.isFinite(e));
          if (bad >= 0) return fail('not-a-number', `sample ${n} of ${file} has ${JSON.stringify(v[bad])} at position ${bad + 1} of field '${name}'; every value must be a finite number`, name);
          out.push(...(v as number[]));
          continue;
        }
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          return fail('not-a-number', `sample ${n} of ${file} has ${JSON.stringify(v)} in field '${name}'; every value must be a finite number`, name);
        }
        out.push(v);
      }
      return out;
    };
    const fx = pick(features, true);
    if (!Array.isArray(fx)) return fx;
    const fy = pick(labels, false);
    if (!Array.isArray(fy)) return fy;
    x.push(fx);
    y.push(fy);
  }
  return { ok: true, x, y };
}
