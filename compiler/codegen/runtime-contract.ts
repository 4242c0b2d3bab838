// The contract between generated code and the runtime, checked by the nnc build: generated code
// names runtime exports only through RuntimeImports, whose names are typed by the runtime's own
// declarations, so renaming or removing an export that codegen writes fails `npm run build`
// (and `npm run typecheck`), not only the tests that happen to run that code. Types only: the
// compiler imports no runtime code.
import type * as runtime from 'nnc-runtime';

/** A value the runtime exports (a function, class, constant or the `tf` namespace). */
export type RuntimeValueName = keyof typeof runtime;

/**
 * The runtime types generated code names. TypeScript cannot list a module's type exports, so this
 * table names each one; a type the runtime stops exporting fails here.
 */
interface RuntimeTypes {
  CustomLoss: runtime.CustomLoss;
  DataSpec: runtime.DataSpec;
  FitOptions: runtime.FitOptions;
  History: runtime.History;
  LoadDataOptions: runtime.LoadDataOptions;
  LossName: runtime.LossName;
  NamedWeight: runtime.NamedWeight;
  StepBatch: runtime.StepBatch;
  StepPlan: runtime.StepPlan;
  StepTrainingRun: runtime.StepTrainingRun;
  TableData: runtime.TableData;
  TensorData: runtime.TensorData;
  TrainableModel: runtime.TrainableModel;
  TrainingRun: runtime.TrainingRun;
  TrainPlan: runtime.TrainPlan;
}

/** A type the runtime exports, as generated code names it. */
export type RuntimeTypeName = keyof RuntimeTypes;
