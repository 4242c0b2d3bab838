// The habits a command line is expected to have, through the built `nnc` (dist/): `--help` on every
// command, several files where that makes sense, `-o` that creates folders and takes `-` for stdout,
// `summary --json`, and `--watch` (a real child process, edited under its feet, then Ctrl-C).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { formatSummary } from '../compiler/summary.js';
import { summaryJson } from '../cli/summary-json.js';
import { commandHelp } from '../cli/usage.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'nnc-conventions-'));
const env = { ...process.env, NO_COLOR: '1' };

function nnc(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`${root}bin/nnc.js`, ...args], { cwd: work, encoding: 'utf8', env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  writeFileSync(join(work, name), text);
  return name;
}

const clean = 'model M {\n  input x: [batch, 2]\n  dense(1)\n}\n';
const messy = 'model  M{\ninput x:[batch,2]\ndense(1)}\n';
const mismatch = 'model Net {\n  input x: [batch, 3]\n  dense(8, in: 4)\n}\n';
const xor = readFileSync(join(root, 'examples/xor.nn'), 'utf8');

describe('--help', () => {
  const commands = Object.keys(commandHelp);

  it('every command prints its own help and exits 0, wherever --help stands on the line', () => {
    expect(commands).toEqual(['check', 'compile', 'summary', 'graph', 'train', 'fmt', 'lsp']);
    for (const command of commands) {
      for (const args of [[command, '--help'], [command, 'x.nn', '--help'], [command, '-h', '--nope'], ['help', command]]) {
        const out = nnc(...args);
        expect(out.code, args.join(' ')).toBe(0);
        expect(out.stderr, args.join(' ')).toBe('');
        expect(out.stdout, args.join(' ')).toMatch(new RegExp(`^nnc ${command}: .+\\n\\nUsage: nnc ${command} `));
        expect(out.stdout).toContain('-h, --help');
      }
    }
  });

  it('a command help lists every option the command accepts', () => {
    const out = nnc('train', '--help');
    for (const option of ['--backend', '--threads', '--seed', '--out', '--resume', '--tape', '--quiet']) expect(out.stdout).toContain(option);
    expect(nnc('compile', '--help').stdout).toMatch(/-o, --out OUT\.ts .*`-` is stdout/);
  });

  it('nnc --help lists every command; nnc help with an unknown command is a usage error', () => {
    const out = nnc('--help');
    expect(out.code).toBe(0);
    for (const command of commands) expect(out.stdout).toContain(`  nnc ${command} `);
    const bad = nnc('help', 'frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: unknown command `frobnicate`/);
  });

  it('an unknown option points at the command help', () => {
    const out = nnc('check', 'x.nn', '--nope');
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('error: unknown option `--nope` (see `nnc check --help`)\n');
  });
});

describe('several files', () => {
  file('ok1.nn', clean);
  file('ok2.nn', xor);
  file('bad.nn', mismatch);

  it('nnc check A B C: each file reported, exit 1 when any has errors, 0 when none', () => {
    const out = nnc('check', 'ok1.nn', 'bad.nn', 'ok2.nn');
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('ok1.nn: ok (1 model)');
    expect(out.stdout).toContain('ok2.nn: ok (1 model)');
    expect(out.stderr).toContain('--> bad.nn:3:12');
    expect(out.stderr).toContain('bad.nn: 1 error, 0 warnings');
    expect(out.stderr).toContain('checked 3 files: 1 with errors (1 error, 0 warnings)');
    const good = nnc('check', 'ok1.nn', 'ok2.nn');
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('checked 2 files: all ok');
  });

  it('nnc check --json A B: per-file results, and every diagnostic names its file', () => {
    const out = nnc('check', 'ok1.nn', 'bad.nn', '--json');
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout);
    expect(json.file).toBeUndefined();
    expect(json).toMatchObject({
      errors: 1,
      warnings: 0,
      files: [
        { file: 'ok1.nn', ok: true, errors: 0, warnings: 0 },
        { file: 'bad.nn', ok: false, errors: 1, warnings: 0 },
      ],
    });
    expect(json.diagnostics).toHaveLength(1);
    expect(json.diagnostics[0]).toMatchObject({ file: 'bad.nn', code: 'NN3102', line: 3, column: 12 });
    // One file: the same shape, with `file` at the top as well.
    const one = JSON.parse(nnc('check', 'ok1.nn', '--json').stdout);
    expect(one).toEqual({ file: 'ok1.nn', errors: 0, warnings: 0, files: [{ file: 'ok1.nn', ok: true, errors: 0, warnings: 0 }], diagnostics: [] });
  });

  it('a missing file among several is a usage error before anything is checked', () => {
    const out = nnc('check', 'ok1.nn', 'nowhere.nn');
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe('error: cannot read nowhere.nn: no such file\n');
  });

  it('nnc fmt --check A B C lists the files that are not formatted; exit 1 if any', () => {
    file('f1.nn', clean);
    file('f2.nn', messy);
    file('f3.nn', messy);
    const out = nnc('fmt', '--check', 'f1.nn', 'f2.nn', 'f3.nn');
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('f2.nn: not formatted\nf3.nn: not formatted\n2 of 3 files not formatted (run `nnc fmt --write` on them)\n');
    expect(nnc('fmt', '--check', 'f1.nn', 'ok1.nn').code).toBe(0);
  });

  it('nnc fmt --write A B C rewrites those that need it and names them; a file with syntax errors is left alone (exit 1)', () => {
    file('w1.nn', clean);
    file('w2.nn', messy);
    const broken = 'model M {\n  input x: [batch 2]\n}\n';
    file('w3.nn', broken);
    const out = nnc('fmt', '--write', 'w1.nn', 'w2.nn', 'w3.nn');
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('formatted w2.nn\n');
    expect(out.stderr).toContain('w3.nn: not formatted: fix the syntax errors first');
    expect(readFileSync(join(work, 'w2.nn'), 'utf8')).toBe(clean);
    expect(readFileSync(join(work, 'w3.nn'), 'utf8')).toBe(broken);
    expect(nnc('fmt', '--write', 'w1.nn', 'w2.nn').code).toBe(0);
  });

  it('nnc fmt prints one file only: several without --check or --write is a usage error', () => {
    const out = nnc('fmt', 'f1.nn', 'f2.nn');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: printing takes one file; give --check or --write/);
  });

  it('nnc compile A B writes each module beside its source; -o with several files is a usage error', () => {
    file('c1.nn', clean);
    file('c2.nn', xor);
    const out = nnc('compile', 'c1.nn', 'c2.nn');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('wrote c1.ts\nwrote c2.ts\n');
    expect(readFileSync(join(work, 'c2.ts'), 'utf8')).toBe(compile(xor, { fileName: 'c2.nn' }).output);
    expect(nnc('compile', 'c1.nn', 'c2.nn', '-o', 'x.ts').code).toBe(2);
  });

  it('commands about one model still take one file', () => {
    const out = nnc('summary', 'ok1.nn', 'ok2.nn');
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('error: `nnc summary` takes one file, got 2\n');
  });
});

describe('-o', () => {
  file('o.nn', xor);

  it('creates the folders the output goes in', () => {
    const out = nnc('compile', 'o.nn', '-o', 'new/deeper/o.ts');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('wrote new/deeper/o.ts\n');
    expect(readFileSync(join(work, 'new/deeper/o.ts'), 'utf8')).toBe(compile(xor, { fileName: 'o.nn' }).output);
    const dot = nnc('graph', 'o.nn', '--dot', '-o', 'pictures/o.dot');
    expect(dot.code, dot.stderr).toBe(0);
    expect(readFileSync(join(work, 'pictures/o.dot'), 'utf8')).toMatch(/^digraph/);
  });

  it('`-o -` writes the product to stdout and no file named `-`', () => {
    const out = nnc('compile', 'o.nn', '-o', '-');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(compile(xor, { fileName: 'o.nn' }).output);
    const dot = nnc('graph', 'o.nn', '--dot', '-o', '-');
    expect(dot.code, dot.stderr).toBe(0);
    expect(dot.stdout).toMatch(/^digraph/);
    expect(dot.stdout).not.toContain('wrote');
    const svg = nnc('graph', 'o.nn', '-o', '-');
    expect(svg.stdout).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
    expect(existsSync(join(work, '-'))).toBe(false);
  });

  it('an output that cannot be written is one line, exit 2', () => {
    file('blocker', 'a file, not a folder');
    const out = nnc('compile', 'o.nn', '-o', 'blocker/o.ts');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: cannot write blocker\/o\.ts: .+\n$/);
  });
});

describe('nnc summary --json', () => {
  it('gives the model, its layers (name, kind, type, output shape, params) and totals', () => {
    const out = nnc('summary', `${root}examples/xor.nn`, '--json');
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      version: 1,
      file: `${root}examples/xor.nn`,
      models: [
        {
          name: 'Xor',
          inputs: [{ name: 'x', shape: ['batch', 2] }],
          outputs: [{ name: 'output', shape: ['batch', 1] }],
          layers: [
            { name: 'dense', kind: 'dense', type: 'Dense', outputShape: ['batch', 4], params: 12, trainableParams: 12 },
            { name: 'dense_1', kind: 'dense', type: 'Dense', outputShape: ['batch', 1], params: 5, trainableParams: 5 },
          ],
          totals: { params: 17, trainableParams: 17, nonTrainableParams: 0, bytes: 68 },
        },
      ],
    });
  });

  it('agrees with the table for every example: rows, shapes, counts and totals', () => {
    const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.nn'));
    expect(examples.length).toBeGreaterThan(10);
    let blocks = 0;
    let frozen = 0;
    for (const name of examples) {
      const program = compile(readFileSync(join(root, 'examples', name), 'utf8'), { fileName: name, emit: false }).program;
      const json = summaryJson(name, program.models);
      json.models.forEach((model, i) => {
        const table = formatSummary(program.models[i]!);
        const rows = table.split('\n').filter((l) => l.startsWith('│'));
        const layerRows = rows.filter((r) => !r.includes('(InputLayer)'));
        expect(layerRows.length, `${name} ${model.name}`).toBe(model.layers.length);
        model.layers.forEach((layer, j) => {
          const cells = layerRows[j]!.split('│').map((c) => c.trim());
          expect(cells[1]).toBe(`${layer.name} (${layer.type})`);
          expect(cells[2]).toBe(`(${layer.outputShape.join(', ')})`);
          expect(cells[3]).toBe(layer.params.toLocaleString('en-US'));
        });
        expect(model.layers.reduce((n, l) => n + l.params, 0)).toBe(model.totals.params);
        expect(model.layers.reduce((n, l) => n + l.trainableParams, 0)).toBe(model.totals.trainableParams);
        expect(table).toContain(`Total params: ${model.totals.params.toLocaleString('en-US')} `);
        expect(table).toContain(`Non-trainable params: ${model.totals.nonTrainableParams.toLocaleString('en-US')} `);
        blocks += model.layers.filter((l) => l.block !== undefined).length;
        frozen += model.totals.nonTrainableParams;
      });
    }
    // The examples exercise the optional parts: layers from blocks, non-trainable weights.
    expect(blocks).toBeGreaterThan(0);
    expect(frozen).toBeGreaterThan(0);
  });

  it('a file with errors prints its diagnostics and no JSON (exit 1)', () => {
    file('sbad.nn', mismatch);
    const out = nnc('summary', 'sbad.nn', '--json');
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('error[NN3102]');
  });
});

/** A running `nnc … --watch`, with what it has printed so far. */
function startWatch(...args: string[]) {
  const child = spawn(process.execPath, [`${root}bin/nnc.js`, ...args], { cwd: work, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    output: () => stdout + stderr,
    /** Waits until the output holds `text` `times` times in all (the watch prints the same lines each round). */
    async waitFor(text: string, times = 1, timeoutMs = 20_000): Promise<void> {
      const start = Date.now();
      while (stdout.split(text).length - 1 + (stderr.split(text).length - 1) < times) {
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${JSON.stringify(text)} ×${times}; output so far:\n${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async interrupt(): Promise<number | null> {
      child.kill('SIGINT');
      return exited;
    },
  };
}

describe('--watch', () => {
  it('nnc check --watch reruns on every save, shows the new diagnostics, and Ctrl-C exits 0', async () => {
    file('watched.nn', clean);
    const watch = startWatch('check', '--watch', 'watched.nn');
    try {
      await watch.waitFor('watching 1 file for changes (Ctrl-C to stop)');
      expect(watch.output()).toContain('watched.nn: ok (1 model)');
      file('watched.nn', 'model M {\n  input x: [batch, 2]\n  dens(1)\n}\n');
      await watch.waitFor('watched.nn: 1 error, 0 warnings');
      expect(watch.output()).toContain('watched.nn changed');
      expect(watch.output()).toContain('error[NN2001]: unknown layer `dens`');
      // Saved as editors do: a new file renamed over the old one.
      writeFileSync(join(work, 'watched.nn.tmp'), clean);
      renameSync(join(work, 'watched.nn.tmp'), join(work, 'watched.nn'));
      await watch.waitFor('watched.nn: ok (1 model)', 2);
      await watch.waitFor('watching 1 file for changes', 3);
      // A file it does not read changes nothing.
      const before = watch.output();
      file('unrelated.nn', messy);
      await new Promise((r) => setTimeout(r, 600));
      expect(watch.output()).toBe(before);
    } finally {
      expect(await watch.interrupt()).toBe(0);
    }
  });

  it('a change to a csv file the source reads reruns the check', async () => {
    file('growth.csv', 'hours,od600\n0,0.05\n2,0.10\n');
    file('growth.nn', 'model G {\n  input x: [batch, 1]\n  dense(1)\n}\ndata growth = csv("growth.csv", features: [hours], labels: [od600])\ntrain G on growth {\n  loss: mse\n  epochs: 1\n}\n');
    const watch = startWatch('check', '-w', 'growth.nn');
    try {
      await watch.waitFor('watching 2 files for changes');
      expect(watch.output()).toContain('growth.nn: ok (1 model)');
      file('growth.csv', 'hours,od\n0,0.05\n');
      await watch.waitFor("error[NN4015]: growth.csv has no column 'od600'");
      expect(watch.output()).toContain('growth.csv changed');
    } finally {
      expect(await watch.interrupt()).toBe(0);
    }
  });

  it('--watch with `-o -` is a usage error: a watch writes files', () => {
    file('cw0.nn', clean);
    const out = nnc('compile', 'cw0.nn', '--watch', '-o', '-');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: `--watch` writes files/);
  });

  it('nnc compile --watch writes the module again on change, and keeps watching through errors', async () => {
    file('cw.nn', clean);
    const watch = startWatch('compile', '--watch', 'cw.nn', '-o', 'cw-out/cw.ts');
    try {
      await watch.waitFor('watching 1 file for changes');
      expect(readFileSync(join(work, 'cw-out/cw.ts'), 'utf8')).toBe(compile(clean, { fileName: 'cw.nn' }).output);
      file('cw.nn', mismatch);
      await watch.waitFor('error[NN3102]');
      await watch.waitFor('watching 1 file for changes', 2);
      file('cw.nn', xor);
      await watch.waitFor('watching 1 file for changes', 3);
      expect(readFileSync(join(work, 'cw-out/cw.ts'), 'utf8')).toBe(compile(xor, { fileName: 'cw.nn' }).output);
    } finally {
      expect(await watch.interrupt()).toBe(0);
    }
  });
});

describe('docs/language.md, "The command line"', () => {
  const doc = readFileSync(join(root, 'docs/language.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The command line'), doc.indexOf('## Using the generated module'));

  it('shows the synopsis of every command as its --help does', () => {
    for (const [name, help] of Object.entries(commandHelp)) expect(section, name).toContain(`\n${help.synopsis}\n`);
  });

  it('shows the JSON of `nnc summary --json` as it is', () => {
    const shown = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    const r = spawnSync(process.execPath, [`${root}bin/nnc.js`, 'summary', 'examples/xor.nn', '--json'], { cwd: root, encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(shown ?? 'null')).toEqual(JSON.parse(r.stdout));
  });
});
