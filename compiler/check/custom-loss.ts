// A loss written as an expression over the model's output `pred` and the labels `y`, such as
// `mean(abs(pred - y))`. Values are either "per element" (the shape of the output) or one number;
// the whole expression must be one number, so an element-wise formula needs a `mean` or `sum`.
import type { DiagnosticSink } from '../diagnostics/make.js';
import { closest } from '../diagnostics/suggest.js';
import type { Expr } from '../syntax/ast.js';
import { lossFunctionByName, lossFunctions, reduces } from '../loss-functions.js';
import { describe } from './args.js';

type Kind = 'elements' | 'number';

export const LOSS_VARIABLES = ['pred', 'y'] as const;

function kindOf(e: Expr, sink: DiagnosticSink): Kind | undefined {
  switch (e.kind) {
    case 'number':
      return 'number';
    case 'name': {
      if ((LOSS_VARIABLES as readonly string[]).includes(e.name)) return 'elements';
      const guess = closest(e.name, LOSS_VARIABLES);
      sink.error('NN4019', e.span, `\`${e.name}\` is not defined in a loss`, {
        help: guess ? `did you mean \`${guess}\`? A loss sees \`pred\` (the model's output) and \`y\` (the labels)` : 'a loss sees `pred` (the model\'s output) and `y` (the labels)',
      });
      return undefined;
    }
    case 'unary':
      return kindOf(e.operand, sink);
    case 'binary': {
      const a = kindOf(e.left, sink);
      const b = kindOf(e.right, sink);
      if (!a || !b) return undefined;
      return a === 'elements' || b === 'elements' ? 'elements' : 'number';
    }
    case 'call': {
      const fn = lossFunctionByName.get(e.callee.name);
      if (!fn) {
        const guess = closest(e.callee.name, lossFunctionByName.keys());
        sink.error('NN4019', e.callee.span, `\`${e.callee.name}\` is not a function a loss can use`, {
          help: guess ? `did you mean \`${guess}\`?` : `loss functions are ${lossFunctions.map((f) => `\`${f.name}\``).join(', ')}`,
        });
        return undefined;
      }
      const named = e.args.find((a) => a.name);
      if (named || e.args.length !== fn.arity) {
        sink.error('NN4019', named?.span ?? e.span, `\`${e.callee.name}\` takes ${fn.arity} value${fn.arity === 1 ? '' : 's'} without names, found ${e.args.length}${named ? ' (one named)' : ''}`);
        return undefined;
      }
      const kinds = e.args.map((a) => kindOf(a.value, sink));
      if (kinds.some((k) => k === undefined)) return undefined;
      if (reduces(fn)) return 'number';
      return kinds.includes('elements') ? 'elements' : 'number';
    }
    default:
      sink.error('NN4019', e.span, `a loss is a formula over \`pred\` and \`y\`, found ${describe(e)}`);
      return undefined;
  }
}

/** True when `e` is a valid custom loss: defined names and functions, one number in the end. */
export function checkCustomLoss(e: Expr, sink: DiagnosticSink): boolean {
  const kind = kindOf(e, sink);
  if (kind === undefined) return false;
  if (kind === 'elements') {
    sink.error('NN4019', e.span, 'this loss gives one value per output element, not one number', {
      help: 'average it over the batch: wrap it in `mean(…)`',
      fixes: [{ title: 'Wrap in `mean(…)`', edits: [{ span: { start: e.span.start, end: e.span.start }, newText: 'mean(' }, { span: { start: e.span.end, end: e.span.end }, newText: ')' }] }],
    });
    return false;
  }
  return true;
}
