// The two benchmark networks, written three ways: as .nn files for nnc (bench/networks/), as
// stock tfjs-layers models, and by hand in tfjs-core ops (what a careful programmer writes).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export type NetName = 'mlp' | 'cnn';

export const NETWORKS: Record<NetName, { title: string; file: string; className: string; inputShape: number[] }> = {
  mlp: { title: 'MLP 784-128-10', file: 'mlp.nn', className: 'Mlp', inputShape: [784] },
  cnn: { title: 'keras.io MNIST convnet', file: 'mnist_cnn.nn', className: 'MnistCnn', inputShape: [28, 28, 1] },
};

export function nnSource(net: NetName): string {
  return readFileSync(new URL(`../../bench/networks/${NETWORKS[net].file}`, import.meta.url), 'utf8');
}

export const LEARNING_RATE = 0.001;

/** The same network in stock tfjs-layers, compiled with Adam and categorical cross-entropy. */
export function layersModel(net: NetName): tfl.LayersModel {
  const model = tfl.sequential();
  if (net === 'mlp') {
    model.add(tfl.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }));
    model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  } else {
    model.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dropout({ rate: 0.5 }));
    model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  }
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'categoricalCrossentropy' });
  return model;
}

export interface CoreModel {
  variables: tf.Variable[];
  /** Logits for a batch (softmax is folded into the loss). */
  logits(x: tf.Tensor, training: boolean): tf.Tensor2D;
}

function glorot(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', seed));
}

/** The same network written directly in tfjs-core ops: unfused, as the tfjs tutorials write it. */
export function coreModel(net: NetName): CoreModel {
  if (net === 'mlp') {
    const w1 = glorot([784, 128], 784, 128, 1);
    const b1 = tf.variable(tf.zeros([128]));
    const w2 = glorot([128, 10], 128, 10, 2);
    const b2 = tf.variable(tf.zeros([10]));
    return {
      variables: [w1, b1, w2, b2],
      logits: (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1), b1)) as tf.Tensor2D, w2), b2) as tf.Tensor2D,
    };
  }
  const k1 = glorot([3, 3, 1, 32], 9, 9 * 32, 1);
  const c1 = tf.variable(tf.zeros([32]));
  const k2 = glorot([3, 3, 32, 64], 9 * 32, 9 * 64, 2);
  const c2 = tf.variable(tf.zeros([64]));
  const w = glorot([1600, 10], 1600, 10, 3);
  const b = tf.variable(tf.zeros([10]));
  return {
    variables: [k1, c1, k2, c2, w, b],
    logits: (x, training) => {
      const h1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, k1 as tf.Tensor4D, 1, 'valid'), c1)) as tf.Tensor4D, 2, 2, 'valid');
      const h2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h1, k2 as tf.Tensor4D, 1, 'valid'), c2)) as tf.Tensor4D, 2, 2, 'valid');
      let flat: tf.Tensor = tf.reshape(h2, [-1, 1600]);
      if (training) flat = tf.dropout(flat, 0.5);
      return tf.add(tf.matMul(flat as tf.Tensor2D, w), b) as tf.Tensor2D;
    },
  };
}
