// Why two tensors cannot be merged, and the help that fixes it: the first axis whose sizes
// disagree (certainly, or for some values of the symbols), named as what it is in a Keras-style
// layout (batch first, channels or units last, spatial or time axes between).
import { constDim, mulDims, showDim, type Dim } from '../shapes/dim.js';
import { describeCondition, sizeAgreement, type SizeAgreement } from '../shapes/size-agreement.js';

export interface AxisMismatch {
  axis: number;
  left: Dim;
  right: Dim;
  agreement: Extract<SizeAgreement, { result: 'different' | 'depends' }>;
}

/** The first axis (other than `skip`) where `a` and `b` disagree, or undefined when none does. */
export function firstMismatch(a: readonly Dim[], b: readonly Dim[], skip?: number): AxisMismatch | undefined {
  for (let i = 0; i < a.length; i++) {
    if (i === skip) continue;
    const agreement = sizeAgreement(a[i]!, b[i]!);
    if (agreement.result === 'different' || agreement.result === 'depends') return { axis: i, left: a[i]!, right: b[i]!, agreement };
  }
  return undefined;
}

/** The ratio k ≤ 8 with k·small = large, for every or some values of the symbols. */
function scaleFactor(small: Dim, large: Dim): number | undefined {
  for (let k = 2; k <= 8; k++) {
    const r = sizeAgreement(mulDims(small, constDim(k)), large).result;
    if (r === 'equal' || r === 'depends') return k;
  }
  return undefined;
}

function axisRole(axis: number, rank: number): 'features' | 'spatial' | 'steps' {
  if (axis === rank - 1) return 'features';
  return rank === 3 ? 'steps' : 'spatial';
}

/** A phrase for the mismatch itself: "axis 1 is h/2 on one side and h on the other (never equal)". */
export function describeMismatch(m: AxisMismatch): string {
  const sizes = `axis ${m.axis} is ${showDim(m.left)} on one side and ${showDim(m.right)} on the other`;
  return m.agreement.result === 'depends' ? `${sizes}: ${describeCondition(m.agreement)}` : sizes;
}

/** The help that makes the two sides agree on the axis that differs. */
export function mismatchHelp(m: AxisMismatch, rank: number): string {
  if (m.agreement.result === 'depends' && m.agreement.multipleOf) {
    const { symbol, factor } = m.agreement.multipleOf;
    return `the sizes agree only when ${m.agreement.condition}: declare the input's \`${symbol}\` as a multiple of ${factor} (write \`${factor}*${symbol}\` in the input type), or use a fixed size that is one`;
  }
  if (m.agreement.result === 'depends') return `the sizes agree only for some values of \`${m.agreement.symbols.join('`, `')}\`: make both sides compute axis ${m.axis} the same way, or use fixed sizes`;
  const role = axisRole(m.axis, rank);
  if (role === 'features' && (m.left.kind !== 'const' || m.right.kind !== 'const')) {
    // Symbolic feature sizes come from joins or reshapes (a `dense` cannot take them: NN3104).
    return `make the last axis the same size on both sides (axis ${m.axis}: ${showDim(m.left)} against ${showDim(m.right)}), e.g. join as many parts with \`concat\` on each side`;
  }
  if (role === 'features') return `give both sides the same number of units or channels (axis ${m.axis}: ${showDim(m.left)} against ${showDim(m.right)}), e.g. the last \`dense\` or \`conv2d\` of one side`;
  if (role === 'steps') return `the sequences have different lengths (axis ${m.axis}: ${showDim(m.left)} against ${showDim(m.right)}): give both the same number of steps, or pool one side over time`;
  const up = scaleFactor(m.left, m.right) ?? scaleFactor(m.right, m.left);
  const upsample = rank === 4 && up !== undefined ? `, or upsample the smaller with \`up_sampling2d(${up})\`` : '';
  return `the spatial sizes differ (axis ${m.axis}: ${showDim(m.left)} against ${showDim(m.right)}): downsample the larger side with a pooling or \`strides\`${upsample}`;
}
