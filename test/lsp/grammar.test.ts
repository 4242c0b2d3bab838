// The TextMate grammar of the VS Code extension, run by vscode-textmate on the Oniguruma wasm, as
// VS Code runs it: each kind of token gets its scope, and every keyword of the lexer is coloured.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { keywordNames } from '../../grammar/tokens.js';

const root = new URL('../../', import.meta.url);
let grammar: textmate.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(new URL('node_modules/vscode-oniguruma/release/onig.wasm', root));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) =>
      scope === 'source.nn' ? textmate.parseRawGrammar(readFileSync(new URL('lsp/vscode/syntaxes/nn.tmLanguage.json', root), 'utf8'), 'nn.tmLanguage.json') : null,
  });
  grammar = (await registry.loadGrammar('source.nn'))!;
});

/** Each token's text with its innermost scope, line by line. */
function tokenize(text: string): [string, string][] {
  const out: [string, string][] = [];
  let state = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const piece = line.slice(t.startIndex, t.endIndex);
      if (piece.trim()) out.push([piece.trim(), t.scopes[t.scopes.length - 1]!]);
    }
    state = r.ruleStack;
  }
  return out;
}

function scopeOf(tokens: [string, string][], text: string): string | undefined {
  return tokens.find(([t]) => t === text)?.[1];
}

describe('TextMate grammar', () => {
  it('scopes the parts of an example', () => {
    const tokens = tokenize(readFileSync(new URL('examples/xor.nn', root), 'utf8'));
    expect(scopeOf(tokens, 'model')).toBe('storage.type.model.nn');
    expect(scopeOf(tokens, 'Xor')).toBe('entity.name.type.nn');
    expect(scopeOf(tokens, 'input')).toBe('keyword.other.input.nn');
    expect(scopeOf(tokens, 'dense')).toBe('entity.name.function.nn');
    expect(scopeOf(tokens, 'activation')).toBe('variable.parameter.nn');
    expect(scopeOf(tokens, '4')).toBe('constant.numeric.nn');
    expect(scopeOf(tokens, '->')).toBe('keyword.operator.arrow.nn');
    expect(scopeOf(tokens, 'table')).toBe('keyword.control.table.nn');
    expect(scopeOf(tokens, 'train')).toBe('keyword.other.train.nn');
    expect(scopeOf(tokens, 'on')).toBe('keyword.other.on.nn');
    expect(tokens.some(([, s]) => s === 'comment.line.double-slash.nn')).toBe(true);
  });

  it('comments, strings, pipes, numbers and booleans', () => {
    const tokens = tokenize('/* a\n  block */ let h = x |> dense(2, use_bias: false) // done\n  "a \\" b" 1.5e-3');
    expect(scopeOf(tokens, 'block')).toBe('comment.block.nn');
    expect(scopeOf(tokens, '|>')).toBe('keyword.operator.pipe.nn');
    expect(scopeOf(tokens, 'h')).toBe('variable.other.definition.nn');
    expect(scopeOf(tokens, 'false')).toBe('constant.language.boolean.nn');
    expect(scopeOf(tokens, '1.5e-3')).toBe('constant.numeric.nn');
    expect(scopeOf(tokens, '\\"')).toBe('constant.character.escape.nn');
    expect(scopeOf(tokens, 'done')).toBe('comment.line.double-slash.nn');
  });

  it('colours every keyword of the lexer', () => {
    for (const word of keywordNames) {
      const scope = tokenize(`${word}`)[0]?.[1] ?? '';
      expect(scope, word).toMatch(/^(storage\.type|keyword)\./);
    }
  });
});

describe('TextMate grammar on every example and fixture', () => {
  const files = ['examples', 'test/fixtures'].flatMap((dir) =>
    readdirSync(new URL(dir, root))
      .filter((f) => f.endsWith('.nn'))
      .map((f) => `${dir}/${f}`),
  );

  it.each(files)('%s: every character gets a scope, and comments end where they do', (file) => {
    const text = readFileSync(new URL(file, root), 'utf8');
    let state = textmate.INITIAL;
    for (const line of text.split('\n')) {
      const r = grammar.tokenizeLine(line, state);
      for (const t of r.tokens) {
        const piece = line.slice(t.startIndex, t.endIndex);
        if (piece.trim()) expect(t.scopes.length, `${JSON.stringify(piece)} in ${file}`).toBeGreaterThan(1);
      }
      state = r.ruleStack;
    }
    // After the file, no comment or string is left open.
    expect(grammar.tokenizeLine('x', state).tokens[0]!.scopes).toEqual(['source.nn', 'variable.other.nn']);
  });
});
