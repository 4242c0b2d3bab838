// The scopes of a model being evaluated: the model itself, each block instantiation (with its
// parameters and dimension symbols bound) and each `repeat` iteration, chained to their parents.
import type { LayerNode } from '../ir.js';
import type { ArgValue, LayerDef } from '../layers/types.js';
import type { Dim, Shape } from '../shapes/dim.js';
import type { CallExpr, Span } from '../syntax/ast.js';

/** A value in scope: its shape (undefined = unknown, already reported) and generated identifier. */
export interface Value {
  id: string;
  shape: Shape;
  span: Span;
}

/** A value whose shape is unknown because of a mistake already reported. */
export const unknown = (span: Span): Value => ({ id: '', shape: undefined, span });

/** `layer shared = dense(8)`: applied later, possibly several times, with one set of weights. */
export interface Instance {
  def: LayerDef;
  call: CallExpr;
  args: Record<string, ArgValue>;
  spans: Record<string, Span>;
  owner?: LayerNode;
  span: Span;
}

/** The scope of one model, or of one block instantiation or repeat iteration inside it. */
export interface Frame {
  values: Map<string, Value>;
  instances: Map<string, Instance>;
  /** Block parameters with their bound values. */
  params: Map<string, ArgValue>;
  /** Dimension symbols of a block's input type, bound to the caller's dims. */
  dims: Map<string, Dim>;
  /** Node-id prefix inside a block instance (`residual_block_1/`). */
  prefix: string;
  scope?: string;
  parent?: Frame;
  blockStack: string[];
  current?: Value;
  outputs: { name: string; value: Value }[];
  /** Whether `input` statements declare new inputs (a model) or were bound by the caller (a block). */
  declaresInputs: boolean;
}

/** The frame of a model's own statements. */
export function modelFrame(): Frame {
  return { values: new Map(), instances: new Map(), params: new Map(), dims: new Map(), prefix: '', blockStack: [], outputs: [], declaresInputs: true };
}

/** One iteration of `repeat`: its own names, its parent's outputs and chain. */
export function iterationFrame(parent: Frame): Frame {
  return { ...parent, values: new Map(), instances: new Map(), params: new Map(), dims: new Map(), parent, outputs: parent.outputs };
}

/** The frame of one use of a block: its parameters bound, its names under `scope/`. */
export function blockFrame(parent: Frame, block: string, scope: string, params: Record<string, ArgValue>): Frame {
  return {
    values: new Map(),
    instances: new Map(),
    params: new Map(Object.entries(params)),
    dims: new Map(),
    prefix: `${scope}/`,
    scope,
    blockStack: [...parent.blockStack, block],
    outputs: [],
    declaresInputs: false,
  };
}

function lookup<T>(frame: Frame | undefined, pick: (f: Frame) => Map<string, T>, name: string): T | undefined {
  for (let f = frame; f; f = f.parent) {
    const v = pick(f).get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

export const valueOf = (frame: Frame, name: string) => lookup(frame, (f) => f.values, name);
export const instanceOf = (frame: Frame, name: string) => lookup(frame, (f) => f.instances, name);
export const paramOf = (frame: Frame, name: string) => lookup(frame, (f) => f.params, name);

/** Every value and shared-layer name visible from `frame`, for "did you mean". */
export function visibleNames(frame: Frame): string[] {
  const out: string[] = [];
  for (let f: Frame | undefined = frame; f; f = f.parent) out.push(...f.values.keys(), ...f.instances.keys());
  return out;
}

export function visibleInstances(frame: Frame): string[] {
  const out: string[] = [];
  for (let f: Frame | undefined = frame; f; f = f.parent) out.push(...f.instances.keys());
  return out;
}
