// A compiled program: the contract between the compiler (which writes it) and the simulator (which runs it).

import type { Instr } from "./types.js";

export type Dtype = "int8" | "fp32";

/** Initial DRAM contents: one typed block at a byte address. Element size in bytes is `esize`. */
export interface Segment {
  readonly name: string;
  /** DRAM byte address of the first element. */
  readonly addr: number;
  /** Bytes per element in the DRAM layout (1 int8, 4 int32). In fp32 programs the layout is the same, values are floats. */
  readonly esize: 1 | 2 | 4;
  readonly data: Int8Array | Int32Array | Float32Array;
}

/** A model input or output placed in DRAM, [c][h][w] (or [f]) per image, images one after another. */
export interface TensorPlacement {
  readonly name: string;
  readonly addr: number;
  /** Shape of one image, without batch. */
  readonly shape: readonly number[];
  readonly esize: 1 | 2 | 4;
  /** Bytes between consecutive images. */
  readonly batchStride: number;
  /** int8: real value = scale * q. fp32: 1. */
  readonly scale: number;
}

/** What the compiler knows about a layer, carried to reports. */
export interface LayerInfo {
  readonly name: string;
  readonly kind: string;
  /** Index of the first and one past the last instruction of this layer. */
  readonly begin: number;
  readonly end: number;
  /** Structure (c, n) for convs, R for fc; null when dense. */
  readonly c: number | null;
  readonly n: number | null;
  readonly R: number | null;
  readonly residual: number | null;
  /** Paper-convention counts of the layer (DESIGN §1). */
  readonly paper: { readonly macs: number; readonly adds: number; readonly mults: number; readonly params: number };
}

export interface Manifest {
  readonly format: "sumac-program-1";
  readonly model: string;
  readonly mode: "dense" | "structured";
  readonly dtype: Dtype;
  readonly batch: number;
  readonly hw: { readonly id: string; readonly hash: string };
  /** Total DRAM bytes the program addresses. */
  readonly dramBytes: number;
  readonly inputs: readonly TensorPlacement[];
  readonly outputs: readonly TensorPlacement[];
  readonly layers: readonly LayerInfo[];
  /**
   * Set when the program was built with placeholder weights — the model's were absent (an ONNX file without its
   * external data), or a timing-only compile needed shapes only: cycles and energy are right, outputs are not, so
   * functional runs are refused.
   */
  readonly weightsMissing?: string;
  /** Intermediate tensors in DRAM, for inspection. */
  readonly tensors: readonly { readonly name: string; readonly addr: number; readonly bytes: number }[];
}

export interface Program {
  readonly instructions: readonly Instr[];
  readonly image: readonly Segment[];
  readonly manifest: Manifest;
}
