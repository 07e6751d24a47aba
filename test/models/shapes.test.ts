// inferShapes against PyTorch's output-size formulas, verifyGraph's errors, and printGraph's stable dump.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { InputError } from "../../isa/errors.js";
import type { ConvNode, Graph, Node } from "../../models/ir.js";
import { inferShapes, printGraph, verifyGraph } from "../../models/shapes.js";
import { loadModel } from "../../models/zoo.js";

const graph = (nodes: Node[], shape: number[] = [4, 9, 9]): Graph => ({
  name: "g",
  input: { name: "x", shape },
  output: nodes.at(-1)?.output ?? "x",
  nodes,
  shapes: new Map(),
});
const conv = (over: Partial<ConvNode> = {}): ConvNode => ({
  op: "conv",
  name: "c",
  inputs: ["x"],
  output: "c",
  cin: 4,
  cout: 6,
  kh: 3,
  kw: 3,
  stride: 1,
  pads: [0, 0, 0, 0],
  dilation: 1,
  groups: 1,
  weight: null,
  bias: null,
  ...over,
});
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error("expected an InputError");
}

describe("inferShapes", () => {
  it("conv: floor((H + pt + pb − d(k−1) − 1)/s) + 1 per axis (torch.nn.Conv2d)", () => {
    // H: floor((9 + 1 + 2 − 2·(3−1) − 1)/2) + 1 = 4; W: floor((9 − 2·(5−1) − 1)/2) + 1 = 1
    const g = inferShapes(graph([conv({ kh: 3, kw: 5, stride: 2, dilation: 2, pads: [1, 0, 2, 0] })]));
    expect(g.shapes.get("c")).to.deep.equal([6, 4, 1]);
  });

  it("pools, gap, flatten, fc, shortcutA (ceil of the subsample), sumpool, pad", () => {
    const nodes: Node[] = [
      { op: "pad", name: "p", inputs: ["x"], output: "p", pads: [1, 2, 0, 1] },
      { op: "maxpool", name: "m", inputs: ["p"], output: "m", k: 3, stride: 2, pad: 1 },
      { op: "shortcutA", name: "s", inputs: ["m"], output: "s", stride: 2, before: 2, cout: 8 },
      { op: "sumpool", name: "e", inputs: ["s"], output: "e", kc: 5, kh: 2, kw: 2, dilation: 1 },
      { op: "avgpool", name: "a", inputs: ["e"], output: "a", k: 2, stride: 1, pad: 0 },
      { op: "gap", name: "gp", inputs: ["a"], output: "gp" },
      { op: "flatten", name: "f", inputs: ["gp"], output: "f" },
      { op: "fc", name: "fc", inputs: ["f"], output: "fc", P: 10, Q: 4, weight: null, bias: null },
    ];
    const s = inferShapes(graph(nodes)).shapes;
    expect(nodes.map((n) => s.get(n.output))).to.deep.equal([
      [4, 10, 12], // 9+1+0, 9+2+1
      [4, 5, 6], // floor((10+2−3)/2)+1, floor((12+2−3)/2)+1
      [8, 3, 3], // ceil(5/2), ceil(6/2)
      [4, 2, 2], // 8−5+1, 3−1
      [4, 1, 1],
      [4, 1, 1],
      [4],
      [10],
    ]);
  });
});

describe("verifyGraph", () => {
  it("accepts every zoo graph", () => {
    for (const m of ["resnet56:struct-b", "resnet50:struct-a", "mobilenetv2:struct-a"])
      verifyGraph(loadModel(m, { readFile: (p) => readFileSync(p), weights: "none" }));
  });
  it("names the node: duplicate names, undefined inputs, channel mismatches, weight lengths, structure, arity", () => {
    expect(errorOf(() => verifyGraph(graph([conv(), conv({ inputs: ["c"], output: "c2", cin: 6 })])))).to.equal(
      "node 'c' (conv): node name is not unique",
    );
    expect(errorOf(() => verifyGraph(graph([conv({ inputs: ["y"] })])))).to.equal(
      "node 'c' (conv): input tensor 'y' is not defined before this node",
    );
    expect(errorOf(() => verifyGraph(graph([conv({ cin: 3 })])))).to.equal(
      "node 'c' (conv): expects 3 input channels, got 4 (input [4,9,9])",
    );
    expect(errorOf(() => verifyGraph(graph([conv({ weight: new Float32Array(10) })])))).to.equal(
      "node 'c' (conv): weight has 10 values, expected 216",
    );
    expect(errorOf(() => verifyGraph(graph([conv({ groups: 3 })])))).to.equal(
      "node 'c' (conv): groups = 3 must divide cin = 4 and cout = 6",
    );
    expect(
      errorOf(() => verifyGraph(graph([conv({ structure: { c: 5, n: 2, residual: 0, source: "model" } })]))),
    ).to.equal("node 'c' (conv): structure c = 5 must be in 1..4");
    expect(errorOf(() => verifyGraph(graph([{ op: "add", name: "a", inputs: ["x"], output: "a" }])))).to.equal(
      "node 'a' (add): has 1 inputs, expected 2",
    );
    expect(errorOf(() => verifyGraph(graph([conv({ kh: 11, kw: 11 })])))).to.match(
      /^node 'c' \(conv\): output shape \[6,-1,-1\] is empty/,
    );
  });
});

describe("printGraph", () => {
  it("one line per node with shapes, attributes and structure", () => {
    const g = graph([
      conv({ pads: [1, 1, 1, 1], structure: { c: 2, n: 2, residual: 0, source: "model" } }),
      { op: "bn", name: "b", inputs: ["c"], output: "b", channels: 6, scale: null, shift: null },
      { op: "clip", name: "r", inputs: ["b"], output: "r", lo: 0, hi: 6 },
    ]);
    expect(printGraph(g)).to.equal(
      [
        "graph g  input x [4,9,9]  output r [6,9,9]",
        "  c: conv x[4,9,9] -> c[6,9,9] k=3x3 s=1 p=1,1,1,1 struct(c=2,n=2,model) w=none",
        "  b: bn c[6,9,9] -> b[6,9,9] ch=6 w=none",
        "  r: clip b[6,9,9] -> r[6,9,9] lo=0 hi=6",
        "",
      ].join("\n"),
    );
  });
  it("is stable: two loads of a zoo model print the same text", () => {
    const load = (): Graph => loadModel("mobilenetv2:struct-b", { readFile: (p) => readFileSync(p), weights: "none" });
    const a = printGraph(load());
    expect(a).to.equal(printGraph(load()));
    expect(a.split("\n")).to.have.length(load().nodes.length + 2);
  });
});
