// Every command's help, written once: `nnc --help` lists the synopses, `nnc CMD --help` and
// `nnc help CMD` print one command's page. The options listed here are the ones its parser accepts.
import { compilerVersion } from '../compiler/version.js';
import { docPath } from './docs-path.js';

interface CommandHelp {
  synopsis: string;
  summary: string;
  options: ReadonlyArray<readonly [string, string]>;
  notes?: string;
}

const help = ['-h, --help', 'this text'] as const;

export const commandHelp = {
  check: {
    synopsis: 'nnc check FILE.nn... [--json] [--watch]',
    summary: 'check names and shapes; exit 0 clean, 1 if any file has errors',
    options: [
      ['--json', 'the diagnostics as JSON: { errors, warnings, files: [{ file, ok, errors, warnings }], diagnostics }'],
      ['-w, --watch', 'check again when a file, or a csv/json file it reads, changes; Ctrl-C stops'],
      help,
    ],
  },
  compile: {
    synopsis: 'nnc compile FILE.nn... [-o OUT.ts | -o -] [--watch]',
    summary: 'compile to a TypeScript module (default: FILE.ts beside each FILE.nn)',
    options: [
      ['-o, --out OUT.ts', 'where to write (one FILE only); missing folders are created; `-` is stdout'],
      ['-w, --watch', 'compile again when a file, or a csv/json file it reads, changes; Ctrl-C stops'],
      help,
    ],
  },
  summary: {
    synopsis: 'nnc summary FILE.nn [--json]',
    summary: "each model's layers, output shapes and parameter counts (Keras' layout)",
    options: [['--json', 'the same as JSON (its shape: docs/language.md, "nnc summary")'], help],
  },
  graph: {
    synopsis: 'nnc graph FILE.nn [-o OUT.svg | -o -] [--model NAME] [--dot]',
    summary: 'a picture of the network (Graphviz layout, blocks as groups)',
    options: [
      ['-o, --out OUT.svg', 'where to write (default: FILE.svg); missing folders are created; `-` is stdout'],
      ['--model NAME', 'which model (default: the first)'],
      ['--dot', 'the Graphviz source instead of the picture'],
      help,
    ],
  },
  train: {
    synopsis: 'nnc train FILE.nn [--backend wasm|cpu|webgpu] [--threads auto|N] [--seed N] [--out DIR] [--resume DIR] [--tape] [--quiet]',
    summary: "compile, train as the file's `train` blocks say, print metrics, save the run",
    options: [
      ['--backend NAME', 'wasm (default), cpu or webgpu'],
      ['--threads auto|N', 'wasm threads (default auto: chosen from the work per example)'],
      ['--seed N', "override the file's seed (0 to 4294967295)"],
      ['--out DIR', 'the run folder (default runs/FILE): weights, metrics.json, curves.svg'],
      ['--resume DIR', 'continue the run saved in DIR'],
      ['--tape', "train through tfjs's autodiff instead of the derived backward pass"],
      ['--quiet', 'no progress output'],
      help,
    ],
    notes: 'Progress goes to stderr: a bar on a terminal, a compact log otherwise.',
  },
  fmt: {
    synopsis: 'nnc fmt FILE.nn... [--check | --write]',
    summary: 'print the formatted file; --check and --write take several files',
    options: [
      ['--check', 'list the files that are not formatted; exit 1 if any'],
      ['--write', 'rewrite the files that are not formatted, in place'],
      help,
    ],
  },
  lsp: {
    synopsis: 'nnc lsp --stdio',
    summary: 'the language server, for editors (see docs/editor.md)',
    options: [['--stdio', 'speak LSP over standard input and output'], help],
  },
} as const satisfies Record<string, CommandHelp>;

export type CommandName = keyof typeof commandHelp;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commandHelp, name);
}

/** `nnc CMD --help`. */
export function commandUsage(name: CommandName): string {
  const h: CommandHelp = commandHelp[name];
  const width = Math.max(...h.options.map(([flag]) => flag.length)) + 2;
  const lines = [`nnc ${name}: ${h.summary}`, '', `Usage: ${h.synopsis}`, '', 'Options:'];
  for (const [flag, text] of h.options) lines.push(`  ${flag.padEnd(width)}${text}`);
  if (h.notes) lines.push('', h.notes);
  lines.push('', `Exit codes: 0 done, 1 errors in the input, 2 usage, 70 internal error. Docs: ${docPath('language.md')}, "The command line".`);
  return lines.join('\n');
}

/** `nnc --help`. */
export function overallUsage(): string {
  const lines = [`nnc ${compilerVersion}: a declarative language for neural networks`, '', 'Usage:'];
  for (const name of Object.keys(commandHelp) as CommandName[]) {
    const h: CommandHelp = commandHelp[name];
    lines.push(`  ${h.synopsis}`, `      ${h.summary}`);
  }
  lines.push(
    '',
    'Options:',
    '  -h, --help       this text (`nnc CMD --help` or `nnc help CMD`: one command)',
    '  -v, --version    the version',
    '',
    `Docs: ${docPath('language.md')} (the language, and "The command line"), ${docPath('diagnostics.md')} (every error code).`,
  );
  return lines.join('\n');
}
