import { expect } from "chai";
import type { ConvLayer, FcLayer } from "../../compiler/layers.js";
import { FRONT_PASSES, PASSES, runFront, runPipeline, type PipelineOptions } from "../../compiler/pipeline.js";
import { normalise } from "../../compiler/passes/normalise.js";
import { runFp32 } from "../../compiler/reference/fp32.js";
import { InputError } from "../../isa/errors.js";
import { executeGraph } from "../../models/execute.js";
import type { Graph, Node } from "../../models/ir.js";
import { composeConv } from "../../models/structure/compose.js";
import { HW8, bn, build, conv, normalImage, relErr, relu, tinyResNet } from "./front-graphs.js";

const opts = (o: Partial<PipelineOptions> = {}): PipelineOptions =>
  ({ mode: "structured", dtype: "fp32", hw: HW8, ...o }) as PipelineOptions;

function throwsInput(f: () => unknown, re: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    expect((e as Error).message).to.match(re);
    expect((e as Error).message).to.not.contain("\n");
    return;
  }
  expect.fail("no InputError");
}

describe("compiler front: normalise", () => {
  it("folds BN into the conv: W' = W*scale[oc], b' = b*scale + shift, and matches executeGraph", () => {
    const g = build("bnfold", [3, 5, 5], [conv("c", "x", 3, 4, 3, { bias: true }), bn("b", "c", 4)]);
    const cv = g.nodes[0] as Extract<Node, { op: "conv" }>;
    const b = g.nodes[1] as Extract<Node, { op: "bn" }>;
    const lp = normalise(g);
    expect(lp.layers).to.have.length(1);
    const l = lp.layers[0] as ConvLayer;
    expect(l.output).to.equal("b");
    for (let o = 0; o < 4; o++) {
      expect(l.bias[o]).to.be.closeTo(cv.bias![o]! * b.scale![o]! + b.shift![o]!, 1e-6);
      for (let i = 0; i < 27; i++)
        expect(l.weight[o * 27 + i]).to.be.closeTo(cv.weight![o * 27 + i]! * b.scale![o]!, 1e-6);
    }
    const x = normalImage(75, 5);
    expect(relErr(runFp32(lp, x), executeGraph(g, x).get("b")!)).to.be.below(1e-5);
  });

  it("fuses relu/clip into clamps, shortcutA into the add, drops flatten: one layer per conv/add/pool/gap/fc", () => {
    const lp = normalise(tinyResNet());
    expect(lp.layers.map((l) => `${l.name}:${l.kind}`)).to.deep.equal([
      "conv1:conv",
      "conv2:conv",
      "conv3:conv",
      "add1:add",
      "conv4:conv",
      "conv5:conv",
      "add2:add",
      "dw:conv",
      "mp:maxpool",
      "ap:avgpool",
      "gap:gap",
      "fc:fc",
    ]);
    const byName = new Map(lp.layers.map((l) => [l.name, l]));
    expect(byName.get("conv1")!.clamp).to.deep.equal({ lo: 0, hi: 6 });
    expect(byName.get("conv2")!.clamp).to.deep.equal({ lo: 0, hi: Infinity });
    expect(byName.get("conv3")!.clamp).to.deep.equal({ lo: -Infinity, hi: Infinity });
    const add2 = byName.get("add2")!;
    expect(add2.kind === "add" && add2.shortcut).to.deep.equal({ stride: 2, before: 4 });
    expect(add2.inputs).to.deep.equal(["bn5", "relu3"]); // a = main path, b = shortcut source
    expect(byName.get("fc")!.inputs).to.deep.equal(["gap"]);
  });

  it("turns pad + sumpool into a SumPoolLayer and pad + conv into conv padding (matches executeGraph)", () => {
    const nodes: Node[] = [
      { op: "pad", name: "p1", inputs: ["x"], output: "p1", pads: [1, 0, 2, 1] },
      { op: "sumpool", name: "sp", inputs: ["p1"], output: "sp", kc: 2, kh: 2, kw: 3, dilation: 1 },
      { op: "pad", name: "p2", inputs: ["sp"], output: "p2", pads: [1, 1, 1, 1] },
      conv("c", "p2", 3, 2, 3, { pad: 0 }),
    ];
    const g = build("padsp", [4, 5, 5], nodes);
    const lp = normalise(g);
    expect(lp.layers.map((l) => l.kind)).to.deep.equal(["sumpool", "conv"]);
    const sp = lp.layers[0]!;
    expect(sp.kind === "sumpool" && sp.pads).to.deep.equal([1, 0, 2, 1]);
    expect((lp.layers[1] as ConvLayer).pads).to.deep.equal([1, 1, 1, 1]);
    const x = normalImage(100, 9);
    expect(relErr(runFp32(lp, x), executeGraph(g, x).get("c")!)).to.be.below(1e-5);
  });

  it("an inexpressible node is an InputError naming it", () => {
    const base = (extra: Node[]): Graph => build("bad", [3, 4, 4], [conv("c", "x", 3, 4, 3), relu("r", "c"), ...extra]);
    throwsInput(() => normalise(base([bn("b", "r", 4)])), /node 'b' \(bn\)/);
    throwsInput(() => normalise(build("bad2", [3, 4, 4], [relu("r0", "x")])), /node 'r0' \(relu\)/);
    throwsInput(
      () =>
        normalise(
          base([
            { op: "avgpool", name: "ap", inputs: ["r"], output: "ap", k: 3, stride: 1, pad: 1, countIncludePad: false },
          ]),
        ),
      /node 'ap' \(avgpool\)/,
    );
    throwsInput(
      () =>
        normalise(
          base([
            { op: "pad", name: "pd", inputs: ["r"], output: "pd", pads: [1, 1, 1, 1] },
            { op: "maxpool", name: "mp", inputs: ["pd"], output: "mp", k: 2, stride: 2, pad: 0 },
          ]),
        ),
      /node 'pd' \(pad\)/,
    );
    // vop.pool max has no clamp: a relu after a maxpool is not fused.
    throwsInput(
      () =>
        normalise(
          base([{ op: "maxpool", name: "mp", inputs: ["r"], output: "mp", k: 2, stride: 2, pad: 0 }, relu("r2", "mp")]),
        ),
      /node 'r2' \(relu\)/,
    );
    // A conv output read twice cannot take a fused relu.
    throwsInput(
      () =>
        normalise(
          build(
            "bad3",
            [3, 4, 4],
            [conv("c", "x", 3, 4, 3), relu("r", "c"), { op: "add", name: "a", inputs: ["c", "r"], output: "a" }],
          ),
        ),
      /node 'r' \(relu\)/,
    );
    const noWeights: Graph = {
      ...base([]),
      nodes: base([]).nodes.map((n) => (n.op === "conv" ? { ...n, weight: null } : n)),
    };
    throwsInput(() => normalise(noWeights), /node 'c' \(conv\).*weights/);
  });
});

describe("compiler front: structure", () => {
  it("dense mode keeps every layer dense; structured mode takes the model's (c, n)/R with alpha from the folded weights", () => {
    const g = tinyResNet(true);
    expect(
      runFront(g, { mode: "dense", dtype: "fp32", hw: HW8 }).layers.some(
        (l) => (l.kind === "conv" || l.kind === "fc") && l.structured,
      ),
    ).to.equal(false);
    const lp = runFront(g, { mode: "structured", dtype: "fp32", hw: HW8 });
    const c2 = lp.layers.find((l) => l.name === "conv2") as ConvLayer;
    expect(c2.structured).to.include({ c: 4, n: 2 });
    expect(c2.structured!.residual).to.be.below(1e-6);
    // alpha composed back (box ⊛ alpha) is the BN-folded weight.
    const W = composeConv(c2.structured!.alpha, c2.cout, 8, 3, 4, 2);
    expect(relErr(W, c2.weight)).to.be.below(1e-5);
    const dw = lp.layers.find((l) => l.name === "dw") as ConvLayer;
    expect(dw.structured).to.include({ c: 1, n: 2 });
    expect((lp.layers.find((l) => l.name === "fc") as FcLayer).structured).to.include({ R: 6 });
  });

  it("auto detects the structure of graphs that do not carry it; a dense graph stays dense", () => {
    const g = tinyResNet(true);
    const strip = (n: Node): Node => {
      if (n.op !== "conv" && n.op !== "fc") return n;
      const copy: { structure?: unknown } = { ...n };
      delete copy.structure;
      return copy as Node;
    };
    const stripped: Graph = { ...g, nodes: g.nodes.map(strip) };
    const lp = runFront(stripped, { mode: "structured", dtype: "fp32", hw: HW8, struct: "auto" });
    expect((lp.layers.find((l) => l.name === "conv2") as ConvLayer).structured).to.include({ c: 4, n: 2 });
    expect((lp.layers.find((l) => l.name === "fc") as FcLayer).structured).to.include({ R: 6 });
    const dense = runFront(tinyResNet(false), { mode: "structured", dtype: "fp32", hw: HW8, struct: "auto" });
    expect(dense.layers.some((l) => (l.kind === "conv" || l.kind === "fc") && l.structured)).to.equal(false);
  });

  it("a struct file forces a layer even above tol (residual reported); model-given structure above tol falls back to dense", () => {
    const g = tinyResNet(false); // dense random weights: any (c, n) has a large residual
    const forced = runFront(g, { mode: "structured", dtype: "fp32", hw: HW8, struct: { conv2: { c: 4, n: 2 } } });
    const c2 = forced.layers.find((l) => l.name === "conv2") as ConvLayer;
    expect(c2.structured).to.include({ c: 4, n: 2 });
    expect(c2.structured!.residual).to.be.above(0.1);
    expect(forced.notes.join("\n")).to.match(/conv2: forced \(c=4, n=2\) with residual/);
    const claimed: Graph = {
      ...g,
      nodes: g.nodes.map((n) =>
        n.name === "conv2" ? { ...n, structure: { c: 4, n: 2, residual: 0, source: "model" as const } } : n,
      ) as Node[],
    };
    const lp = runFront(claimed, { mode: "structured", dtype: "fp32", hw: HW8 });
    expect((lp.layers.find((l) => l.name === "conv2") as ConvLayer).structured).to.equal(undefined);
    expect(lp.notes.join("\n")).to.match(/conv2: \(c=4, n=2\) residual .* lowered dense/);
  });

  it("bad struct file entries are InputErrors naming the layer", () => {
    const g = tinyResNet(false);
    throwsInput(
      () =>
        runFront(g, {
          mode: "structured",
          dtype: "fp32",
          hw: HW8,
          struct: { nope: { c: 1, n: 1 } },
          structSource: "s.json",
        }),
      /s\.json: layer 'nope'/,
    );
    throwsInput(
      () => runFront(g, { mode: "structured", dtype: "fp32", hw: HW8, struct: { conv2: { c: 9, n: 2 } } }),
      /conv2.*c=9/,
    );
    throwsInput(
      () => runFront(g, { mode: "structured", dtype: "fp32", hw: HW8, struct: { fc: { c: 1, n: 1 } } }),
      /'fc'.*\{R\}/,
    );
  });
});

describe("compiler front: pipeline", () => {
  it("lists its passes in order and lets the back half reuse the Pass type", () => {
    expect(PASSES).to.deep.equal(["frontend", "normalise", "structure", "calibrate", "quantise"]);
    const extra = {
      name: "count",
      doc: "test pass",
      run: (s: never) => s,
      verify: () => undefined,
      print: () => "counted\n",
    };
    const r = runPipeline(tinyResNet(), { ...opts(), dumpAfter: "count" }, [...FRONT_PASSES, extra]);
    expect(r.dump).to.equal("counted\n");
  });

  it("--dump-after prints the graph after frontend and the layer list after later passes", () => {
    const g = tinyResNet(true);
    const seen: string[] = [];
    const a = runPipeline(g, { ...opts(), dumpAfter: "frontend", onDump: (p) => seen.push(p) });
    expect(a.dump).to.match(/^graph tiny-struct/);
    expect(a.dump).to.contain("bn1: bn");
    expect(seen).to.deep.equal(["frontend"]);
    const b = runPipeline(g, { ...opts(), dumpAfter: "structure" });
    expect(b.dump).to.match(/^layers tiny-struct mode=structured dtype=fp32/);
    expect(b.dump).to.match(/conv2: conv relu6_1\[8,8,8\] -> relu2\[8,8,8\] k=3x3 .*struct\(c=4,n=2,/);
    const q = runPipeline(g, { ...opts({ dtype: "int8" }), dumpAfter: "quantise" });
    // exact E: a (8-4+1) x 2 x 2 = 20-value window sums to at most 127 x 20 = 2540, which needs 16 bits, no shift
    expect(q.dump).to.match(
      /conv2: conv relu6_1\[8,8,8\]@[0-9.]+ -> relu2\[8,8,8\]@[0-9.]+ .* relu q\{mult=\d+\.\.\d+ .* out=0\.\.127 E=16b>>0\}/,
    );
    expect(runPipeline(g, { ...opts({ dtype: "int8" }), dumpAfter: "calibrate" }).dump).to.match(
      /ranges\n {2}x: max\|x\| = /,
    );
  });

  it("an unknown --dump-after pass is an InputError listing the passes", () => {
    throwsInput(
      () => runPipeline(tinyResNet(), { ...opts(), dumpAfter: "lowerr" }),
      /unknown pass 'lowerr' \(passes: frontend, normalise, structure, calibrate, quantise\)/,
    );
  });

  it("calibration images of the wrong size are an InputError", () => {
    throwsInput(
      () => runFront(tinyResNet(), { mode: "dense", dtype: "int8", hw: HW8, calibration: [new Float32Array(5)] }),
      /calibration image 0/,
    );
  });
});
