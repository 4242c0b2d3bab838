// Which `.wasm` file a browser failed to fetch while the wasm backend started. tfjs only says that
// initialisation failed (and Emscripten logs the URL to the console), so the fetches of `.wasm`
// files are watched while it starts; a failed one is then named in NN4103 with its HTTP status.
// Where no fetch was seen to fail, the URLs requested are probed once more with HEAD.

interface WatchedFetch {
  url: string;
  status: number | null;
  error: string | null;
}

export interface WasmFetchWatch {
  /** Restores fetch; returns what was requested. */
  stop(): WatchedFetch[];
}

const NOT_WATCHING: WasmFetchWatch = { stop: () => [] };

/** The request's URL, absolute against the page's (tfjs requests `/wasm/…` as given). */
function urlOf(input: unknown): string {
  const given = typeof input === 'string' ? input : input instanceof URL ? input.href : ((input as { url?: string }).url ?? String(input));
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(given, page).href;
  } catch {
    return given;
  }
}

export function watchWasmFetches(): WasmFetchWatch {
  const original = globalThis.fetch;
  // Node reads the files from disk, not through fetch.
  const isBrowser = typeof (globalThis as { document?: unknown }).document !== 'undefined' || typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';
  if (typeof original !== 'function' || !isBrowser) return NOT_WATCHING;
  const seen: WatchedFetch[] = [];
  const watching: typeof fetch = async (input, init) => {
    const url = urlOf(input);
    if (!/\.wasm(\?|#|$)/.test(url)) return original(input, init);
    const entry: WatchedFetch = { url, status: null, error: null };
    seen.push(entry);
    try {
      const response = await original(input, init);
      entry.status = response.status;
      return response;
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
      throw error;
    }
  };
  globalThis.fetch = watching;
  return {
    stop() {
      if (globalThis.fetch === watching) globalThis.fetch = original;
      return seen;
    },
  };
}

/** `'http://…/x.wasm' (HTTP 404)` for the first failed fetch, or null when none failed. */
export async function wasmFetchFailure(seen: WatchedFetch[]): Promise<string | null> {
  for (const entry of seen) {
    if (entry.error !== null) return `'${entry.url}' (${entry.error})`;
    if (entry.status !== null && (entry.status < 200 || entry.status >= 300)) return `'${entry.url}' (HTTP ${entry.status})`;
  }
  // A request whose answer was not seen (made from a worker, or still pending): probe it.
  for (const entry of seen.filter((e) => e.status === null)) {
    try {
      const response = await globalThis.fetch(entry.url, { method: 'HEAD' });
      if (!response.ok) return `'${entry.url}' (HTTP ${response.status})`;
    } catch (error) {
      return `'${entry.url}' (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  return null;
}
