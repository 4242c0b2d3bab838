// "Did you mean …?" by edit distance, for misspelled layers, losses, metrics and names.
import type { Span } from '../syntax/ast.js';
import type { Fix } from './types.js';

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a distance that scales with the word's length, if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * The help and fix of a diagnostic about a misspelled `word` at `span`: "did you mean `x`?" with a
 * fix that writes `x` there when a candidate is close, and `otherwise` (no fix) when none is.
 */
export function didYouMean(word: string, candidates: Iterable<string>, span: Span, otherwise: string): { help: string; fixes: Fix[] } {
  const guess = closest(word, candidates);
  if (guess === undefined) return { help: otherwise, fixes: [] };
  return { help: `did you mean \`${guess}\`?`, fixes: [{ title: `Change to \`${guess}\``, edits: [{ span, newText: guess }] }] };
}
