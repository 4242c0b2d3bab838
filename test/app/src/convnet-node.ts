// The Node side of the convnet comparison: the losses on cpu and wasm, one JSON line.
import { useBackend } from 'nnc-runtime';
import { convnetLosses } from './convnet-steps.js';

const losses: Record<string, number[]> = {};
for (const backend of ['cpu', 'wasm'] as const) {
  await useBackend(backend);
  losses[backend] = await convnetLosses();
}
console.log(`convnet ${JSON.stringify(losses)}`);
