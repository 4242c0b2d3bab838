// An embedding's lookup as generated code calls it: a gather of the table's rows by id. An id
// outside [0, input_dim) stops the gather in tfjs (cpu, and nnc's wasm kernel) with "GatherV2: the
// index value 12 is not in [0, 9]"; here that becomes NN4208, naming the layer and its `.nn` line.
import * as tf from '@tensorflow/tfjs-core';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';

const OUT_OF_RANGE = /index value (-?\d+) is not in \[0, (-?\d+)\]/;

/**
 * `table[ids]`, inside the caller's `tf.tidy` (the int32 ids stay alive for the gather's gradient);
 * `layer` says which layer this is (`embedding \`embedding\` (model.nn:7 embedding(10, 8))`).
 */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor, layer: string): tf.Tensor {
  const indices = tf.cast(ids, 'int32');
  try {
    return tf.gather(table, indices);
  } catch (error) {
    const found = OUT_OF_RANGE.exec(error instanceof Error ? error.message : String(error));
    if (!found) throw error;
    const size = Number(found[2]) + 1;
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.idOutOfRange,
      `${layer} was given the id ${found[1]}, but its ids run from 0 to ${size - 1} (input_dim ${size}): give it an input_dim above the largest id, or map the ids into that range`,
      { cause: error },
    );
  }
}
