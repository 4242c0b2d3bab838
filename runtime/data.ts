// Tables of samples to tensors, checked row by row so a bad row is reported by its number rather
// than as a tfjs shape error deep inside training.
import * as tf from '@tensorflow/tfjs-core';

import type { TableData } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';

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
