// Tensor dimensions as the checker sees them: a known size, a named symbol (`batch`), or unknown.
// Unknown propagates silently: it stands for "already reported" or "cannot know", and never
// produces a second diagnostic.

export type Dim = { kind: 'const'; value: number } | { kind: 'sym'; name: string } | { kind: 'unknown' };

/** A shape is a list of dims; `undefined` is a value whose shape (even its rank) is unknown. */
export type Shape = Dim[] | undefined;

export const unknownDim: Dim = { kind: 'unknown' };

export function constDim(value: number): Dim {
  return { kind: 'const', value };
}

export function symDim(name: string): Dim {
  return { kind: 'sym', name };
}

export function showDim(d: Dim): string {
  switch (d.kind) {
    case 'const':
      return String(d.value);
    case 'sym':
      return d.name;
    case 'unknown':
      return '?';
  }
}

export function showShape(s: Shape): string {
  return s ? `[${s.map(showDim).join(', ')}]` : '[…]';
}

/** `true` when equal, `false` when certainly different, `undefined` when unknown. */
export function dimEquals(a: Dim, b: Dim): boolean | undefined {
  if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
  if (a.kind === 'const' && b.kind === 'const') return a.value === b.value;
  if (a.kind === 'sym' && b.kind === 'sym') return a.name === b.name ? true : undefined;
  // A symbol may stand for any size: comparing it with a constant cannot be decided statically.
  return undefined;
}

export function knownSize(d: Dim | undefined): number | undefined {
  return d?.kind === 'const' ? d.value : undefined;
}
