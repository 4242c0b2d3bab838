// Checks a whole file: declarations are checked in order of kind (models and data before the
// `train` blocks that use them), so a `train` may come before the model it names.
import type { DiagnosticSink } from '../diagnostics/make.js';
import type { DataIR, ModelIR, ProgramIR, StepTrainIR, TrainIR } from '../ir.js';
import type { BlockDecl, Ident, SourceFileNode } from '../syntax/ast.js';
import { checkBlockAlone, dropRepeatedDiagnostics } from './block-alone.js';
import { checkData } from './data.js';
import type { DataFiles } from './data-source.js';
import { checkBlockDecl, checkModel } from './model.js';
import { checkTrain } from './train.js';
import { checkStepTrain } from './train-steps.js';

export function checkProgram(file: SourceFileNode, sink: DiagnosticSink, files?: DataFiles): ProgramIR {
  const declared = new Map<string, Ident>();
  const unique = (name: Ident, what: string): boolean => {
    const first = declared.get(name.name);
    if (first) {
      sink.error('NN2003', name.span, `\`${name.name}\` is declared twice`, {
        related: [{ span: first.span, message: 'first declared here' }],
        help: `rename one of the two (this is a ${what})`,
      });
      return false;
    }
    declared.set(name.name, name);
    return true;
  };

  // Blocks first: a model may use a block declared after it.
  const blocks = new Map<string, BlockDecl>();
  for (const decl of file.decls) {
    if (decl.kind !== 'block') continue;
    checkBlockDecl(decl, sink);
    if (unique(decl.name, 'block')) blocks.set(decl.name.name, decl);
  }

  const models = new Map<string, ModelIR>();
  const data = new Map<string, DataIR | undefined>();
  for (const decl of file.decls) {
    if (decl.kind === 'model') {
      const ir = checkModel(decl, blocks, sink);
      if (unique(decl.name, 'model')) models.set(ir.name, ir);
    } else if (decl.kind === 'data') {
      const ir = checkData(decl, sink, files);
      if (unique(decl.name, 'data set')) data.set(decl.name.name, ir);
    }
  }
  // Each block on its own too: a mistake in it is reported even where no use reaches it.
  for (const decl of file.decls) if (decl.kind === 'block') checkBlockAlone(decl, blocks, sink);

  const trains: TrainIR[] = [];
  const trainNames = new Map<string, number>();
  const stepTrains: StepTrainIR[] = [];
  for (const decl of file.decls) {
    if (decl.kind !== 'train') continue;
    if (decl.steps || decl.models) {
      const ir = checkStepTrain(decl, models, data, sink);
      if (!ir) continue;
      const base = ir.models.join('_');
      const n = trainNames.get(base) ?? 0;
      trainNames.set(base, n + 1);
      stepTrains.push({ ...ir, name: n === 0 ? base : `${base}_${n + 1}` });
      continue;
    }
    const ir = checkTrain(decl, models, data, sink);
    if (!ir) continue;
    const n = trainNames.get(ir.model) ?? 0;
    trainNames.set(ir.model, n + 1);
    trains.push({ ...ir, name: n === 0 ? ir.model : `${ir.model}_${n + 1}` });
  }

  dropRepeatedDiagnostics(sink);
  return {
    models: [...models.values()],
    data: [...data.values()].filter((d): d is DataIR => d !== undefined),
    trains,
    ...(stepTrains.length > 0 ? { stepTrains } : {}),
  };
}
