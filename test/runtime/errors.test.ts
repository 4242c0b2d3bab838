import { describe, expect, it } from 'vitest';

import { catalogue } from '../../compiler/diagnostics/catalogue.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from '../../runtime/index.js';

describe('runtime error codes', () => {
  const codes = Object.values(RUNTIME_ERROR_CODES);

  it('are unique, in the NN4xxx band, and never reuse a compiler diagnostic code', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^NN4\d{3}$/);
    for (const code of codes) expect(Object.keys(catalogue)).not.toContain(code);
  });

  it('carry the code, a name and the cause', () => {
    const cause = new Error('inner');
    const e = new NncRuntimeError('NN4301', 'Training diverged.', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('NncRuntimeError');
    expect(e.code).toBe('NN4301');
    expect(e.cause).toBe(cause);
  });
});
