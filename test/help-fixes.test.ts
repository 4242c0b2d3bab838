// Every help is a promise: following it fixes the mistake. Each test/help-fixes/<case>.nn holds a
// program with one mistake and says, in comments at its top, which diagnostic it gets and what the
// program gets once the help is followed:
//
//   // code: NN3012                  the first error's code
//   // help: channels-first           (optional) text the help must contain
//   // after: clean | NN3011          the program once fixed: no errors, or this (different) error first
//   // severity: warning              (optional) the case is about a warning, not an error
//   // file: data.json                (optional) a data file beside the case that the program reads
//   // missing: other.csv             (optional) a data file the program names that does not exist
//
// The fix applied is the diagnostic's machine-applicable fix (the editor's quick fix) when it has
// one; otherwise the case states the help's change as a `// fixed: <line>` comment right under the
// line it replaces, and the test makes that change. Then the program is checked again.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import type { Diagnostic, Fix } from '../compiler/diagnostics/types.js';

const dir = fileURLToPath(new URL('./help-fixes/', import.meta.url));
const cases = readdirSync(dir).filter((f) => f.endsWith('.nn')).sort();

function header(source: string, key: string): string | undefined {
  return new RegExp(`^// ${key}: (.+)$`, 'm').exec(source)?.[1]?.trim();
}

function diagnosticsOf(source: string): Diagnostic[] {
  const file = header(source, 'file');
  const missing = header(source, 'missing');
  const files: Record<string, string | null> = {};
  if (file) files[file] = readFileSync(dir + file, 'utf8');
  if (missing) files[missing] = null;
  return compile(source, { emit: false, ...(file || missing ? { files } : {}) }).diagnostics;
}

/** Applies a fix's edits, last first, so earlier offsets stay valid. */
export function applyFix(source: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.span.start - a.span.start);
  return edits.reduce((text, e) => text.slice(0, e.span.start) + e.newText + text.slice(e.span.end), source);
}

/** Replaces each line followed by a `// fixed: <line>` comment with that line (and drops the comment). */
export function applyStatedFix(source: string): string | undefined {
  const lines = source.split('\n');
  const out: string[] = [];
  let changed = false;
  for (const line of lines) {
    const stated = /^(\s*)\/\/ fixed: (.*)$/.exec(line);
    if (stated) {
      out[out.length - 1] = stated[1]! + stated[2]!;
      changed = true;
    } else out.push(line);
  }
  return changed ? out.join('\n') : undefined;
}

describe('helps that fix the mistake', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(20));
  for (const file of cases) {
    it(file.slice(0, -3), () => {
      const source = readFileSync(dir + file, 'utf8');
      const code = header(source, 'code');
      const after = header(source, 'after');
      expect(code, 'the case names its code').toMatch(/^NN\d{4}$/);
      expect(after, 'the case says what follows the fix').toMatch(/^(clean|NN\d{4})$/);
      const severity = header(source, 'severity') ?? 'error';
      const before = diagnosticsOf(source).find((d) => d.severity === severity);
      expect(before?.code, `first error: ${before?.message}`).toBe(code);
      const help = header(source, 'help');
      if (help) expect(before!.help ?? '').toContain(help);
      const machine = before!.fixes[0];
      const stated = applyStatedFix(source);
      // One way to fix each case: a stated change would hide a machine fix that does not work.
      expect(machine === undefined || stated === undefined, 'a case with a machine fix states none').toBe(true);
      const fixed = machine ? applyFix(source, machine) : stated;
      expect(fixed, 'no machine fix: the case states the help\'s change with `// fixed:`').toBeDefined();
      const all = diagnosticsOf(fixed!);
      const next = all.find((d) => d.severity === 'error');
      expect(all.some((d) => d.code === before!.code && d.message === before!.message), 'the complaint is gone').toBe(false);
      if (after === 'clean') expect(next, `after the fix: ${next?.code} ${next?.message}`).toBeUndefined();
      else {
        expect(next?.code, `after the fix: ${next?.message}`).toBe(after);
      }
    });
  }
});

/** Codes whose diagnostics carry a machine-applicable fix somewhere in the compiler. */
const codesWithFixes = ['NN2001', 'NN2002', 'NN2004', 'NN2005', 'NN2006', 'NN2008', 'NN3001', 'NN3011', 'NN3012', 'NN3013', 'NN3101', 'NN3102', 'NN3103', 'NN4002', 'NN4004', 'NN4010', 'NN4013', 'NN4017', 'NN4018', 'NN4019'];

describe('coverage', () => {
  it('has a case that applies the machine fix of every code offering one', () => {
    const machineFixed = new Set<string>();
    for (const file of cases) {
      const source = readFileSync(dir + file, 'utf8');
      const severity = header(source, 'severity') ?? 'error';
      const d = diagnosticsOf(source).find((x) => x.severity === severity);
      if (d && d.fixes.length > 0) machineFixed.add(d.code);
    }
    expect(codesWithFixes.filter((c) => !machineFixed.has(c))).toEqual([]);
  });
});
