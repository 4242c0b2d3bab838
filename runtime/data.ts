// Training data to tensors: tables checked row by row so a bad row is reported by its number, and
// samples given as tensors or nested arrays checked against the model's input, rather than as a
// tfjs shape error deep inside training.
import * as tf from '@tensorflow/tfjs-core';

import type { NestedNumbers, TableData, TensorData, TrainableModel, TrainingData } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';
import { nestedToTensor, shapeMatches, showShape } from './input.js';

function names(list: readonly string[]): string {
  return list.length === 0 ? '' : ` (${list.join(', ')})`;
}

function flatten(
  rows: readonly (readonly number[])[],
  width: number,
  what: 'feature' | 'label',
  columns: readonly string[],
): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== width) {
      const found = Array.isArray(row) ? row.length : 0;
      throw new NncRuntimeError(
        RUNTIME_ERROR_CODES.badTable,
        `Row ${r + 1} of the data has ${found} ${what} value${found === 1 ? '' : 's'} but the table declares ${width} ${what}${width === 1 ? '' : 's'}${names(columns)}.`,
      );
    }
    for (let c = 0; c < width; c++) {
      const v = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new NncRuntimeError(
          RUNTIME_ERROR_CODES.badValue,
          `Row ${r + 1} of the data has ${String(v)} in ${what} column '${columns[c] ?? c + 1}'; every value must be a finite number.`,
        );
      }
      out[r * width + c] = v;
    }
  });
  return out;
}

/** Checks the table and returns its float32 values, row-major; throws NncRuntimeError naming the row. */
export function validateTable(data: TableData): { rows: number; x: Float32Array; y: Float32Array } {
  if (data.x.length !== data.y.length) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.badTable,
      `The data has ${data.x.length} rows of features but ${data.y.length} rows of labels; every sample needs both.`,
    );
  }
  if (data.x.length === 0) {
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badTable, 'The data has no rows; training needs at least one sample.');
  }
  if (data.features.length === 0 || data.labels.length === 0) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.badTable,
      'The table must declare at least one feature column and one label column.',
    );
  }
  return {
    rows: data.x.length,
    x: flatten(data.x, data.features.length, 'feature', data.features),
    y: flatten(data.y, data.labels.length, 'label', data.labels),
  };
}

/** `x`: [rows, features], `y`: [rows, labels], float32. The caller disposes them. */
export function tableTensors(data: TableData): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const { rows, x, y } = validateTable(data);
  return {
    x: tf.tensor2d(x, [rows, data.features.length], 'float32'),
    y: tf.tensor2d(y, [rows, data.labels.length], 'float32'),
  };
}

/** Whether the data is a table (named columns of rows) rather than samples as tensors or arrays. */
export function isTable(data: TrainingData): data is TableData {
  return 'features' in data && Array.isArray(data.features);
}

/** A float32 copy of what the caller gave: its tensor stays the caller's to dispose. */
function ownedTensor(value: tf.Tensor | NestedNumbers, what: string): tf.Tensor {
  if (!(value instanceof tf.Tensor)) return nestedToTensor(value, what);
  return value.dtype === 'float32' ? tf.clone(value) : tf.cast(value, 'float32');
}

/** `x` and `y` of samples given as tensors or nested arrays, with as many rows each. The caller disposes them. */
export function sampleTensors(data: TensorData, labels: 'labels' | 'inputs'): { x: tf.Tensor; y: tf.Tensor } {
  const x = ownedTensor(data.x, 'the samples\' `x`');
  if (x.rank === 0 || x.shape[0] === 0) {
    x.dispose();
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badTable, `The samples' \`x\` has shape ${showShape(x.shape)}: it needs one row per sample along its first axis, and at least one row.`);
  }
  if (labels === 'inputs') return { x, y: tf.clone(x) };
  if (data.y === undefined) {
    x.dispose();
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badTable, 'The samples have no labels `y`; only a plan with `target: input` (an autoencoder) trains without them.');
  }
  let y: tf.Tensor;
  try {
    y = ownedTensor(data.y, 'the samples\' `y`');
  } catch (error) {
    x.dispose();
    throw error;
  }
  if (y.rank === 0 || y.shape[0] !== x.shape[0]) {
    tf.dispose([x, y]);
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.badTable,
      `The samples have ${x.shape[0]} rows of \`x\` but ${y.rank === 0 ? 'a single number as' : `${y.shape[0]} rows of`} \`y\`; every sample needs both.`,
    );
  }
  return { x, y };
}

/** The model's input as messages show it, `batch` for the rows. */
function showInput(shape: readonly (number | null)[]): string {
  return `[${shape.map((d, i) => (i === 0 ? 'batch' : d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Rejects data the model cannot take, naming the model's input, before any tfjs op fails on it:
 * a table for a model whose input is not a row of numbers (images, sequences), a table of the
 * wrong width, samples whose `x` has the wrong shape. A model without `inputShape` is not checked.
 */
export function checkDataFitsModel(model: TrainableModel, data: TableData | tf.Tensor): void {
  const expected = model.inputShape;
  if (expected === undefined) return;
  const perSample = ['rows', ...expected.slice(1).map((d) => (d === null ? '?' : String(d)))].join(', ');
  if (!(data instanceof tf.Tensor)) {
    if (expected.length !== 2) {
      throw new NncRuntimeError(
        RUNTIME_ERROR_CODES.badTable,
        `The model '${model.modelName}' takes input of shape ${showInput(expected)}, which a table row cannot hold; ` +
          `pass the samples as tensors or nested arrays instead: { x, y } with x of shape [${perSample}].`,
      );
    }
    const width = expected[1];
    if (width !== null && width !== undefined && width !== data.features.length) {
      throw new NncRuntimeError(
        RUNTIME_ERROR_CODES.badTable,
        `The table has ${data.features.length} feature column${data.features.length === 1 ? '' : 's'}${names(data.features)} but the model '${model.modelName}' takes ${width} values per sample (input ${showInput(expected)}).`,
      );
    }
    return;
  }
  if (!shapeMatches(data.shape, [null, ...expected.slice(1)])) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.badInput,
      `The samples' \`x\` has shape ${showShape(data.shape)}, but the model '${model.modelName}' takes input of shape ${showInput(expected)}: x must be [${perSample}].`,
    );
  }
}

/**
 * `x` and `y` as float32 tensors of one row per sample, checked against the model: a table's
 * columns, or samples given as tensors or nested arrays. An autoencoder's labels are its inputs
 * (a table may then have no label columns). The caller disposes them.
 */
export function trainingTensors(model: TrainableModel | undefined, data: TrainingData, labels: 'labels' | 'inputs'): { x: tf.Tensor; y: tf.Tensor } {
  if (isTable(data)) {
    if (model) checkDataFitsModel(model, data);
    return tableTensors(labels === 'inputs' ? { ...data, labels: data.features, y: data.x } : data);
  }
  const tensors = sampleTensors(data, labels);
  try {
    if (model) checkDataFitsModel(model, tensors.x);
  } catch (error) {
    tf.dispose([tensors.x, tensors.y]);
    throw error;
  }
  return tensors;
}
