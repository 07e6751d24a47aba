// The normalised, quantised layer list: what the front half of the compiler (normalise, structure, calibrate,
// quantise) hands to the back half (tile, allocate, schedule, lower, verify) and to the reference executors.
// Every layer reads and writes whole named tensors.
//
// Two unions: `Layer` is every kind the back end lowers to instructions; `AnyLayer` adds the vector-unit kinds
// (act, mul, concat, resize) that the front half, the reference executors and the ISA already handle but the
// back end does not lower yet. The back half takes a LayerProgram (= LayerProgram<Layer>); the front half makes a
// FrontProgram, and `lowerable` (compiler/lowerable.ts) turns one into the other or names the layer it cannot.
//
// Integer arithmetic shared by hardware and reference executor (DESIGN §4):
//   roundShift(v, s) = s == 0 ? v : floor((v + 2^(s-1)) / 2^s)      (round half up; exact in doubles below 2^53)
//   requant(acc, c) = clamp(roundShift((acc + bias[c]) * mult[c], shift[c]), lo, hi)
//   mult is an integer in [2^14, 2^15) (or 0), so |acc * mult| < 2^53 for any int32 acc.

import type { ActivationFn } from "../isa/activation.js";
import type { ResizeCoord, Shape } from "../models/ir.js";

/** Real-valued output clamp fused into a layer: ReLU is [0, +inf], ReLU6 [0, 6], none [-inf, +inf]. */
export interface Clamp {
  readonly lo: number;
  readonly hi: number;
}

/** Per-output-channel integer requantisation of int32 accumulators to int8. */
export interface Requant {
  readonly bias: Int32Array;
  readonly mult: Int32Array;
  readonly shift: Int32Array;
  /** Integer clamp bounds after requantisation (e.g. 0..127 after ReLU). */
  readonly lo: number;
  readonly hi: number;
}

export interface ConvQuant {
  /** int8 weights in the layout the MAC reads: dense [cout][cin/groups][kh][kw], structured alpha [cout][c][n][n]. */
  readonly weight: Int8Array;
  /** Per-output-channel weight scales. */
  readonly wScale: Float32Array;
  /** Structured only: width of E as the MAC reads it, and the shift that brought it there from the exact sum. */
  readonly eBits?: 8 | 16 | 32;
  readonly eShift?: number;
  readonly requant: Requant;
}

interface LayerBase {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly clamp: Clamp;
}

export interface ConvLayer extends LayerBase {
  readonly kind: "conv";
  readonly cin: number;
  readonly cout: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  /** [top, left, bottom, right] */
  readonly pads: readonly [number, number, number, number];
  readonly dilation: number;
  readonly groups: number;
  /** float weights [cout][cin/groups][kh][kw] with BN folded, and bias [cout]. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  /** Set when this layer is lowered as sum-pool + small conv. alpha is [cout][c][n][n] (float). */
  readonly structured?: {
    readonly c: number;
    readonly n: number;
    readonly residual: number;
    readonly alpha: Float32Array;
  };
  /** Filled by the quantise pass (int8 programs). */
  readonly q?: ConvQuant;
}

export interface FcLayer extends LayerBase {
  readonly kind: "fc";
  readonly P: number;
  readonly Q: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  /** alpha is [P][R]; the sum-pool window over the input vector is Q-R+1. */
  readonly structured?: { readonly R: number; readonly residual: number; readonly alpha: Float32Array };
  readonly q?: ConvQuant;
}

/** Residual add y = clamp(a + b'), where b' is b itself or, for an option-A shortcut, b subsampled and channel-padded. */
export interface AddLayer extends LayerBase {
  readonly kind: "add";
  readonly shortcut?: { readonly stride: number; readonly before: number };
  /** int8: a*ma + b*mb, roundShift by shift, clamped to lo..hi. */
  readonly q?: {
    readonly ma: number;
    readonly mb: number;
    readonly shift: number;
    readonly lo: number;
    readonly hi: number;
  };
}

export interface PoolLayer extends LayerBase {
  readonly kind: "maxpool" | "avgpool";
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  /** avgpool int8: sum*mult roundShift shift, clamped. */
  readonly q?: { readonly mult: number; readonly shift: number; readonly lo: number; readonly hi: number };
}

export interface GapLayer extends LayerBase {
  readonly kind: "gap";
  readonly q?: { readonly mult: number; readonly shift: number; readonly lo: number; readonly hi: number };
}

/** An explicit sum-pool from the model (pre-decomposed ONNX), with its own zero padding first. */
export interface SumPoolLayer extends LayerBase {
  readonly kind: "sumpool";
  readonly kc: number;
  readonly kh: number;
  readonly kw: number;
  readonly dilation: number;
  readonly pads: readonly [number, number, number, number];
  readonly q?: { readonly eBits: 8 | 16 | 32; readonly eShift: number };
}

/** int8 rescale of a vector-unit result: clamp(roundShift(v · mult, shift), lo, hi). */
export interface Rescale {
  readonly mult: number;
  readonly shift: number;
  readonly lo: number;
  readonly hi: number;
}

/** y = fn(x) elementwise (isa/activation.ts). int8: a 256-entry table, y = lut[x + 128] (the clamp included). */
export interface ActLayer extends LayerBase {
  readonly kind: "act";
  readonly fn: ActivationFn;
  /** hardsigmoid's slope and offset; unused by the other functions. */
  readonly alpha: number;
  readonly beta: number;
  readonly q?: { readonly lut: Int32Array };
}

/**
 * y = a · b; `broadcast`: b is one value per channel ([C,1,1], an SE gate) multiplying the channel's whole plane.
 * int8: clamp(roundShift(a · b · mult, shift), lo, hi) with mult / 2^shift = s_a · s_b / s_out.
 */
export interface MulLayer extends LayerBase {
  readonly kind: "mul";
  readonly broadcast: boolean;
  readonly q?: Rescale;
}

/** Inputs stacked along channels. int8: every input has the output's scale (quantise makes it so): pure placement. */
export interface ConcatLayer extends LayerBase {
  readonly kind: "concat";
}

/**
 * Upsampling by integer factors (models/ir.ts ResizeNode). int8: each output is the sum of its taps with
 * fixed-point weights of RESIZE_FRAC_BITS per axis (isa/resize.ts), rescaled: clamp(roundShift(acc · mult, shift),
 * lo, hi) with mult / 2^shift = s_in / (s_out · 2^(2·RESIZE_FRAC_BITS)).
 */
export interface ResizeLayer extends LayerBase {
  readonly kind: "resize";
  readonly mode: "nearest" | "bilinear";
  readonly scaleH: number;
  readonly scaleW: number;
  readonly coord: ResizeCoord;
  readonly q?: Rescale;
}

/** The kinds the back end lowers to instructions today. */
export type Layer = ConvLayer | FcLayer | AddLayer | PoolLayer | GapLayer | SumPoolLayer;

/** Vector-unit kinds that the front half and the reference executors handle and the back end does not lower yet. */
export type VectorLayer = ActLayer | MulLayer | ConcatLayer | ResizeLayer;

/** Every kind the front half produces. */
export type AnyLayer = Layer | VectorLayer;

export interface LayerProgram<L extends AnyLayer = Layer> {
  readonly model: string;
  readonly mode: "dense" | "structured";
  readonly dtype: "int8" | "fp32";
  readonly input: { readonly name: string; readonly shape: Shape };
  readonly output: string;
  readonly layers: readonly L[];
  /** int8: the symmetric per-tensor scale of every tensor (real = scale * q). fp32: all 1. */
  readonly scales: ReadonlyMap<string, number>;
  /** Per-image shape of every tensor. */
  readonly shapes: ReadonlyMap<string, Shape>;
}

/** What the front half produces: any layer kind. */
export type FrontProgram = LayerProgram<AnyLayer>;
