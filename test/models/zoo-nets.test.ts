// The zoo's EfficientNet, MobileNetV3 and HRNet: the structure of each definition (torchvision's module names and
// block counts, HRNet's streams), what the structured variants change, and the networks running end to end in the
// graph executor and the compiler's reference executors.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { runFront } from "../../compiler/pipeline.js";
import { runFp32 } from "../../compiler/reference/fp32.js";
import { executeGraph } from "../../models/execute.js";
import type { Graph, Node } from "../../models/ir.js";
import { loadModel } from "../../models/zoo.js";
import { HW16, normalImage, relErr } from "../compiler/front-graphs.js";

const readFile = (p: string): Uint8Array => readFileSync(p);
const shapesOnly = (spec: string): Graph => loadModel(spec, { readFile, weights: "none" });
const ops = (g: Graph, op: Node["op"]): Node[] => g.nodes.filter((n) => n.op === op);
const byName = (g: Graph, name: string): Node => {
  const n = g.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
};
const structureOf = (g: Graph, name: string): unknown => {
  const n = byName(g, name);
  return n.op === "conv" || n.op === "fc" ? (n.structure ?? null) : undefined;
};

describe("zoo: EfficientNet-B0/B1 (torchvision)", () => {
  for (const [spec, res, blocks, skips] of [
    ["efficientnet-b0", 224, 16, 9],
    ["efficientnet-b1", 240, 23, 16],
  ] as const)
    it(`${spec}: ${res}×${res}, ${blocks} MBConv blocks each with an SE gate, ${skips} residual adds, torchvision's names`, () => {
      const g = shapesOnly(spec);
      expect(g.input.shape).to.deep.equal([3, res, res]);
      expect(g.shapes.get(g.output)).to.deep.equal([1000]);
      expect(ops(g, "mul")).to.have.length(blocks);
      expect(ops(g, "add")).to.have.length(skips);
      // SE: gap → fc1 → SiLU → fc2 → sigmoid, and the gate multiplies the block's depthwise output per channel.
      const gate = byName(g, "features.2.0.block.2.mul");
      expect(g.shapes.get(gate.inputs[1]!)).to.deep.equal([96, 1, 1]);
      expect(byName(g, "features.2.0.block.2.fc1")).to.include({ cin: 96, cout: 4, kh: 1 });
      expect(byName(g, "features.1.0.block.0.0")).to.include({ groups: 32, kh: 3 });
      expect(byName(g, "features.3.0.block.1.0")).to.include({ groups: 144, kh: 5, stride: 2 });
      expect(byName(g, "features.8.0")).to.include({ cin: 320, cout: 1280 });
      expect(byName(g, "classifier.1")).to.include({ Q: 1280, P: 1000 });
      expect(ops(g, "act").every((n) => n.op === "act" && (n.fn === "silu" || n.fn === "sigmoid"))).to.equal(true);
    });

  it("struct-a (Struct-EffNet's fitted rule): projections c = C/8, fc R = Q/2, the rest dense", () => {
    const g = shapesOnly("efficientnet-b1:struct-a");
    expect(structureOf(g, "features.2.0.block.3.0")).to.include({ c: 12, n: 1 });
    expect(structureOf(g, "features.2.0.block.0.0")).to.equal(null);
    expect(structureOf(g, "features.2.0.block.1.0")).to.equal(null);
    expect(structureOf(g, "features.2.0.block.2.fc1")).to.equal(null);
    expect(structureOf(g, "classifier.1")).to.include({ R: 640 });
  });
});

describe("zoo: MobileNetV3 (torchvision)", () => {
  for (const [spec, blocks, se, skips, last] of [
    ["mobilenetv3-small", 11, 9, 6, 576],
    ["mobilenetv3-large", 15, 8, 10, 960],
  ] as const)
    it(`${spec}: ${blocks} inverted residuals, ${se} SE gates (hardsigmoid), ${skips} residual adds, last conv ${last}`, () => {
      const g = shapesOnly(spec);
      expect(g.shapes.get(g.output)).to.deep.equal([1000]);
      expect(ops(g, "mul")).to.have.length(se);
      expect(ops(g, "add")).to.have.length(skips);
      const gates = ops(g, "act").filter((n) => n.op === "act" && n.fn === "hardsigmoid");
      expect(gates).to.have.length(se);
      expect(byName(g, `features.${blocks + 1}.0`)).to.include({ cout: last, kh: 1 });
      expect(byName(g, "classifier.3")).to.include({ P: 1000 });
    });

  it("small: torchvision's SE widths (_make_divisible(expanded / 4)) and hardswish / ReLU placement", () => {
    const g = shapesOnly("mobilenetv3-small");
    expect(byName(g, "features.1.block.1.fc1")).to.include({ cin: 16, cout: 8 });
    expect(byName(g, "features.4.block.2.fc1")).to.include({ cin: 96, cout: 24 });
    expect(byName(g, "features.9.block.2.fc1")).to.include({ cin: 288, cout: 72 });
    expect(byName(g, "features.2.block.0.2").op).to.equal("relu");
    expect(byName(g, "features.4.block.0.2")).to.include({ op: "act", fn: "hardswish" });
    expect(byName(g, "features.0.2")).to.include({ op: "act", fn: "hardswish" });
  });
});

describe("zoo: HRNetV2-W18-Small-v2 (segmentation, Cityscapes)", () => {
  const g = shapesOnly("hrnet-w18-small-v2");

  it("1024×2048 in, 19 class logits at 256×512 out; four streams at 1/4..1/32 with 18·2^i channels", () => {
    expect(g.input.shape).to.deep.equal([3, 1024, 2048]);
    expect(g.shapes.get(g.output)).to.deep.equal([19, 256, 512]);
    // Each fused stream ends in a ReLU, the last node of its fuse_layers.i scope.
    const last = [0, 1, 2, 3].map((i) =>
      g.nodes.filter((n) => n.name.startsWith(`stage4.1.fuse_layers.${i}.`)).at(-1)!,
    );
    expect(last.map((n) => n.op)).to.deep.equal(["relu", "relu", "relu", "relu"]);
    expect(last.map((n) => g.shapes.get(n.output))).to.deep.equal([
      [18, 256, 512],
      [36, 128, 256],
      [72, 64, 128],
      [144, 32, 64],
    ]);
  });

  it("modules per stage 1 / 3 / 2 with 2 basic blocks per branch; bilinear upsampling in fusions and the head", () => {
    const modules = (stage: number) =>
      new Set(g.nodes.filter((n) => n.name.startsWith(`stage${stage}.`)).map((n) => n.name.split(".")[1])).size;
    expect([modules(2), modules(3), modules(4)]).to.deep.equal([1, 3, 2]);
    // Basic blocks: (2 + 3·3 + 2·4 branches) × 2 blocks, each with one residual add.
    expect(g.nodes.filter((n) => n.op === "add" && n.name.includes(".branches.")).length).to.equal(19 * 2);
    const resizes = ops(g, "resize");
    // Fusions: 1 + 3·3 + 2·6 upsampling paths; head: 3.
    expect(resizes).to.have.length(1 + 9 + 12 + 3);
    expect(resizes.every((n) => n.op === "resize" && n.mode === "bilinear" && n.coord === "half_pixel")).to.equal(true);
    const head = ops(g, "concat").at(-1)!;
    expect(g.shapes.get(head.output)).to.deep.equal([270, 256, 512]);
  });

  it("struct-a: the body's 3×3 convs (c = C, n = 2); stem, layer1 and 1×1 convs dense", () => {
    const a = shapesOnly("hrnet-w18-small-v2:struct-a");
    const convs = ops(a, "conv");
    for (const n of convs) {
      if (n.op !== "conv") continue;
      const body = n.name.startsWith("stage") || n.name.startsWith("transition");
      expect(n.structure ?? null, n.name).to.deep.equal(
        body && n.kh === 3 ? { c: n.cin, n: 2, residual: 0, source: "model" } : null,
      );
    }
  });
});

// int8 against fp32 is checked on the ONNX networks of test/compiler/vector-layers.test.ts, whose weights are not
// random-with-calibrated-BN: on random zoo weights the int8 error says more about the weights than the machine.
describe("zoo networks run: graph executor and fp32 reference executor", function () {
  this.timeout(120_000);

  // (HRNet's resize / concat / fusion path runs against ONNX Runtime in test/compiler/vector-layers.test.ts; its
  // random weights alone take seconds to draw.)
  for (const [spec, res] of [["mobilenetv3-small:struct-a", 64]] as const)
    it(`${spec} at ${res}×${res} (random weights): the structured fp32 reference executor equals the graph executor`, () => {
      const full = loadModel(spec, { readFile });
      // Fully convolutional up to global pooling: the same weights at a small input.
      const g: Graph = { ...full, input: { ...full.input, shape: [3, res, res] }, shapes: new Map() };
      const x = normalImage(3 * res * res, 6);
      const lp = runFront(g, { mode: "structured", dtype: "fp32", hw: HW16 });
      expect(lp.layers.some((l) => l.kind === "conv" && l.structured)).to.equal(true);
      expect(relErr(runFp32(lp, x), executeGraph(g, x).get(g.output)!)).to.be.below(1e-4);
    });
});
