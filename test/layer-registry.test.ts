// The one-entry rule, enforced: walking the registry, every layer has a shape rule, a parameter-count
// case (its count checked against the hand count beside it), a gradient case (run by
// test/layer-gradients.test.ts), FLOPs that its case's shapes determine, a backward rule (or a
// stated reason for none), and a section in docs/language.md. A layer added without one of these
// fails here, naming what is missing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { compile } from '../compiler/compile.js';
import { layerFlops } from '../compiler/cost.js';
import type { ModelIR } from '../compiler/ir.js';
import { activationByName } from '../compiler/layers/activations.js';
import { layers } from '../compiler/layers/registry.js';
import { caseSource, GRADIENT_CASES, PARAM_CASES, type Case } from './helpers/layer-cases.js';

const docs = readFileSync(fileURLToPath(new URL('../docs/language.md', import.meta.url)), 'utf8');

/** Layers the derived backward pass leaves to the tape, and why. */
const WITHOUT_DERIVED_GRADIENT: Record<string, string> = {
  one_hot: 'it reads ids: nothing below it has a weight, so no gradient passes through it',
  step: 'its derivative is 0 almost everywhere; training uses the straight-through gradient on the tape',
};

function modelOf(c: Case): ModelIR {
  const result = compile(caseSource(c), { fileName: 'case.nn', emit: false });
  const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
  expect(errors, caseSource(c)).toEqual([]);
  return result.program!.models[0]!;
}

describe('every layer of the registry is complete', () => {
  for (const def of layers) {
    describe(def.name, () => {
      it('has a shape rule, weights, an emitter and a FLOPs rule', () => {
        expect(typeof def.outputShape).toBe('function');
        expect(typeof def.weights).toBe('function');
        expect(typeof def.emit).toBe('function');
        expect(typeof def.flops).toBe('function');
      });

      it('has a parameter-count case that holds', () => {
        const c = PARAM_CASES[def.name];
        expect(c, `no parameter-count case for ${def.name} in test/helpers/layer-cases.ts`).toBeDefined();
        const model = modelOf(c!.model);
        expect(model.nodes.map((n) => n.def.name)).toContain(def.name);
        expect(model.paramCount).toBe(c!.params);
      });

      it('has a gradient case', () => {
        expect(GRADIENT_CASES[def.name], `no gradient case for ${def.name} in test/helpers/layer-cases.ts`).toBeDefined();
      });

      it('counts its FLOPs on its cases, and every layer there counts its own', () => {
        for (const c of [PARAM_CASES[def.name]?.model, GRADIENT_CASES[def.name]].filter((x): x is Case => x !== undefined)) {
          for (const node of modelOf(c).nodes) {
            const flops = layerFlops(node);
            expect(flops, `${node.id} in\n${caseSource(c)}`).toBeDefined();
            expect(Number.isInteger(flops!.forward) && flops!.forward >= 0).toBe(true);
            expect(flops!.training).toBeGreaterThanOrEqual(flops!.forward);
          }
        }
      });

      it('has a backward rule, or a reason for none', () => {
        const reason = WITHOUT_DERIVED_GRADIENT[def.name];
        const activation = activationByName.get(def.name);
        const derived = def.backward !== undefined && (activation === undefined || activation.derivative !== undefined);
        expect(derived || reason !== undefined, `${def.name} has no backward rule and no stated reason`).toBe(true);
        // A reason is only for a layer that needs one.
        if (reason !== undefined) expect(derived, `${def.name} has a rule now: drop its reason`).toBe(false);
      });

      it('has a section in docs/language.md', () => {
        // Activations share one table (they are also `activation:` values); the rest have a section.
        expect(docs).toContain(activationByName.has(def.name) ? `| \`${def.name}\` |` : `#### \`${def.name}\``);
      });

      it('says for each weight whether L1/L2 reach it: the kernels', () => {
        const c = PARAM_CASES[def.name];
        if (c === undefined) return; // reported above
        for (const node of modelOf(c.model).nodes) {
          for (const w of node.weights) expect(w.regularized, `${node.id}/${w.name}`).toBe(/(^|_)kernel(\d)?$/.test(w.name));
        }
      });
    });
  }

  it('has no case for a layer the registry lacks', () => {
    const names = new Set(layers.map((l) => l.name));
    expect(Object.keys(PARAM_CASES).filter((n) => !names.has(n))).toEqual([]);
    expect(Object.keys(GRADIENT_CASES).map((n) => n.split(',')[0]!).filter((n) => !names.has(n))).toEqual([]);
  });
});
