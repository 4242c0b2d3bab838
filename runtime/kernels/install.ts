// Which kernels nnc registers on the wasm backend. Kernels live in one global registry per
// backend, so installing them affects every tfjs user in the process (tfjs-layers included):
// that is the point for `useBackend`, and the reason the benchmark runs each contender in a
// process of its own.
import * as tf from '@tensorflow/tfjs-core';
// Loading tfjs-backend-wasm registers the 'wasm' backend and its stock kernels, which this module
// looks up. A named import used below rather than a bare `import '…'`: declaration emit keeps a
// bare import in install.d.ts, and the wasm package's types need @types/emscripten, which
// TypeScript 7 no longer includes by itself — every app type-checking without skipLibCheck failed.
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';

import { createBatchMatMul } from './batch-matmul.js';
import { createConv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { createConv2DBackpropInput } from './conv2d-backprop-input.js';
import { createConv3DBackpropFilter, createConv3DBackpropInput } from './conv3d-gradients.js';
import { createMaxPool3D, createMaxPool3DGrad } from './max-pool-3d.js';
import { createGather } from './gather.js';
import { createMaxPoolGrad } from './max-pool-grad.js';
import { createSlice } from './slice.js';
import { createSum } from './sum.js';
import { createUnsortedSegmentSum } from './unsorted-segment-sum.js';
import { createSplitV, createUnpack } from './unpack-split.js';

/**
 * - `fast`: everything below — the default of `useBackend('wasm')`.
 * - `minimal`: only what wasm lacks for training (Conv2DBackpropFilter, UnsortedSegmentSum) and
 *   the stock kernels that compute wrong values (Conv3D's gradients, MaxPool3D), stock kernels otherwise;
 *   what the benchmark gives tfjs-layers so that a CNN trains on wasm at all.
 * - `stock`: tfjs as shipped (a CNN cannot train).
 */
export type WasmKernelSet = 'fast' | 'minimal' | 'stock';

/** Kernels wasm lacks (a CNN's filter gradient, tf.gather's gradient); registered by `minimal` and `fast`. */
const MISSING: Record<string, () => tf.KernelConfig> = {
  Conv2DBackpropFilter: createConv2DBackpropFilter,
  UnsortedSegmentSum: createUnsortedSegmentSum,
};

/** Stock kernels that give wrong results, checked against cpu; replaced by `minimal` and `fast`. */
const WRONG: Record<string, () => tf.KernelConfig> = {
  Conv3DBackpropFilterV2: createConv3DBackpropFilter,
  Conv3DBackpropInputV2: createConv3DBackpropInput,
  MaxPool3D: createMaxPool3D,
  MaxPool3DGrad: createMaxPool3DGrad,
};

/** Stock kernels with a faster formulation; replaced by `fast` only. */
const FASTER: Record<string, () => tf.KernelConfig> = {
  BatchMatMul: createBatchMatMul,
  Conv2DBackpropInput: createConv2DBackpropInput,
  GatherV2: createGather,
  MaxPoolGrad: createMaxPoolGrad,
  Slice: createSlice,
  SplitV: createSplitV,
  Sum: createSum,
  Unpack: createUnpack,
};

// The value use that keeps the import in the emitted JavaScript (an unused import is elided).
void version_wasm;

/** The stock configs of the kernels replaced so far, to put them back. */
const stockKernels = new Map<string, tf.KernelConfig>();
const added = new Set<string>();

function replace(name: string, config: tf.KernelConfig): void {
  if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(config);
}

function restoreStock(): void {
  for (const [name, config] of stockKernels) replace(name, config);
  stockKernels.clear();
  for (const name of added) tf.unregisterKernel(name, 'wasm');
  added.clear();
}

/** Makes the wasm kernel registry hold exactly `set`; idempotent, and safe to call again to switch. */
export function installWasmKernels(set: WasmKernelSet = 'fast'): void {
  restoreStock();
  if (set === 'stock') return;
  for (const [name, create] of Object.entries(MISSING)) {
    if (tf.getKernel(name, 'wasm')) continue; // a later tfjs may ship its own
    tf.registerKernel(create());
    added.add(name);
  }
  const replacements = set === 'minimal' ? WRONG : { ...WRONG, ...FASTER };
  for (const [name, create] of Object.entries(replacements)) {
    const stock = tf.getKernel(name, 'wasm');
    if (!stock) continue;
    // Created before the swap: a replacement captures the stock kernel to delegate to.
    const config = create();
    stockKernels.set(name, stock);
    replace(name, config);
  }
}

/** The kernels nnc has registered or replaced on wasm, for reports and tests. */
export function installedWasmKernels(): string[] {
  return [...added, ...stockKernels.keys()].sort();
}
