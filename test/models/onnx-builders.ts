// Tiny ONNX models for the frontend's tests, encoded with the vendored schema (protobufjs 8).
import { encodeModel } from "../../models/onnx/schema.js";

export const FLOAT = 1;
export const INT8 = 3;
export const INT64 = 7;

export interface TensorSpec {
  name: string;
  dims: number[];
  dataType: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  rawData?: Uint8Array;
  externalData?: { key: string; value: string }[];
  dataLocation?: number;
}

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorSpec {
  return { name, dims, dataType: FLOAT, floatData: Array.from(values) };
}

export function int64Tensor(name: string, values: number[]): TensorSpec {
  return { name, dims: [values.length], dataType: INT64, int64Data: values };
}

type Attr = {
  name: string;
  type: number;
  i?: number;
  f?: number;
  ints?: number[];
  floats?: number[];
  s?: Uint8Array;
  t?: TensorSpec;
};

export const attr = {
  int: (name: string, i: number): Attr => ({ name, type: 2, i }),
  float: (name: string, f: number): Attr => ({ name, type: 1, f }),
  ints: (name: string, ints: number[]): Attr => ({ name, type: 7, ints }),
  string: (name: string, s: string): Attr => ({ name, type: 3, s: new TextEncoder().encode(s) }),
  tensor: (name: string, t: TensorSpec): Attr => ({ name, type: 4, t }),
};

export interface NodeSpec {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

function valueInfo(name: string, dims: number[]) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

export function buildModel(spec: {
  nodes: NodeSpec[];
  initializers: TensorSpec[];
  input: { name: string; dims: number[] };
  output: { name: string; dims: number[] };
  opset?: number;
}): Uint8Array {
  return encodeModel({
    irVersion: 8,
    producerName: "sumac-test",
    opsetImport: [{ domain: "", version: spec.opset ?? 17 }],
    graph: {
      name: "test",
      node: spec.nodes.map((n) => ({
        opType: n.op,
        name: n.name,
        input: n.inputs,
        output: n.outputs,
        attribute: n.attrs ?? [],
      })),
      initializer: spec.initializers,
      input: [valueInfo(spec.input.name, spec.input.dims)],
      output: [valueInfo(spec.output.name, spec.output.dims)],
    },
  });
}

/** Deterministic values in [-1, 1) (a linear congruential sequence; the tests only need variety). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * The paper's decomposition of a structured 3×3 conv as PyTorch exports it: Pad → Unsqueeze → AveragePool over
 * (C−c+1, N−n+1, N−n+1) stride 1 → Mul by the window volume → Squeeze → Conv(α), with C = 6, c = 4, n = 2,
 * padding 1, on a 7×7 input.
 */
export function decomposedConvModel(): {
  model: Uint8Array;
  C: number;
  c: number;
  n: number;
  cout: number;
  H: number;
  win: number[];
  alpha: Float32Array;
} {
  const C = 6;
  const c = 4;
  const n = 2;
  const cout = 5;
  const H = 7;
  const win = [C - c + 1, 3 - n + 1, 3 - n + 1];
  const alpha = values(cout * c * n * n, 11);
  const model = buildModel({
    nodes: [
      {
        op: "Pad",
        name: "/s/pad/Pad",
        inputs: ["x", "pads"],
        outputs: ["xp"],
        attrs: [attr.string("mode", "constant")],
      },
      { op: "Unsqueeze", name: "/s/Unsqueeze", inputs: ["xp", "ax1"], outputs: ["x5"] },
      {
        op: "AveragePool",
        name: "/s/pool/AveragePool",
        inputs: ["x5"],
        outputs: ["avg"],
        attrs: [attr.ints("kernel_shape", win), attr.ints("strides", [1, 1, 1])],
      },
      { op: "Mul", name: "/s/Mul", inputs: ["avg", "vol"], outputs: ["sum5"] },
      { op: "Squeeze", name: "/s/Squeeze", inputs: ["sum5", "ax1"], outputs: ["E"] },
      {
        op: "Conv",
        name: "/s/conv/Conv",
        inputs: ["E", "alpha", "b"],
        outputs: ["y"],
        attrs: [attr.ints("kernel_shape", [n, n])],
      },
    ],
    initializers: [
      int64Tensor("pads", [0, 0, 1, 1, 0, 0, 1, 1]),
      int64Tensor("ax1", [1]),
      floatTensor("vol", [], [win.reduce((a, b) => a * b, 1)]),
      floatTensor("alpha", [cout, c, n, n], alpha),
      floatTensor("b", [cout], values(cout, 12)),
    ],
    input: { name: "x", dims: [1, C, H, H] },
    output: { name: "y", dims: [1, cout, H, H] },
  });
  return { model, C, c, n, cout, H, win, alpha };
}
