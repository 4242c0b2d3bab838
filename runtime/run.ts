// What a generated module exports for each `train` block, so `nnc train` (or an app) can run any
// of them without knowing the model's class.
import type { TableData, TrainPlan, TrainableModel } from './types.js';

export interface DisposableModel extends TrainableModel {
  dispose(): void;
  save(dir: string): Promise<void>;
}

export interface TrainingRun {
  /** The model's name, suffixed when a file trains the same model twice. */
  name: string;
  modelName: string;
  dataName: string;
  data: TableData;
  plan: TrainPlan;
  /** A fresh model with initial weights drawn from `seed`. */
  createModel(seed: number): DisposableModel;
}
