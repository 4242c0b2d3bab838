// The plain forms of the server's answers for clients that did not declare snippets or markdown.
import { describe, expect, it } from 'vitest';
import { clientSupport, markdownToText, snippetToText } from '../../lsp/client-support.js';

describe('snippetToText', () => {
  it.each([
    ['dense(${1:units})', 'dense(units)'],
    ['units: ${1}', 'units: '],
    ['repeat ${1:2} {\n  $0\n}', 'repeat 2 {\n  \n}'],
    ['${1:outer ${2:inner}} end', 'outer inner end'],
    ['${1|relu,tanh|}', 'relu'],
    ['cost: \\$5 \\} \\\\', 'cost: $5 } \\'],
    ['no snippet here', 'no snippet here'],
  ])('%j → %j', (snippet, text) => {
    expect(snippetToText(snippet)).toBe(text);
  });
});

describe('markdownToText', () => {
  it('drops fences, emphasis and code ticks and keeps the lines', () => {
    expect(markdownToText('```nn\nx: [batch, 3]\n```\n\n**parameters** 32  \nuse `relu`')).toBe('x: [batch, 3]\n\nparameters 32\nuse relu');
  });
});

describe('clientSupport', () => {
  it('a client that declares nothing gets every plain form', () => {
    expect(Object.values(clientSupport({})).every((v) => v === false)).toBe(true);
  });
});
