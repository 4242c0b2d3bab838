// Hand-written SVG for `nnc train`'s report: the loss and metric curves per epoch, and the
// confusion matrix of a classifier. Plain text, no dependencies, deterministic for the same input.

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function tick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1000 || abs < 0.01 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
}

interface Panel {
  title: string;
  series: Array<{ name: string; values: number[] }>;
}

function panelSvg(panel: Panel, x0: number, y0: number, width: number, height: number, epochs: number): string {
  const left = x0 + 56;
  const right = x0 + width - 16;
  const top = y0 + 56;
  const bottom = y0 + height - 44;
  const all = panel.series.flatMap((s) => s.values).filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.05;
  // Losses and scores of at least 0 keep 0 as the floor instead of a padded negative tick.
  lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
  hi += pad;
  const px = (epoch: number) => left + (epochs <= 1 ? 0.5 : (epoch - 1) / (epochs - 1)) * (right - left);
  const py = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  const out: string[] = [];
  out.push(`<text x="${(left + right) / 2}" y="${y0 + 22}" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(panel.title)}</text>`);
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="#fafafa" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    const y = py(v).toFixed(1);
    out.push(`<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${tick(v)}</text>`);
  }
  const ticks = Math.min(epochs, 5);
  for (let i = 0; i < ticks; i++) {
    const epoch = ticks === 1 ? 1 : Math.round(1 + ((epochs - 1) * i) / (ticks - 1));
    out.push(`<text x="${px(epoch).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" font-size="11">${epoch}</text>`);
  }
  out.push(`<text x="${(left + right) / 2}" y="${bottom + 34}" text-anchor="middle" font-size="12">epoch</text>`);
  panel.series.forEach((s, i) => {
    const colour = palette[i % palette.length];
    const dash = s.name.startsWith('val_') ? ' stroke-dasharray="6 3"' : '';
    const points = s.values.map((v, e) => (Number.isFinite(v) ? `${px(e + 1).toFixed(1)},${py(v).toFixed(1)}` : '')).filter(Boolean);
    if (points.length === 1) out.push(`<circle cx="${points[0]!.split(',')[0]}" cy="${points[0]!.split(',')[1]}" r="3" fill="${colour}"/>`);
    else out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.join(' ')}"/>`);
    // The legend sits between the title and the plot, so it never covers a curve.
    const lx = left + i * 150;
    const ly = top - 14;
    out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 28}" y="${ly}" dominant-baseline="middle" font-size="11">${escapeXml(s.name)}</text>`);
  });
  return out.join('\n');
}

/** One panel for the loss (and val_loss), one per metric (and its val_ twin), side by side. */
export function curvesSvg(history: ReadonlyArray<{ logs: Record<string, number> }>, title: string): string {
  const keys = [...new Set(history.flatMap((h) => Object.keys(h.logs)))];
  const bases = keys.filter((k) => !k.startsWith('val_'));
  const panels: Panel[] = bases.map((base) => ({
    title: base === 'loss' ? `${title}: loss` : base,
    series: [base, `val_${base}`].filter((k) => keys.includes(k)).map((name) => ({ name, values: history.map((h) => h.logs[name] ?? Number.NaN) })),
  }));
  const width = 420;
  const height = 300;
  const columns = Math.min(2, Math.max(panels.length, 1));
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  const total = width * columns;
  const body = panels.map((p, i) => panelSvg(p, (i % columns) * width, Math.floor(i / columns) * height, width, height, history.length)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="${height * rows}" viewBox="0 0 ${total} ${height * rows}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}

/** Rows are the true classes, columns the predicted ones; darker cells hold more samples. */
export function confusionSvg(counts: number[][], title: string, classNames?: readonly string[]): string {
  const k = counts.length;
  const cell = Math.max(28, Math.min(64, Math.floor(480 / Math.max(k, 1))));
  const label = (i: number) => classNames?.[i] ?? String(i);
  // Room for the longest class name (≈6.5 px a character at 11 px): beside the rows, and above the
  // columns, where long names are slanted so they do not run into each other.
  const longest = Math.max(1, ...counts.map((_, i) => label(i).length)) * 6.5;
  const slanted = longest > cell - 6;
  const left = Math.max(70, Math.ceil(longest) + 40);
  const top = 60 + (slanted ? Math.ceil(longest * 0.7) : 0);
  const size = cell * k;
  const width = Math.max(left + size + (slanted ? Math.ceil(longest * 0.7) : 30), Math.ceil(title.length * 9) + 20);
  const height = top + size + 30;
  const max = Math.max(1, ...counts.flat());
  const name = (i: number) => escapeXml(label(i));
  const out: string[] = [];
  out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<text x="${left + size / 2}" y="40" text-anchor="middle" font-size="12">predicted</text>`);
  out.push(`<text x="14" y="${top + size / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${top + size / 2})">true</text>`);
  counts.forEach((row, r) => {
    out.push(`<text x="${left - 8}" y="${top + r * cell + cell / 2}" text-anchor="end" dominant-baseline="middle" font-size="11">${name(r)}</text>`);
    row.forEach((count, c) => {
      const shade = count / max;
      const light = Math.round(255 - shade * 200);
      const fill = `rgb(${light}, ${Math.round(255 - shade * 140)}, 255)`;
      const x = left + c * cell;
      const y = top + r * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#888"/>`);
      out.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" text-anchor="middle" dominant-baseline="middle" font-size="${cell >= 40 ? 13 : 10}" fill="${shade > 0.6 ? 'white' : 'black'}">${count}</text>`);
    });
  });
  counts.forEach((_, c) => {
    const x = left + c * cell + cell / 2;
    out.push(
      slanted
        ? `<text x="${x}" y="${top - 6}" text-anchor="start" font-size="11" transform="rotate(-40 ${x} ${top - 6})">${name(c)}</text>`
        : `<text x="${x}" y="${top - 8}" text-anchor="middle" font-size="11">${name(c)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${out.join('\n')}\n</svg>\n`;
}
