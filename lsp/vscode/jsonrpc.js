// @ts-check
// A minimal JSON-RPC 2.0 endpoint over a child process's stdio with LSP's `Content-Length` framing.
// The extension bundles no dependencies (vscode-languageclient is not used), so this is the whole
// transport: requests with ids, notifications, and answers to the few requests a server may send.
'use strict';

/**
 * @param {import('node:stream').Readable} input the server's stdout
 * @param {import('node:stream').Writable} output the server's stdin
 */
function createEndpoint(input, output) {
  let nextId = 1;
  /** @type {Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  /** @type {Map<string, (params: any) => void>} */
  const notificationHandlers = new Map();
  let buffer = Buffer.alloc(0);
  let closed = false;

  /** @param {object} message */
  const send = (message) => {
    if (closed) return;
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    output.write(`Content-Length: ${body.length}\r\n\r\n`);
    output.write(body);
  };

  /** @param {any} message */
  const dispatch = (message) => {
    if (message.id !== undefined && message.method === undefined) {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error) waiter.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else waiter.resolve(message.result ?? null);
    } else if (message.id !== undefined) {
      // A request from the server (registerCapability, workDoneProgress/create, configuration):
      // nothing to do for any of them, and an answer keeps the server from waiting.
      send({ id: message.id, result: null });
    } else {
      notificationHandlers.get(message.method)?.(message.params);
    }
  };

  input.on('data', (/** @type {Buffer} */ chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const match = /Content-Length: *(\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'));
      const length = match ? Number(match[1]) : 0;
      if (buffer.length < headerEnd + 4 + length) return;
      const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      buffer = buffer.subarray(headerEnd + 4 + length);
      try {
        dispatch(JSON.parse(body));
      } catch {
        // A malformed message is skipped; the stream stays in sync through the framing.
      }
    }
  });
  input.on('close', () => {
    closed = true;
    for (const waiter of pending.values()) waiter.reject(new Error('the nnc language server stopped'));
    pending.clear();
  });

  return {
    /** @param {string} method @param {unknown} params @returns {Promise<any>} */
    request(method, params) {
      if (closed) return Promise.reject(new Error('the nnc language server is not running'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ id, method, params });
      });
    },
    /** @param {string} method @param {unknown} params */
    notify(method, params) {
      send({ method, params });
    },
    /** @param {string} method @param {(params: any) => void} handler */
    onNotification(method, handler) {
      notificationHandlers.set(method, handler);
    },
    /** @param {string} id */
    cancel(id) {
      send({ method: '$/cancelRequest', params: { id } });
    },
  };
}

module.exports = { createEndpoint };
