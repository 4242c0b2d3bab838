// A hand-written dense layer from tf ops, standing in for a generated model in runtime tests.
import { tf, glorotUniform, deriveSeed, type NamedWeight, type TableData, type TrainableModel } from '../../runtime/index.js';

export interface TinyDenseOptions {
  seed?: number;
  kernel?: number[][];
  bias?: number[];
  activation?: (x: tf.Tensor) => tf.Tensor;
  name?: string;
}

export class TinyDense implements TrainableModel {
  readonly modelName: string;
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  private readonly prefix: string;
  private readonly activation?: (x: tf.Tensor) => tf.Tensor;

  constructor(inputs: number, units: number, options: TinyDenseOptions = {}) {
    this.modelName = options.name ?? 'Tiny';
    this.prefix = 'dense';
    this.activation = options.activation;
    const seed = options.seed ?? 1;
    const kernel = options.kernel
      ? tf.tensor2d(options.kernel, [inputs, units])
      : glorotUniform([inputs, units], deriveSeed(seed, 'dense/kernel'));
    const bias = options.bias ? tf.tensor1d(options.bias) : tf.zeros([units]);
    this.kernel = tf.variable(kernel);
    this.bias = tf.variable(bias);
    kernel.dispose();
    bias.dispose();
  }

  weights(): NamedWeight[] {
    return [
      { name: `${this.prefix}/kernel`, variable: this.kernel, regularized: true },
      { name: `${this.prefix}/bias`, variable: this.bias, regularized: false },
    ];
  }

  forward(x: tf.Tensor, _training: boolean): tf.Tensor {
    const z = tf.add(tf.matMul(x as tf.Tensor2D, this.kernel as tf.Tensor2D), this.bias);
    return this.activation ? this.activation(z) : z;
  }

  values(): { kernel: number[]; bias: number[] } {
    return { kernel: Array.from(this.kernel.dataSync()), bias: Array.from(this.bias.dataSync()) };
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}

/** y = 2x + 1 on n points in [-1, 1]. */
export function linearData(n: number): TableData {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const v = n === 1 ? 0 : -1 + (2 * i) / (n - 1);
    x.push([v]);
    y.push([2 * v + 1]);
  }
  return { features: ['x'], labels: ['y'], x, y };
}

export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) return false;
  }
  return true;
}
