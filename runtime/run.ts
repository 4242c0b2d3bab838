// What a generated module exports for each `train` block, so `nnc train` (or an app) can run any
// of them without knowing the model's class.
import type { DataSpec, StepPlan, TableData, TrainPlan, TrainableModel } from './types.js';

export interface DisposableModel extends TrainableModel {
  dispose(): void;
  save(dir: string): Promise<void>;
}

/** A several-model `train` block (`train G, D on data { step … }`). */
export interface StepTrainingRun {
  name: string;
  modelNames: string[];
  dataName: string;
  data: TableData | DataSpec;
  plan: StepPlan;
  /** Fresh models, by name, with initial weights drawn from `seed` (each model its own stream). */
  createModels(seed: number): Record<string, DisposableModel>;
}

export interface TrainingRun {
  /** The model's name, suffixed when a file trains the same model twice. */
  name: string;
  modelName: string;
  dataName: string;
  /** A table, or a data set to load with `resolveData` (files relative to the `.nn` file). */
  data: TableData | DataSpec;
  /** `validation: other_data` in the `train` block. */
  validationData?: TableData | DataSpec;
  plan: TrainPlan;
  /** A fresh model with initial weights drawn from `seed`. */
  createModel(seed: number): DisposableModel;
}
