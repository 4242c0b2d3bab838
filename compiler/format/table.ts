// Table rows in columns. Rows are aligned among themselves: each column padded to its widest cell,
// and in a column with negative numbers the others get a space where the sign would be, so that
// digits line up. Extra space that every row puts between two columns (grouping one-hot columns
// in threes, say) is kept. The header joins the columns only where its author aligned it with the
// first row (a wide header such as `feature1, feature2` over `0, 1` is left as written), decided
// per side of the `->`. Trailing comments share one column. Every rule reads the input only in a
// way the output reproduces, so formatting twice changes nothing.
import type { IToken } from 'chevrotain';
import * as T from '../../grammar/tokens.js';
import type { Line } from './format.js';

const cellTokens = new Set([T.Identifier, T.NumberLiteral, T.Minus, T.Comma, T.Arrow, T.Semicolon]);

/** A header or row line: cells, commas, one optional `->`, and at most a trailing line comment. */
export function isTableLine(tokens: IToken[]): boolean {
  const code = tokens[tokens.length - 1]?.tokenType === T.LineComment ? tokens.slice(0, -1) : tokens;
  return code.length > 0 && code.every((t) => cellTokens.has(t.tokenType)) && code.filter((t) => t.tokenType === T.Arrow).length <= 1;
}

interface Cell {
  text: string;
  /** The cell's trailing comma, if it has one. */
  comma: boolean;
  /** 1-based column of its first token in the input. */
  column: number;
}

interface Row {
  /** Cells before `->` and after it. */
  sides: Cell[][];
  /** 1-based column of the `->` in the input. */
  arrow: number | undefined;
  semicolon: boolean;
  comment: IToken | undefined;
  first: IToken;
  isHeader: boolean;
}

function parseRow(tokens: IToken[]): Row {
  const sides: Cell[][] = [[]];
  let cell: Cell | undefined;
  let arrow: number | undefined;
  let semicolon = false;
  let comment: IToken | undefined;
  const flush = (comma: boolean) => {
    if (cell) sides[sides.length - 1]!.push({ ...cell, comma });
    cell = undefined;
  };
  for (const t of tokens) {
    if (t.tokenType === T.LineComment) comment = t;
    else if (t.tokenType === T.Comma) flush(true);
    else if (t.tokenType === T.Arrow) {
      flush(false);
      arrow = t.startColumn;
      sides.push([]);
    } else if (t.tokenType === T.Semicolon) semicolon = true;
    else if (cell) cell.text += t.image;
    else cell = { text: t.image, comma: false, column: t.startColumn ?? 0 };
  }
  flush(false);
  return { sides, arrow, semicolon, comment, first: tokens[0]!, isHeader: tokens.some((t) => t.tokenType === T.Identifier) };
}

export function alignTable(lines: Line[]): string[] {
  const all = lines.map((l) => parseRow(l.tokens));
  const header = all[0]?.isHeader ? all[0] : undefined;
  const rows = all.filter((r) => r !== header);
  const signed = [0, 1].map((side) => (i: number) => rows.some((r) => r.sides[side]?.[i]?.text.startsWith('-')));
  const pad = (row: Row, side: number, i: number) => (row !== header && signed[side]!(i) && !row.sides[side]![i]!.text.startsWith('-') ? 1 : 0);
  const cellText = (row: Row, side: number, i: number) => {
    const c = row.sides[side]![i]!;
    return ' '.repeat(pad(row, side, i)) + c.text + (c.comma ? ',' : '');
  };
  /** Where a cell's column starts in the input (its sign's place included). */
  const slot = (row: Row, side: number, i: number) => row.sides[side]![i]!.column - pad(row, side, i);

  // The header is in the columns where the input had its cells (and `->`) where the first row has them.
  const firstRow = rows[0];
  const alignedSides: boolean[] = [];
  for (const side of [0, 1]) {
    const h = header?.sides[side];
    const r = firstRow?.sides[side];
    const comparable = !!h && !!r && h.length === r.length && (side === 0 || alignedSides[0] === true);
    const sameArrow = side === 1 || header?.arrow === firstRow?.arrow;
    alignedSides.push(comparable && sameArrow && h!.every((_, i) => slot(header!, side, i) === slot(firstRow!, side, i)));
  }
  const inColumns = (row: Row, side: number) => row !== header || alignedSides[side] === true;
  const columnRows = all.filter((r) => r !== header || alignedSides[0]);

  const widths = [0, 1].map((side) => {
    const w: number[] = [];
    for (const r of all) if (inColumns(r, side)) r.sides[side]?.forEach((_, i) => (w[i] = Math.max(w[i] ?? 0, cellText(r, side, i).length)));
    return w;
  });
  // Extra space every row puts after a column (index = cell count stands for the `->`'s far side).
  const extra = [0, 1].map((side) => {
    const e: number[] = [];
    if (rows.length < 2) return e; // one row's spacing says nothing deliberate
    const note = (i: number, gap: number) => (e[i] = Math.max(0, Math.min(e[i] ?? Infinity, gap)));
    for (const r of columnRows) {
      if (!inColumns(r, side)) continue;
      const cells = r.sides[side] ?? [];
      cells.forEach((_, i) => {
        const next = i + 1 < cells.length ? slot(r, side, i + 1) : side === 0 ? r.arrow : undefined;
        if (next !== undefined) note(i, next - slot(r, side, i) - widths[side]![i]! - 1);
      });
      if (side === 1 && r.arrow !== undefined && cells.length) note(cells.length, slot(r, 1, 0) - r.arrow - 3);
    }
    return e.map((x) => (Number.isFinite(x) ? x : 0));
  });

  const contents = all.map((row) => {
    let text = '';
    row.sides.forEach((cells, side) => {
      const columns = inColumns(row, side);
      if (side === 1) text += ' ' + '->' + ' ' + ' '.repeat(columns ? (extra[1]![cells.length] ?? 0) : 0);
      cells.forEach((_, i) => {
        const last = i === cells.length - 1;
        const padded = columns && (!last || side < row.sides.length - 1);
        text += padded ? cellText(row, side, i).padEnd(widths[side]![i]!) : cellText(row, side, i);
        if (!last) text += ' ' + ' '.repeat(columns ? (extra[side]![i] ?? 0) : 0);
        else if (side < row.sides.length - 1) text += ' '.repeat(columns ? (extra[side]![i] ?? 0) : 0);
      });
    });
    return text + (row.semicolon ? ';' : '');
  });
  // Comments: in the column the author gave them all, if it clears every line, else one past the longest.
  const clear = Math.max(...contents.map((c) => c.length)) + 1;
  const commented = all.filter((r) => r.comment);
  const columns = new Set(commented.map((r) => (r.comment!.startColumn ?? 0) - slot(r, 0, 0)));
  const authorColumn = columns.size === 1 ? [...columns][0]! : 0;
  const commentColumn = authorColumn >= clear ? authorColumn : clear;
  return contents.map((c, i) => {
    const comment = all[i]!.comment;
    return comment === undefined ? c : c.padEnd(commentColumn) + comment.image.trimEnd();
  });
}
