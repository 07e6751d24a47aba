// What the importer knows about each ONNX tensor while it walks the graph.
import type { ConstTensor } from "./tensors.js";

/** A tensor whose value is known at import time (initializer, Constant, or folded from those). */
export interface ConstValue {
  readonly kind: "const";
  readonly t: ConstTensor;
  /** The initializer it came from (for layer names), when it is one. */
  readonly origin: string;
}

/**
 * A run-time feature map: an IR tensor seen through an ONNX per-image shape, plus transformations that are
 * pending until a consumer absorbs them:
 *  - `scale`: a scalar multiply (from Mul, or an AveragePool turned into a sum-pool) that a following conv/fc
 *    folds into its weights;
 *  - `stride`: a Slice with step on H/W (option-A shortcut) not yet materialised.
 * `shape` may carry unit dimensions that the IR tensor does not (Unsqueeze for a 3D pool, [C,1,1] vs [C]).
 */
export interface DynValue {
  readonly kind: "dyn";
  readonly ir: string;
  readonly shape: readonly number[];
  readonly scale: number;
  /** Node that introduced a pending scale (named in errors). */
  readonly scaleFrom: string;
  /** Known to be ≥ 0 (after ReLU, and through ops that keep the sign). */
  readonly nonNeg: boolean;
  readonly stride?: readonly [number, number];
}

/** The output of a QuantizeLinear on a feature map, waiting for its DequantizeLinear. */
export interface QuantValue {
  readonly kind: "quant";
  readonly of: DynValue;
  readonly scale: number;
  readonly zeroPoint: number;
  /** The integer range of the quantised type. */
  readonly lo: number;
  readonly hi: number;
  readonly node: string;
  /** Set by the first DequantizeLinear, so that several DQ of one Q share the result. */
  resolved?: DynValue;
}

export type Value = ConstValue | DynValue | QuantValue;

export function nonUnit(shape: readonly number[]): number[] {
  return shape.filter((d) => d !== 1);
}

export function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
