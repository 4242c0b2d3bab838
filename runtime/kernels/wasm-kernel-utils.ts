// Helpers for kernels composed from other wasm kernels. A composed kernel works on TensorInfos
// (data ids on the wasm heap), not Tensors: it calls the other kernels' functions directly, as
// the wasm backend's own kernels do, so nothing is recorded on the gradient tape and every
// intermediate is freed here with `disposeData`, never left to the engine.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type Shape4 = [number, number, number, number];

/** A kernel function of the wasm backend, typed for the calls made here. */
export type WasmKernel = (args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }) => tf.TensorInfo;

/**
 * The kernel function currently registered for `name` on wasm. Looked up when a composed kernel
 * is installed, so that a kernel this module replaces is still reachable as the original.
 */
export function wasmKernel(name: string): WasmKernel {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`The wasm backend has no '${name}' kernel`);
  return config.kernelFunc as unknown as WasmKernel;
}

/** Runs `body` with a `track` function; every TensorInfo tracked is freed when `body` returns. */
export function withScratch<T>(backend: BackendWasm, body: (track: (info: tf.TensorInfo) => tf.TensorInfo) => T): T {
  const scratch: tf.TensorInfo[] = [];
  try {
    return body((info) => {
      scratch.push(info);
      return info;
    });
  } finally {
    for (const info of scratch) backend.disposeData(info.dataId);
  }
}

/** TensorFlow's explicit-padding form for NHWC: [[0,0],[top,bottom],[left,right],[0,0]]. */
export function explicitPad(top: number, bottom: number, left: number, right: number): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}
