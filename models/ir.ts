// The graph IR: what every frontend (zoo/.net, ONNX) produces and the compiler consumes.
// Tensors are named; shapes are per image (batch is outside the graph): [C, H, W] for feature maps, [F] for vectors.
// Weights are float32, in PyTorch layouts. Nodes are kept in a valid execution order.

import type { ActivationFn } from "../isa/activation.js";
import type { ResizeCoord } from "../isa/resize.js";

export type Shape = readonly number[];

/** Structure of a conv: every output kernel is 1_{(C-c+1)x(N-n+1)x(N-n+1)} (full conv) alpha, alpha in R^{c x n x n}. */
export interface ConvStructure {
  readonly c: number;
  readonly n: number;
  /** ||(I - A A+) W|| / ||W|| of the layer's weights (0 when generated structured). */
  readonly residual: number;
  /** How it was obtained. */
  readonly source: "model" | "file" | "detected" | "forced";
}

/** Structure of a fully connected layer: each row is 1_{Q-R+1} (full conv) alpha_row, alpha in R^{P x R}. */
export interface FcStructure {
  readonly R: number;
  readonly residual: number;
  readonly source: "model" | "file" | "detected" | "forced";
}

interface NodeBase {
  /** Unique node name (layer name in reports). */
  readonly name: string;
  readonly inputs: readonly string[];
  readonly output: string;
}

export interface ConvNode extends NodeBase {
  readonly op: "conv";
  readonly cin: number;
  readonly cout: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  /** [top, left, bottom, right] zero padding. */
  readonly pads: readonly [number, number, number, number];
  readonly dilation: number;
  readonly groups: number;
  /** [cout][cin/groups][kh][kw]; null when the model carries shapes only (ONNX without its external data). */
  readonly weight: Float32Array | null;
  readonly bias: Float32Array | null;
  /** Present when the layer is structured (from the model, a file, or detection). */
  readonly structure?: ConvStructure;
}

export interface BatchNormNode extends NodeBase {
  readonly op: "bn";
  readonly channels: number;
  /** y = x * scale + shift per channel (already combined from gamma, beta, mean, var, eps). */
  readonly scale: Float32Array | null;
  readonly shift: Float32Array | null;
}

export interface FcNode extends NodeBase {
  readonly op: "fc";
  /** Output features P and input features Q. */
  readonly P: number;
  readonly Q: number;
  /** [P][Q] */
  readonly weight: Float32Array | null;
  readonly bias: Float32Array | null;
  readonly structure?: FcStructure;
}

export interface ReluNode extends NodeBase {
  readonly op: "relu";
}
export interface ClipNode extends NodeBase {
  readonly op: "clip";
  readonly lo: number;
  readonly hi: number;
}
export interface AddNode extends NodeBase {
  readonly op: "add";
}
/** He et al.'s option-A shortcut: y = zero-pad-channels(x[:, ::stride, ::stride]) to `cout` channels, `before` zeros first. */
export interface ShortcutANode extends NodeBase {
  readonly op: "shortcutA";
  readonly stride: number;
  readonly before: number;
  readonly cout: number;
}
export interface PoolNode extends NodeBase {
  readonly op: "maxpool" | "avgpool";
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  /** avgpool only: whether padded zeros count in the divisor. */
  readonly countIncludePad?: boolean;
}
export interface GlobalAvgPoolNode extends NodeBase {
  readonly op: "gap";
}
export interface FlattenNode extends NodeBase {
  readonly op: "flatten";
}
/** Stride-1 3D window sum with no padding (an explicit sum-pool, e.g. from an already-decomposed ONNX graph). */
export interface SumPoolNode extends NodeBase {
  readonly op: "sumpool";
  readonly kc: number;
  readonly kh: number;
  readonly kw: number;
  readonly dilation: number;
}
/** Zero padding of a feature map: [top, left, bottom, right]. */
export interface PadNode extends NodeBase {
  readonly op: "pad";
  readonly pads: readonly [number, number, number, number];
}

/** Elementwise nonlinearities of the vector unit (isa/activation.ts defines each). */
export type ActFn = ActivationFn;

/**
 * y = fn(x) elementwise: sigmoid 1/(1+e^-x); silu x·sigmoid(x) (PyTorch SiLU, exported as Sigmoid then Mul);
 * hardsigmoid clamp(alpha·x + beta, 0, 1); hardswish x·clamp(x/6 + 1/2, 0, 1).
 */
export interface ActNode extends NodeBase {
  readonly op: "act";
  readonly fn: ActFn;
  /** hardsigmoid's slope and offset (ONNX HardSigmoid; PyTorch's Hardsigmoid is 1/6, 1/2); unused otherwise. */
  readonly alpha: number;
  readonly beta: number;
}

/**
 * y = a · b elementwise. b has a's shape, or is [C,1,1] and multiplies every position of channel c by b[c]
 * (the channel broadcast of squeeze-and-excitation: x · gate).
 */
export interface MulNode extends NodeBase {
  readonly op: "mul";
}

/** Feature maps of equal H and W stacked along channels, in input order. */
export interface ConcatNode extends NodeBase {
  readonly op: "concat";
}

/** How a bilinear resize maps an output coordinate o to the input (ONNX Resize coordinate_transformation_mode). */
export type { ResizeCoord };

/**
 * Upsampling by integer factors (out = in · scale on each axis). nearest: output o reads input floor(o / scale)
 * (ONNX asymmetric + floor, which half_pixel + round_prefer_floor equals at integer scales). bilinear: the
 * two-tap linear interpolation per axis at the input coordinate `coord` gives (clamped to the input's edge).
 */
export interface ResizeNode extends NodeBase {
  readonly op: "resize";
  readonly mode: "nearest" | "bilinear";
  readonly scaleH: number;
  readonly scaleW: number;
  readonly coord: ResizeCoord;
}

export type Node =
  | ConvNode
  | BatchNormNode
  | FcNode
  | ReluNode
  | ClipNode
  | AddNode
  | ShortcutANode
  | PoolNode
  | GlobalAvgPoolNode
  | FlattenNode
  | SumPoolNode
  | PadNode
  | ActNode
  | MulNode
  | ConcatNode
  | ResizeNode;

export type Op = Node["op"];

export interface Graph {
  readonly name: string;
  /** Graph input tensor name and per-image shape. */
  readonly input: { readonly name: string; readonly shape: Shape };
  readonly output: string;
  readonly nodes: readonly Node[];
  /** Shapes of every tensor, filled by inferShapes (models/shapes.ts). */
  readonly shapes: ReadonlyMap<string, Shape>;
  /** Activation quantisation given by the model (ONNX QDQ): tensor name -> scale and zero point. */
  readonly quant?: ReadonlyMap<string, { readonly scale: number; readonly zeroPoint: number }>;
  /** True when the weights were generated (zoo models, --weights random), false when they came from the file. */
  readonly randomWeights?: boolean;
  /** Set when the weights live in a file that was absent (ONNX external data): conv/fc/bn weights are then null. */
  readonly missingWeights?: { readonly model: string; readonly dataFile: string };
}
