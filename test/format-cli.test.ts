// `nnc fmt` as a user runs it: print, --check, --write, and files with syntax errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'nnc-fmt-'));

function nnc(...args: string[]) {
  const r = spawnSync(process.execPath, [`${root}bin/nnc.js`, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const messy = 'model  M{\ninput x:[batch,2]\ndense(1)}\n';
const clean = 'model M {\n  input x: [batch, 2]\n  dense(1)\n}\n';

describe('nnc fmt', () => {
  it('prints the formatted file', () => {
    writeFileSync(join(work, 'a.nn'), messy);
    const out = nnc('fmt', 'a.nn');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(clean);
  });

  it('--check: exit 1 when not formatted, 0 when formatted', () => {
    writeFileSync(join(work, 'b.nn'), messy);
    const bad = nnc('fmt', 'b.nn', '--check');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('b.nn: not formatted');
    writeFileSync(join(work, 'c.nn'), clean);
    expect(nnc('fmt', 'c.nn', '--check').code).toBe(0);
  });

  it('--write rewrites the file in place', () => {
    writeFileSync(join(work, 'd.nn'), messy);
    expect(nnc('fmt', 'd.nn', '--write').code).toBe(0);
    expect(readFileSync(join(work, 'd.nn'), 'utf8')).toBe(clean);
  });

  it('a file with syntax errors is reported and left alone', () => {
    const broken = 'model M {\n  input x: [batch 2]\n}\n';
    writeFileSync(join(work, 'e.nn'), broken);
    const out = nnc('fmt', 'e.nn', '--write');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('error[NN1001]');
    expect(out.stderr).toContain('fix the syntax errors first');
    expect(readFileSync(join(work, 'e.nn'), 'utf8')).toBe(broken);
  });

  it('usage errors exit 2', () => {
    expect(nnc('fmt').code).toBe(2);
    expect(nnc('fmt', 'a.nn', '--check', '--write').code).toBe(2);
    expect(nnc('lsp').code).toBe(2);
  });
});
