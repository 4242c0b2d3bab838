// Inline data tables: every row must have as many feature and label columns as the header.
import type { DiagnosticSink } from '../diagnostics/make.js';
import type { DataIR } from '../ir.js';
import type { DataDecl } from '../syntax/ast.js';
import { checkDataSource, type DataFiles } from './data-source.js';

export function checkData(decl: DataDecl, sink: DiagnosticSink, files?: DataFiles): DataIR | undefined {
  if (decl.source) return checkDataSource(decl, decl.source, files, sink);
  const { table } = decl;
  let ok = true;
  const seen = new Map<string, number>();
  for (const col of [...table.features, ...table.labels]) {
    if (seen.has(col.name)) {
      sink.error('NN2003', col.span, `column \`${col.name}\` appears twice in the header of \`${decl.name.name}\``);
      ok = false;
    }
    seen.set(col.name, col.span.start);
  }
  if (table.rows.length === 0) {
    sink.error('NN4011', table.span, `table \`${decl.name.name}\` has no rows`, { help: 'add rows below the header, e.g. `0, 1 -> 1`' });
    return undefined;
  }
  for (let i = 1; i < table.rows.length; i++) {
    const row = table.rows[i]!;
    if (row.firstLine === table.rows[i - 1]!.lastLine && !table.rows[i - 1]!.terminated) {
      sink.error('NN1001', row.span, 'expected `,` or a line break before this value: a table has one row per line (or rows ended by `;`)', {
        help: 'separate values with commas and put each row on its own line: `0, 1 -> 1`',
      });
      return undefined;
    }
  }
  const nf = table.features.length;
  const nl = table.labels.length;
  for (const [i, row] of table.rows.entries()) {
    if (row.features.length !== nf || row.labels.length !== nl) {
      const expected = nl ? `${nf} feature${nf === 1 ? '' : 's'} -> ${nl} label${nl === 1 ? '' : 's'}` : `${nf} column${nf === 1 ? '' : 's'}`;
      const found = nl || row.labels.length ? `${row.features.length} -> ${row.labels.length}` : `${row.features.length}`;
      sink.error('NN4006', row.span, `row ${i + 1} of \`${decl.name.name}\` has the wrong number of columns`, {
        label: `expected ${expected}, found ${found}`,
        expected,
        found,
        related: [{ span: headerSpan(table) ?? table.span, message: 'the header is here' }],
        help: `each row reads like the header: ${[...table.features.map((f) => f.name)].join(', ')}${nl ? ' -> ' + table.labels.map((l) => l.name).join(', ') : ''}`,
      });
      ok = false;
    }
  }
  if (!ok) return undefined;
  return {
    name: decl.name.name,
    span: decl.span,
    features: table.features.map((f) => f.name),
    labels: table.labels.map((l) => l.name),
    x: table.rows.map((r) => r.features.map((v) => v.value)),
    y: table.rows.map((r) => r.labels.map((v) => v.value)),
  };
}

/** From the first column name to the last, or undefined for a table without a header. */
function headerSpan(table: DataDecl['table']): { start: number; end: number } | undefined {
  const columns = [...table.features, ...table.labels];
  if (columns.length === 0) return undefined;
  return { start: Math.min(...columns.map((c) => c.span.start)), end: Math.max(...columns.map((c) => c.span.end)) };
}
