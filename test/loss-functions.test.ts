// The functions a loss formula may call are one table (compiler/loss-functions.ts). Every entry is
// checked with its arity, emitted, and differentiated: its derivative agrees with tf.grad of the
// emitted loss on cpu; and the reference lists exactly the table's functions.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { lossFunctions } from '../compiler/loss-functions.js';
import { tf, useBackend, type CustomLoss, type TrainPlan } from '../runtime/index.js';
import { outDir } from './helpers/load.js';
import { randomValues, relativeError } from './kernels/helpers.js';

const language = readFileSync(fileURLToPath(new URL('../docs/language.md', import.meta.url)), 'utf8');

/** `f(pred, y, …)` with as many values as the function takes; pred is positive (for log and sqrt), y on either side of it. */
const callOf = (name: string, arity: number) => `${name}(${['pred', 'y', 'y + 1'].slice(0, arity).join(', ')})`;
const formulaOf = (name: string, arity: number) => `mean(${callOf(name, arity)} * y)`;

const program = (losses: string[]) => `model M {
  input x: [batch, 2]
  dense(2)
}

data d = table {
  a, b -> c, e
  1, 2 -> 3, 4
}
${losses.map((loss) => `\ntrain M on d {\n  loss: ${loss}\n}\n`).join('')}`;

describe('the loss-function table', () => {
  it('docs/language.md lists exactly its functions', () => {
    const line = /\*\*Functions:\*\*([^]*?)\./.exec(language)?.[1] ?? '';
    const documented = [...line.matchAll(/`(\w+)(?:\([^`]*\))?`/g)].map((m) => m[1]);
    expect(documented).toEqual(lossFunctions.map((f) => f.name));
  });

  it('the checker takes each function with its arity and refuses one more value', () => {
    for (const f of lossFunctions) {
      expect(compile(program([formulaOf(f.name, f.arity)]), { emit: false }).diagnostics, f.name).toEqual([]);
      const tooMany = compile(program([`mean(${f.name}(${Array(f.arity + 1).fill('pred').join(', ')}))`]), { emit: false }).diagnostics;
      expect(tooMany.map((d) => d.code), f.name).toEqual(['NN4019']);
    }
  });

  describe('each derivative agrees with tf.grad of the emitted loss', () => {
    let losses: CustomLoss[] = [];
    beforeAll(async () => {
      await useBackend('cpu');
      const result = compile(program(lossFunctions.map((f) => formulaOf(f.name, f.arity))), { fileName: 'functions.nn' });
      if (result.output === undefined) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
      mkdirSync(outDir, { recursive: true });
      const file = `${outDir}${createHash('sha1').update(result.output).digest('hex').slice(0, 12)}.ts`;
      writeFileSync(file, result.output);
      const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      losses = lossFunctions.map((_, i) => (module[i === 0 ? 'MPlan' : `M_${i + 1}Plan`] as TrainPlan).loss as CustomLoss);
    });

    lossFunctions.forEach((f, i) => {
      it(formulaOf(f.name, f.arity), () => {
        const loss = losses[i]!;
        expect(typeof loss.gradient).toBe('function');
        tf.tidy(() => {
          const pred = tf.tensor2d(Array.from(randomValues(8, 3 + i), (v) => 0.6 + 0.5 * v), [4, 2]);
          const y = tf.tensor2d(Array.from(randomValues(8, 40 + i)), [4, 2]);
          const want = tf.grad((p: tf.Tensor) => loss(y, p))(pred).dataSync();
          const got = loss.gradient!(y, pred).dataSync();
          expect([...want].some((v) => v !== 0)).toBe(true);
          expect(relativeError(got, want)).toBeLessThan(1e-4);
        });
      });
    });
  });
});
