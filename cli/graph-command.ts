// `nnc graph FILE.nn [-o net.svg] [--model NAME] [--dot]`: the architecture as a picture, laid out
// by Graphviz (compiled to WebAssembly in @viz-js/viz, so nothing is downloaded or installed).
// `-o -` writes the picture (or the DOT source) to stdout.
import { compile } from '../compiler/compile.js';
import { modelToDot } from '../compiler/graph.js';
import { parseCommand } from './args.js';
import { reportDiagnostics } from './check.js';
import type { CommandIO } from './io.js';
import { exitCodes, readSource, UsageError, writeOutput } from './io.js';

export async function runGraph(args: string[], io: CommandIO): Promise<number> {
  const { file, values } = parseCommand('graph', args, {
    out: { type: 'string', short: 'o' },
    model: { type: 'string' },
    dot: { type: 'boolean' },
  });
  const source = readSource(file);
  const result = compile(source, { fileName: file, emit: false });
  if (!reportDiagnostics(result, file, source, io)) return exitCodes.errors;
  const models = result.program.models;
  const wanted = values['model'] as string | undefined;
  const model = wanted === undefined ? models[0] : models.find((m) => m.name === wanted);
  if (!model) {
    throw new UsageError(wanted === undefined ? `${file} declares no model` : `${file} has no model \`${wanted}\`; it has ${models.map((m) => m.name).join(', ') || 'none'}`);
  }
  const dot = modelToDot(model);
  let text = dot;
  if (!values['dot']) {
    const { instance } = await import('@viz-js/viz');
    text = (await instance()).renderString(dot, { format: 'svg' });
  }
  const out = (values['out'] as string | undefined) ?? `${file.replace(/\.nn$/, '')}${models.length > 1 ? `.${model.name}` : ''}.${values['dot'] ? 'dot' : 'svg'}`;
  writeOutput(out, text, io);
  return exitCodes.ok;
}
