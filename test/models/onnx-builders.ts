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
