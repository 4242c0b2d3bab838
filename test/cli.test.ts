// The `nnc` command as a user runs it: a real process, its exit code, stdout and stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'nnc-cli-'));

function nnc(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`${root}bin/nnc.js`, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  writeFileSync(join(work, name), text);
  return name;
}

function expectNoStackTrace(out: { stdout: string; stderr: string }): void {
  expect(out.stderr + out.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('nnc check', () => {
  const mismatch = file('mismatch.nn', 'model Net {\n  input x: [batch, 3]\n  dense(8, in: 4)\n  dense(1)\n}\n');
  const misspelled = file('misspelled.nn', 'model Net {\n  input x: [batch, 2]\n  dens(4)\n}\n');

  it('reports a shape mismatch with file:line:col, code, expected vs found and a suggestion; exit 1', () => {
    const out = nnc('check', mismatch);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('error[NN3102]: shape mismatch at the input of `dense`');
    expect(out.stderr).toContain('--> mismatch.nn:3:12');
    expect(out.stderr).toContain('expects [batch, 4], found [batch, 3]');
    expect(out.stderr).toContain('help: remove `in: 4` (it is inferred), or change it to 3');
    expectNoStackTrace(out);
  });

  it('suggests the layer a misspelling meant', () => {
    const out = nnc('check', misspelled);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('error[NN2001]: unknown layer `dens`');
    expect(out.stderr).toContain('--> misspelled.nn:3:3');
    expect(out.stderr).toContain('help: did you mean `dense`?');
  });

  it('--json prints the same as JSON', () => {
    const out = nnc('check', mismatch, '--json');
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout);
    expect(json.diagnostics).toHaveLength(1);
    expect(json.diagnostics[0]).toMatchObject({
      file: 'mismatch.nn',
      code: 'NN3102',
      severity: 'error',
      line: 3,
      column: 12,
      expected: '[batch, 4]',
      found: '[batch, 3]',
      help: 'remove `in: 4` (it is inferred), or change it to 3',
    });
    const typo = JSON.parse(nnc('check', misspelled, '--json').stdout).diagnostics[0];
    expect(typo.fixes[0]).toMatchObject({ title: 'Change to `dense`', edits: [{ line: 3, column: 3, endColumn: 7, newText: 'dense' }] });
  });

  it('exits 0 on a clean file', () => {
    const out = nnc('check', `${root}examples/xor.nn`);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('ok');
  });

  it('exits 2 on usage errors, with one line and no stack trace', () => {
    for (const args of [['check'], ['check', 'missing.nn'], ['check', mismatch, '--nope'], ['frobnicate'], ['check', '.'], ['train', mismatch, '--backend', 'tpu'], ['train', mismatch, '--seed', '-1']]) {
      const out = nnc(...args);
      expect(out.code, args.join(' ')).toBe(2);
      expect(out.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(out.stderr).toMatch(/^error: /);
    }
  });

  it('bad input of every kind ends in diagnostics, never a stack trace', () => {
    const inputs: Record<string, string | Buffer> = {
      'empty.nn': '',
      'binary.nn': Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256)),
      'long.nn': 'model M { input x: [batch, 2] ' + 'x'.repeat(1_048_576) + ' }',
      'loss.nn': 'model M { input x: [batch, 1]\n dense(1) }\ndata d = table { x -> y\n 1 -> 1 }\ntrain M on d { loss: hinge }',
      'negative.nn': 'model M { input x: [batch, 2]\n dense(-3) }',
    };
    for (const [name, content] of Object.entries(inputs)) {
      writeFileSync(join(work, name), content);
      const out = nnc('check', name);
      expectNoStackTrace(out);
      expect(out.stderr, name).toMatch(/(error|warning)\[NN\d{4}\]/);
      expect(out.code, name).toBe(name === 'empty.nn' ? 0 : 1);
    }
  });
});

describe('nnc summary', () => {
  it('prints the Keras layout with totals', () => {
    const out = nnc('summary', `${root}examples/xor.nn`);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Model: "Xor"');
    expect(out.stdout).toMatch(/│ dense \(Dense\)\s+│ \(batch, 4\)\s+│\s+12 │/);
    expect(out.stdout).toMatch(/│ dense_1 \(Dense\)\s+│ \(batch, 1\)\s+│\s+5 │/);
    expect(out.stdout).toContain('Total params: 17 (68.00 B)');
    expect(out.stdout).toContain('Non-trainable params: 0 (0.00 B)');
  });
});

describe('nnc compile', () => {
  it('writes the same module compile() returns', () => {
    const src = readFileSync(`${root}examples/xor.nn`, 'utf8');
    writeFileSync(join(work, 'xor.nn'), src);
    const out = nnc('compile', 'xor.nn', '-o', 'out.ts');
    expect(out.code).toBe(0);
    expect(readFileSync(join(work, 'out.ts'), 'utf8')).toBe(compile(src, { fileName: 'xor.nn' }).output);
    expect(nnc('compile', 'xor.nn').code).toBe(0);
    expect(existsSync(join(work, 'xor.ts'))).toBe(true);
  });

  it('writes nothing when the file has errors', () => {
    writeFileSync(join(work, 'broken.nn'), 'model M { input x: [batch, 2]\n dens(1) }');
    expect(nnc('compile', 'broken.nn').code).toBe(1);
    expect(existsSync(join(work, 'broken.ts'))).toBe(false);
  });
});

describe('nnc train', () => {
  it('trains XOR to accuracy 1.0 on the default wasm backend', () => {
    const out = nnc('train', `${root}examples/xor.nn`);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('wasm');
    expect(out.stdout).toMatch(/Xor: loss \S+\s+accuracy 1\.0000/);
    // Not a TTY: a compact log (the first epoch, every N-th and the last), not 500 lines.
    const epochs = out.stderr.split('\n').filter((l) => l.startsWith('epoch ')).map((l) => Number(/^epoch\s+(\d+)\/500 /.exec(l)?.[1]));
    expect(epochs.length).toBeGreaterThan(2);
    expect(epochs.length).toBeLessThanOrEqual(25);
    expect(epochs[0]).toBe(1);
    expect(epochs.at(-1)).toBe(500);
    expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
  });

  it('draws a progress bar when stderr is a terminal (a pseudo-terminal from util-linux `script`)', () => {
    const command = [process.execPath, `${root}bin/nnc.js`, 'train', `${root}examples/xor.nn`, '--backend', 'cpu', '--out', 'xor-tty'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 500\/500 \S+ 100% \| eta 0s \| loss /);
    expect(r.stdout).not.toMatch(/^epoch +1\/500  loss/m);
  });

  it('stops with a clear message when the loss diverges', () => {
    file('diverge.nn', `model M { input x: [batch, 1]\n dense(1) }\ndata d = table { x -> y\n 1 -> 1e30\n 2 -> -1e30 }\ntrain M on d { loss: mse\n optimizer: sgd(lr: 1e30)\n epochs: 50 }`);
    const out = nnc('train', 'diverge.nn', '--quiet');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/error: \[NN4301\] .*epoch \d+.*step \d+/);
    expectNoStackTrace(out);
  });

  it('says so when a file has nothing to train', () => {
    file('notrain.nn', 'model M { input x: [batch, 1]\n dense(1) }');
    const out = nnc('train', 'notrain.nn');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('no `train` block');
  });

  it('saves the trained weights with --out', () => {
    const out = nnc('train', `${root}examples/xor.nn`, '--quiet', '--backend', 'cpu', '--out', 'xor-weights');
    expect(out.code, out.stderr).toBe(0);
    expect(existsSync(join(work, 'xor-weights', 'weights.json'))).toBe(true);
    expect(existsSync(join(work, 'xor-weights', 'weights.bin'))).toBe(true);
  });
});
