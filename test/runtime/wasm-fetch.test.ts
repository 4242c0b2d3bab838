// NN4103 in a browser names the `.wasm` URL that failed: while wasm starts, the runtime watches the
// page's fetches of `.wasm` files (runtime/wasm-fetch.ts). A page is imitated here with a
// `document` global and a fetch that answers 404 for a missing file.
import { afterEach, describe, expect, it } from 'vitest';

import { wasmFetchFailure, watchWasmFetches } from '../../runtime/wasm-fetch.js';

const realFetch = globalThis.fetch;
const MISSING = 'http://localhost:8080/wasm/tfjs-backend-wasm-simd.wasm';

function imitatePage(served: Record<string, number>): string[] {
  const asked: string[] = [];
  (globalThis as { document?: unknown }).document = {};
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    asked.push(`${init?.method ?? 'GET'} ${url}`);
    return new Response(null, { status: served[url] ?? 404 });
  }) as typeof fetch;
  return asked;
}

afterEach(() => {
  delete (globalThis as { document?: unknown }).document;
  globalThis.fetch = realFetch;
});

describe('the .wasm fetch that failed', () => {
  it('is named with its HTTP status, and fetch is restored afterwards', async () => {
    imitatePage({ 'http://localhost:8080/app.js': 200 });
    const pageFetch = globalThis.fetch;
    const watch = watchWasmFetches();
    expect(globalThis.fetch).not.toBe(pageFetch);
    await globalThis.fetch('http://localhost:8080/app.js');
    await globalThis.fetch(MISSING, { credentials: 'same-origin' });
    const seen = watch.stop();
    expect(globalThis.fetch).toBe(pageFetch);
    expect(seen).toEqual([{ url: MISSING, status: 404, error: null }]);
    expect(await wasmFetchFailure(seen)).toBe(`'${MISSING}' (HTTP 404)`);
  });

  it('probes a requested file with HEAD when its failure was not seen, and is null when all were served', async () => {
    const asked = imitatePage({});
    expect(await wasmFetchFailure([{ url: MISSING, status: null, error: null }])).toBe(`'${MISSING}' (HTTP 404)`);
    expect(asked).toEqual([`HEAD ${MISSING}`]);
    imitatePage({ [MISSING]: 200 });
    expect(await wasmFetchFailure([{ url: MISSING, status: 200, error: null }])).toBeNull();
  });

  it('watches nothing in Node, which reads the files from disk', () => {
    const watch = watchWasmFetches();
    expect(globalThis.fetch).toBe(realFetch);
    expect(watch.stop()).toEqual([]);
  });
});
