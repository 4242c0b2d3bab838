// Errors the runtime raises for people running a generated model. Each carries a stable code in
// the NN4xxx (training/data) band, and a message written as a sentence a user can act on, so a CLI
// can print `error[NN4301]: …` without a tfjs stack trace.

/** Every code the runtime can raise, in one place so a test can check they are unique. */
export const RUNTIME_ERROR_CODES = {
  /** `useBackend` was given a name that is not a backend. */
  unknownBackend: 'NN4101',
  /** A known backend that this version does not wire up (webgpu). */
  backendUnavailable: 'NN4102',
  /** tfjs could not initialise the backend. */
  backendFailed: 'NN4103',
  /** A model was created before any backend was chosen. */
  noBackend: 'NN4104',
  /** Bad `threads` for the wasm backend, or a different count after wasm has started. */
  badThreads: 'NN4105',
  /** A synchronous read (dataSync, evaluate) of a tensor on webgpu in Node, which reads asynchronously only. */
  syncReadOnGpu: 'NN4106',
  /** A Node-only feature (files, checkpoints, data-set packages, wasm threads) without `nnc-runtime/node`. */
  needsNode: 'NN4107',
  /** A table row has the wrong number of columns, or the table is empty or inconsistent. */
  badTable: 'NN4201',
  /** A table cell is not a finite number. */
  badValue: 'NN4202',
  /** The model's output and the labels do not have the same shape. */
  labelShape: 'NN4203',
  /** The train plan is invalid (epochs, batch, loss, optimizer or metric). */
  badPlan: 'NN4204',
  /** An input given to `predict` has the wrong shape or is not an array of numbers. */
  badInput: 'NN4205',
  /** A data file or package is missing, unreadable, or has a bad row, column or label. */
  badDataFile: 'NN4206',
  /** Early stopping monitors a value that the run does not report. */
  badMonitor: 'NN4207',
  /** An `embedding` was given an id outside [0, input_dim). */
  idOutOfRange: 'NN4208',
  /** The loss became NaN or Infinity. */
  diverged: 'NN4301',
  /** A tfjs operation failed during training or evaluation. */
  trainingFailed: 'NN4302',
  /** The model has no trainable weights. */
  noWeights: 'NN4303',
  /** A checkpoint is missing, unreadable or malformed. */
  badCheckpoint: 'NN4401',
  /** A checkpoint and the model disagree on a weight's name, shape or dtype. */
  weightMismatch: 'NN4402',
  /** A run to resume has no usable training state, or it belongs to another plan. */
  badResume: 'NN4403',
} as const;

export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[keyof typeof RUNTIME_ERROR_CODES];

export class NncRuntimeError extends Error {
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NncRuntimeError';
    this.code = code;
  }
}

/** The message of anything thrown, for wrapping foreign errors into a sentence of ours. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
