// A few Adam steps of the keras.io MNIST convnet on made-up images, as an app trains an image
// model: `model.train({ x, y }, plan)` with tensors. The same in Node and in a browser: seeded
// weights and dropout, images from a fixed formula. The losses it returns are compared across
// backends and between Node and Chromium.
import { tf, type TrainPlan } from 'nnc-runtime';
import { MnistConvnet } from './mnist-convnet.js';

const BATCH = 4;

/** Full-batch Adam for three epochs: three steps, each epoch's loss measured as the step runs. */
const PLAN: TrainPlan = {
  loss: 'categorical_crossentropy',
  optimizer: { name: 'adam', lr: 0.001 },
  batch: 'full',
  epochs: 3,
  metrics: [],
  shuffle: false,
  seed: 1,
};

/** Images in [0, 1) from a fixed formula (no random generator to agree on) and one-hot labels. */
function samples(): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const pixels = new Float32Array(BATCH * 28 * 28);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 7919) % 1000) / 1000;
  const labels = new Float32Array(BATCH * 10);
  for (let row = 0; row < BATCH; row++) labels[row * 10 + (row % 10)] = 1;
  return { x: tf.tensor4d(pixels, [BATCH, 28, 28, 1]), y: tf.tensor2d(labels, [BATCH, 10]) };
}

/** The loss of each training step on the backend in use. */
export async function convnetLosses(): Promise<number[]> {
  const model = new MnistConvnet({ seed: 1 });
  const data = samples();
  try {
    const history = await model.train(data, PLAN);
    return history.epochs.map((epoch) => epoch.logs['loss']!);
  } finally {
    tf.dispose([data.x, data.y]);
    model.dispose();
  }
}
