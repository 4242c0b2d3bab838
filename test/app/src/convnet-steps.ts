// A few Adam steps of the keras.io MNIST convnet on made-up images, the same in Node and in a
// browser: seeded weights, images from a fixed formula, dropout from the runtime's seeded stream.
// The losses it returns are compared across backends and between Node and Chromium.
import { createOptimizer, seedDropout, tf } from 'nnc-runtime';
import { MnistConvnet } from './mnist-convnet.js';

const BATCH = 4;
const STEPS = 3;

/** Images in [0, 1) from a fixed formula (no random generator to agree on) and one-hot labels. */
function batch(): { images: tf.Tensor4D; labels: tf.Tensor2D } {
  const pixels = new Float32Array(BATCH * 28 * 28);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 7919) % 1000) / 1000;
  const labels = new Float32Array(BATCH * 10);
  for (let row = 0; row < BATCH; row++) labels[row * 10 + (row % 10)] = 1;
  return { images: tf.tensor4d(pixels, [BATCH, 28, 28, 1]), labels: tf.tensor2d(labels, [BATCH, 10]) };
}

/** The loss of each of STEPS Adam steps (learning rate 0.001) on the backend in use. */
export async function convnetLosses(): Promise<number[]> {
  const model = new MnistConvnet({ seed: 1 });
  seedDropout(7);
  const optimizer = createOptimizer({ name: 'adam', lr: 0.001 });
  const { images, labels } = batch();
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const loss = tf.tidy(() => {
      const { loss, gradients } = model.lossAndGradients(images, labels, 'categorical_crossentropy');
      const byVariable: Record<string, tf.Tensor> = {};
      for (const { name, variable } of model.weights()) byVariable[variable.name] = gradients[name]!;
      optimizer.applyGradients(byVariable);
      return loss;
    });
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  tf.dispose([images, labels]);
  optimizer.dispose();
  model.dispose();
  return losses;
}
