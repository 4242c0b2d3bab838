// Which losses fit which final activations and which label encodings, as data. A loss that does not
// fit the model's last activation trains without an error but learns the wrong thing (a softmax
// scored by `binary_crossentropy` stops near chance), so each mismatch says what to change, and the
// change is one that makes the pair fit.
import type { LossName } from '../../runtime/types.js';
import type { Fix } from '../diagnostics/types.js';
import type { ModelIR } from '../ir.js';
import { activations } from '../layers/activations.js';
import type { ActivationValue } from '../layers/types.js';
import type { Span } from '../syntax/ast.js';

/** The function the model's last layer applies; `other` when it is not one a loss cares about. */
export type FinalActivation = 'sigmoid' | 'softmax' | 'linear' | 'tanh' | 'relu' | 'other';

/**
 * How the labels are written: 0/1 per column (`binary`), one 1 per row over several columns
 * (`one-hot`), one column of class numbers 0, 1, 2, … (`class-ids`), values in [0, 1]
 * (`fractions`), or any real numbers (`real`).
 */
export type LabelEncoding = 'binary' | 'one-hot' | 'class-ids' | 'fractions' | 'real';

interface LossFit {
  /** The final activations the loss expects; any other is reported. Undefined: any activation. */
  activations?: readonly FinalActivation[];
  /** The label encodings the loss can learn from. Undefined: any labels. */
  labels?: readonly LabelEncoding[];
}

/** The table. The `_from_logits` losses apply the sigmoid or softmax themselves, so they want a linear output. */
export const lossFits: Record<LossName, LossFit> = {
  mse: {},
  mae: {},
  huber: {},
  binary_crossentropy: { activations: ['sigmoid'], labels: ['binary', 'one-hot', 'fractions'] },
  binary_crossentropy_from_logits: { activations: ['linear'], labels: ['binary', 'one-hot', 'fractions'] },
  categorical_crossentropy: { activations: ['softmax'], labels: ['one-hot', 'binary', 'fractions'] },
  categorical_crossentropy_from_logits: { activations: ['linear'], labels: ['one-hot', 'binary', 'fractions'] },
  sparse_categorical_crossentropy: { activations: ['softmax'], labels: ['class-ids', 'binary'] },
  sparse_categorical_crossentropy_from_logits: { activations: ['linear'], labels: ['class-ids', 'binary'] },
};

const KNOWN: readonly FinalActivation[] = ['sigmoid', 'softmax', 'linear', 'tanh', 'relu'];

/** The last layer of the model's only output and the activation it applies, when that is known. */
export function finalActivation(model: ModelIR): { activation: FinalActivation; span: Span } | undefined {
  const output = model.outputs[0];
  const node = output && model.nodes.find((n) => n.local === output.id);
  if (!node) return undefined;
  const named = (name: string): FinalActivation => ((KNOWN as readonly string[]).includes(name) ? (name as FinalActivation) : 'other');
  // `softmax()` as a layer of its own, or `dense(3, activation: softmax)`.
  if (activations.some((a) => a.name === node.def.name)) return { activation: named(node.def.name), span: node.span };
  const act = node.args['activation'] as ActivationValue | undefined;
  if (node.def.params.some((p) => p.name === 'activation') && (node.def.name === 'dense' || node.def.name.startsWith('conv'))) {
    return { activation: named(act?.name ?? 'linear'), span: node.span };
  }
  return undefined;
}

/** The encoding of a table's labels, or undefined when the rows are not known (a file read at run time). */
export function labelEncoding(y: readonly (readonly number[])[]): LabelEncoding | undefined {
  if (y.length === 0 || y[0]!.length === 0) return undefined;
  const values = y.flat();
  const zeroOne = values.every((v) => v === 0 || v === 1);
  if (zeroOne && y[0]!.length > 1 && y.every((row) => row.reduce((a, b) => a + b, 0) === 1)) return 'one-hot';
  if (zeroOne) return 'binary';
  if (y[0]!.length === 1 && values.every((v) => Number.isInteger(v) && v >= 0)) return 'class-ids';
  if (values.every((v) => v >= 0 && v <= 1)) return 'fractions';
  return 'real';
}

export interface Mismatch {
  message: string;
  help: string;
  fixes?: Fix[];
}

const code = (s: string): string => `\`${s}\``;

/** The name as written in a `train` block: `binary_crossentropy(from_logits: true)` for a from-logits loss. */
export function lossSource(loss: LossName): string {
  return loss.endsWith('_from_logits') ? `${loss.slice(0, -'_from_logits'.length)}(from_logits: true)` : loss;
}

function swapLoss(to: LossName, lossSpan: Span): Fix[] {
  return [{ title: `Use \`${lossSource(to)}\``, edits: [{ span: lossSpan, newText: lossSource(to) }] }];
}

/**
 * What is wrong with this loss over this final activation, or undefined when they fit. `units` is the
 * width of the output; `labels` how the table's labels are written, when known.
 */
export function activationMismatch(loss: LossName, activation: FinalActivation, units: number | undefined, labels: LabelEncoding | undefined, lossSpan: Span): Mismatch | undefined {
  const fit = lossFits[loss];
  if (!fit.activations || activation === 'other' || fit.activations.includes(activation)) return undefined;
  const name = code(lossSource(loss));
  const base = loss.replace(/_from_logits$/, '') as LossName;
  if (loss !== base) {
    // A probability output under a from-logits loss: the sigmoid or softmax is applied twice.
    if (activation === 'sigmoid' || activation === 'softmax') {
      return {
        message: `${name} applies the ${base === 'binary_crossentropy' ? 'sigmoid' : 'softmax'} itself, but the last layer already applies \`${activation}\``,
        help: `drop \`from_logits: true\` (use \`loss: ${base}\`), or make the last layer linear`,
        fixes: swapLoss(base, lossSpan),
      };
    }
    return {
      message: `${name} reads the last layer as logits, but it applies \`${activation}\`, which limits them`,
      help: 'make the last layer linear: remove its `activation`',
    };
  }
  if (base === 'binary_crossentropy') {
    if (activation === 'softmax') {
      if (units === 1) return { message: '`softmax` over a single unit is always 1, so `binary_crossentropy` learns nothing', help: 'use `activation: sigmoid` on the last layer' };
      if (labels === 'one-hot') {
        return {
          message: `\`binary_crossentropy\` scores each of the ${units ?? 'several'} softmax outputs as its own yes/no, but a softmax makes them share one total, so training stalls near chance`,
          help: 'these labels are one-hot (one class per row): use `loss: categorical_crossentropy`; for several labels per row, use `activation: sigmoid` instead',
          fixes: swapLoss('categorical_crossentropy', lossSpan),
        };
      }
      return {
        message: `\`binary_crossentropy\` scores each softmax output as its own yes/no, but a softmax makes the outputs share one total, so training stalls near chance`,
        help: labels === 'binary' || labels === 'fractions'
          ? 'for several labels per row, use `activation: sigmoid` on the last layer'
          : 'for several labels per row, use `activation: sigmoid`; for one class per row, use `loss: categorical_crossentropy` with one-hot labels',
      };
    }
    return {
      message: `\`binary_crossentropy\` needs a probability from the last layer, but it applies \`${activation}\`${activation === 'linear' ? ' (none)' : ''}`,
      help: activation === 'linear' ? 'use `activation: sigmoid` on the last layer, or `loss: binary_crossentropy(from_logits: true)`' : 'use `activation: sigmoid` on the last layer',
      ...(activation === 'linear' ? { fixes: swapLoss('binary_crossentropy_from_logits', lossSpan) } : {}),
    };
  }
  // categorical or sparse categorical: one probability per class, summing to 1.
  if (units === 1) return undefined; // categorical over one unit has its own warning; sparse over one unit its own error.
  if (activation === 'sigmoid' && base === 'categorical_crossentropy' && labels === 'binary') {
    return {
      message: '`categorical_crossentropy` needs one probability per class summing to 1, but `sigmoid` outputs are independent',
      help: 'for one class per row, use `activation: softmax`; for several labels per row (as here), use `loss: binary_crossentropy`',
      fixes: swapLoss('binary_crossentropy', lossSpan),
    };
  }
  return {
    message: `${name} needs one probability per class summing to 1, but the last layer applies \`${activation}\`${activation === 'linear' ? ' (none)' : ''}`,
    help: activation === 'linear' ? `use \`activation: softmax\` on the last layer, or \`loss: ${lossSource(`${base}_from_logits` as LossName)}\`` : 'use `activation: softmax` on the last layer',
    ...(activation === 'linear' ? { fixes: swapLoss(`${base}_from_logits` as LossName, lossSpan) } : {}),
  };
}

/**
 * Labels a cross-entropy cannot learn from (outside [0, 1]): for class numbers the fix is a softmax
 * with one unit per class and the sparse loss, not a regression loss.
 */
export function labelRangeHelp(loss: LossName, labels: LabelEncoding | undefined, y: readonly (readonly number[])[], lossSpan: Span): { help: string; fixes?: Fix[] } {
  if (labels === 'class-ids') {
    const classes = Math.max(...y.map((r) => r[0]!)) + 1;
    const sparse: LossName = loss.endsWith('_from_logits') ? 'sparse_categorical_crossentropy_from_logits' : 'sparse_categorical_crossentropy';
    return {
      help: `the labels are class numbers 0 to ${classes - 1}: give the last layer ${classes} units with \`activation: ${loss.endsWith('_from_logits') ? 'linear' : 'softmax'}\` and use \`loss: ${lossSource(sparse)}\` (or one-hot encode the labels); for regression targets use \`mse\``,
      fixes: swapLoss(sparse, lossSpan),
    };
  }
  return { help: 'use `mse` for regression targets, or encode classes as 0/1' };
}
