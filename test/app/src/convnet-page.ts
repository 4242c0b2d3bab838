// The browser side of the convnet comparison: ?backend=cpu|wasm|webgpu, result in the page body.
import 'nnc-runtime/webgpu';
import { useBackend, type BackendName } from 'nnc-runtime';
import { convnetLosses } from './convnet-steps.js';

async function main(backend: BackendName): Promise<void> {
  await useBackend(backend, { wasmPaths: '/wasm/' });
  const losses = await convnetLosses();
  document.body.textContent = `losses ${JSON.stringify(losses)}`;
}

const backend = new URLSearchParams(location.search).get('backend') ?? 'wasm';
main(backend as BackendName).catch((error: unknown) => {
  document.body.textContent = `error ${String(error)}`;
});
