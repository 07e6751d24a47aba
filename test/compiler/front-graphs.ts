// Small hand-made graphs for the compiler front-end tests: every op the normaliser handles, seeded weights
// (models/weights.ts initGraphWeights), optionally with structured convs/fc.
import type { ConvNode, Graph, Node } from "../../models/ir.js";
import { inferShapes } from "../../models/shapes.js";
import { initGraphWeights } from "../../models/weights.js";
import type { QuantHw } from "../../compiler/passes/quantise.js";

export const HW8: QuantHw = { mac: { actBits: 8 }, pool: { outBits: 16 } };
export const HW16: QuantHw = { mac: { actBits: 16 }, pool: { outBits: 16 } };

type Pads = [number, number, number, number];
const p = (k: number): Pads => [k, k, k, k];

export function conv(
  name: string,
  input: string,
  cin: number,
  cout: number,
  k: number,
  o: {
    stride?: number;
    pad?: number;
    groups?: number;
    dilation?: number;
    bias?: boolean;
    struct?: { c: number; n: number };
  } = {},
): ConvNode {
  return {
    op: "conv",
    name,
    inputs: [input],
    output: name,
    cin,
    cout,
    kh: k,
    kw: k,
    stride: o.stride ?? 1,
    pads: p(o.pad ?? Math.floor(k / 2)),
    dilation: o.dilation ?? 1,
    groups: o.groups ?? 1,
    weight: null,
    bias: o.bias ? new Float32Array(cout).map((_, i) => 0.05 * Math.sin(i + 1)) : null,
    ...(o.struct ? { structure: { ...o.struct, residual: 0, source: "model" as const } } : {}),
  };
}
export const bn = (name: string, input: string, channels: number): Node => ({
  op: "bn",
  name,
  inputs: [input],
  output: name,
  channels,
  scale: null,
  shift: null,
});
export const relu = (name: string, input: string): Node => ({ op: "relu", name, inputs: [input], output: name });

export function build(name: string, inShape: number[], nodes: Node[], seed = "front-test"): Graph {
  const g: Graph = {
    name,
    input: { name: "x", shape: inShape },
    output: nodes[nodes.length - 1]!.output,
    nodes,
    shapes: new Map(),
  };
  return inferShapes(initGraphWeights(g, seed));
}

/**
 * A tiny residual network with conv/bn/relu/clip/add/shortcutA/maxpool/avgpool/gap/flatten/fc, input [3,8,8].
 * `structured` gives convs (and the fc) exactly structured weights with their (c, n) / R on the nodes.
 */
export function tinyResNet(structured = false, seed = "tiny"): Graph {
  const s = (c: number, n: number) => (structured ? { struct: { c, n } } : {});
  const nodes: Node[] = [
    conv("conv1", "x", 3, 8, 3, s(2, 2)),
    bn("bn1", "conv1", 8),
    { op: "clip", name: "relu6_1", inputs: ["bn1"], output: "relu6_1", lo: 0, hi: 6 },
    conv("conv2", "relu6_1", 8, 8, 3, s(4, 2)),
    bn("bn2", "conv2", 8),
    relu("relu2", "bn2"),
    conv("conv3", "relu2", 8, 8, 3, s(8, 1)),
    bn("bn3", "conv3", 8),
    { op: "add", name: "add1", inputs: ["bn3", "relu6_1"], output: "add1" },
    relu("relu3", "add1"),
    conv("conv4", "relu3", 8, 16, 3, { stride: 2, ...s(4, 2) }),
    bn("bn4", "conv4", 16),
    relu("relu4", "bn4"),
    conv("conv5", "relu4", 16, 16, 3, s(5, 3)),
    bn("bn5", "conv5", 16),
    { op: "shortcutA", name: "sc", inputs: ["relu3"], output: "sc", stride: 2, before: 4, cout: 16 },
    { op: "add", name: "add2", inputs: ["sc", "bn5"], output: "add2" },
    relu("relu5", "add2"),
    conv("dw", "relu5", 16, 16, 3, { groups: 16, bias: true, ...s(1, 2) }),
    relu("relu6", "dw"),
    { op: "maxpool", name: "mp", inputs: ["relu6"], output: "mp", k: 2, stride: 2, pad: 0 },
    { op: "avgpool", name: "ap", inputs: ["mp"], output: "ap", k: 3, stride: 1, pad: 1, countIncludePad: true },
    { op: "gap", name: "gap", inputs: ["ap"], output: "gap" },
    { op: "flatten", name: "flat", inputs: ["gap"], output: "flat" },
    {
      op: "fc",
      name: "fc",
      inputs: ["flat"],
      output: "fc",
      P: 10,
      Q: 16,
      weight: null,
      bias: null,
      ...(structured ? { structure: { R: 6, residual: 0, source: "model" as const } } : {}),
    },
  ];
  return build(structured ? "tiny-struct" : "tiny", [3, 8, 8], nodes, seed);
}

export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    n = Math.max(n, Math.abs(b[i]!));
  }
  return d / (n || 1);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

export function normalImage(size: number, seed: number): Float32Array {
  // Independent of models/rng: a small LCG + Box-Muller, so test inputs do not share code with calibration.
  let s = seed >>> 0 || 1;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const x = new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return x;
}
