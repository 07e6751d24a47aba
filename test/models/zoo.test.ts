// The zoo: listing, spec resolution, the networks' structure (torchvision/He et al. definitions), weights, errors.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";
import { InputError } from "../../isa/errors.js";
import type { Graph, Node } from "../../models/ir.js";
import { listModels, loadModel, zooDir } from "../../models/zoo.js";

const readFile = (p: string): Uint8Array => readFileSync(p);
const shapesOnly = (spec: string): Graph => loadModel(spec, { readFile, weights: "none" });
/** The ResNets and MobileNetV2 (every conv followed by BN); the newer networks are in zoo-nets.test.ts. */
const ALL = ["resnet20", "resnet32", "resnet56", "resnet18", "resnet34", "resnet50", "mobilenetv2"];
const LISTED = [
  ...ALL,
  "mobilenetv3-small",
  "mobilenetv3-large",
  "efficientnet-b0",
  "efficientnet-b1",
  "hrnet-w18-small-v2",
];

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

describe("zoo listing", () => {
  it("lists the twelve networks of DESIGN §6 with datasets and variants", () => {
    const list = listModels();
    expect(list.map((m) => m.name)).to.deep.equal(LISTED);
    expect(list.map((m) => m.dataset)).to.deep.equal([
      "cifar10",
      "cifar10",
      "cifar10",
      ...new Array<string>(8).fill("imagenet"),
      "cityscapes",
    ]);
    for (const m of list) expect(m.variants).to.deep.equal(["dense", "struct-a", "struct-b"]);
  });

  it("finds models/zoo from the package root (source and dist/ both walk up to package.json)", () => {
    expect(existsSync(path.join(zooDir(), "..", "..", "package.json"))).to.equal(true);
    expect(existsSync(path.join(zooDir(), "resnet.net"))).to.equal(true);
  });

  it("sumac models prints the table with dense MACs", async () => {
    const io = memoryIo();
    expect(await main(["models"], io)).to.equal(0);
    expect(io.out).to.match(/resnet56\s+cifar10\s+:dense :struct-a :struct-b\s+125\.49M/);
    expect(io.out).to.match(/resnet50\s+imagenet\s+:dense :struct-a :struct-b\s+4\.09G/);
  });
});

describe("zoo networks", () => {
  for (const spec of ALL.flatMap((m) => [m, `${m}:struct-a`, `${m}:struct-b`])) {
    it(`${spec}: input and output shapes, every conv followed by bn`, () => {
      const g = shapesOnly(spec);
      const cifar = /^resnet(20|32|56)/.test(spec);
      expect(g.input.shape).to.deep.equal(cifar ? [3, 32, 32] : [3, 224, 224]);
      expect(g.shapes.get(g.output)).to.deep.equal(cifar ? [10] : [1000]);
      const consumers = new Map<string, Node[]>();
      for (const n of g.nodes) for (const t of n.inputs) consumers.set(t, [...(consumers.get(t) ?? []), n]);
      for (const n of g.nodes)
        if (n.op === "conv")
          expect(
            consumers.get(n.output)?.map((c) => c.op),
            n.name,
          ).to.deep.equal(["bn"]);
    });
  }

  it("CIFAR ResNet-n has 6n+2 weighted layers and option-A shortcuts at the two stage changes", () => {
    for (const [spec, depth] of [
      ["resnet20", 20],
      ["resnet32", 32],
      ["resnet56", 56],
    ] as const) {
      const g = shapesOnly(spec);
      expect(g.nodes.filter((n) => n.op === "conv" || n.op === "fc")).to.have.length(depth);
      expect(g.nodes.filter((n) => n.op === "add")).to.have.length((depth - 2) / 2);
      const sc = g.nodes.filter((n) => n.op === "shortcutA");
      // akamaster: F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes // 4))
      expect(sc.map((n) => [n.name, n.op === "shortcutA" && [n.stride, n.before, n.cout]])).to.deep.equal([
        ["layer2.0.shortcut", [2, 8, 32]],
        ["layer3.0.shortcut", [2, 16, 64]],
      ]);
    }
  });

  it("ResNet-18/34/50 carry torchvision's layer names and shapes", () => {
    const r18 = shapesOnly("resnet18");
    const names = new Set(r18.nodes.map((n) => n.name));
    for (const n of [
      "conv1",
      "bn1",
      "relu",
      "maxpool",
      "layer1.0.conv1",
      "layer1.1.bn2",
      "layer2.0.downsample.0",
      "layer2.0.downsample.1",
      "layer4.1.conv2",
      "avgpool",
      "fc",
    ])
      expect(names.has(n), n).to.equal(true);
    expect(r18.shapes.get("maxpool")).to.deep.equal([64, 56, 56]);
    expect(r18.shapes.get("layer4.1.bn2")).to.deep.equal([512, 7, 7]);
    const r50 = shapesOnly("resnet50");
    // v1.5: the stride is on the 3x3 (conv2), not on the first 1x1
    const conv = (g: Graph, name: string): Node => g.nodes.find((n) => n.name === name)!;
    expect(conv(r50, "layer2.0.conv1")).to.include({ stride: 1, cout: 128 });
    expect(conv(r50, "layer2.0.conv2")).to.include({ stride: 2, kh: 3 });
    expect(conv(r50, "layer2.0.conv3")).to.include({ cout: 512 });
    expect(conv(r50, "layer1.0.downsample.0")).to.include({ cin: 64, cout: 256, stride: 1 });
    expect(r50.nodes.filter((n) => n.op === "conv")).to.have.length(53);
    expect(r50.shapes.get("layer4.2.bn3")).to.deep.equal([2048, 7, 7]);
  });

  it("MobileNetV2 follows torchvision: names, 17 inverted residuals, 10 skip adds, ReLU6, 1280 → 1000", () => {
    const g = shapesOnly("mobilenetv2");
    const byName = new Map(g.nodes.map((n) => [n.name, n]));
    for (const n of [
      "features.0.0",
      "features.0.1",
      "features.1.conv.0.0",
      "features.1.conv.1",
      "features.2.conv.0.0",
      "features.2.conv.1.0",
      "features.2.conv.2",
      "features.2.conv.3",
      "features.17.conv.2",
      "features.18.0",
      "classifier.1",
    ])
      expect(byName.has(n), n).to.equal(true);
    expect(byName.get("features.2.conv.1.0")).to.include({ groups: 96, cin: 96, cout: 96, stride: 2 });
    expect(g.nodes.filter((n) => n.op === "add")).to.have.length(10);
    expect(g.nodes.filter((n) => n.op === "clip").every((n) => n.op === "clip" && n.lo === 0 && n.hi === 6)).to.equal(
      true,
    );
    expect(g.shapes.get("features.18.2")).to.deep.equal([1280, 7, 7]);
    expect(byName.get("classifier.1")).to.include({ P: 1000, Q: 1280 });
  });

  it("struct variants carry the fitted rules of paper-counts.md §4", () => {
    const s = (spec: string, name: string): unknown => {
      const n = shapesOnly(spec).nodes.find((x) => x.name === name)!;
      return n.op === "conv" || n.op === "fc" ? (n.structure ?? null) : undefined;
    };
    expect(s("resnet56:struct-a", "layer1.0.conv1")).to.include({ c: 8, n: 3 });
    expect(s("resnet56:struct-a", "layer3.1.conv1")).to.include({ c: 64, n: 2 });
    expect(s("resnet56:struct-b", "layer2.1.conv2")).to.include({ c: 18, n: 2 });
    expect(s("resnet56:struct-b", "linear")).to.include({ R: 16 });
    expect(s("resnet56:struct-a", "conv1")).to.equal(null);
    expect(s("resnet18:struct-a", "layer3.0.conv1")).to.include({ c: 128, n: 2 });
    expect(s("resnet18:struct-a", "fc")).to.equal(null);
    expect(s("resnet34:struct-a", "fc")).to.include({ R: 256 });
    expect(s("resnet18:struct-b", "layer3.0.conv2")).to.include({ c: 128, n: 2 });
    expect(s("resnet50:struct-a", "layer3.0.conv1")).to.include({ c: 256, n: 1 });
    expect(s("resnet50:struct-a", "fc")).to.include({ R: 1024 });
    expect(s("mobilenetv2:struct-a", "features.2.conv.1.0")).to.include({ c: 1, n: 2 });
    expect(s("mobilenetv2:struct-b", "features.18.0")).to.include({ c: 160, n: 1 });
    expect(s("mobilenetv2:struct-a", "classifier.1")).to.include({ R: 960 });
  });
});

describe("loadModel", () => {
  it("zoo models get seeded random structured weights (same seed → same weights)", () => {
    const a = loadModel("resnet20:struct-a", { readFile, seed: 7 });
    const b = loadModel("resnet20:struct-a", { readFile, seed: 7 });
    expect(a.randomWeights).to.equal(true);
    const conv = a.nodes.find((n) => n.name === "layer1.0.conv1")!;
    const conv2 = b.nodes.find((n) => n.name === "layer1.0.conv1")!;
    if (conv.op !== "conv" || conv2.op !== "conv") throw new Error("conv");
    expect(conv.weight?.length).to.equal(16 * 16 * 9);
    expect(Array.from(conv.weight!)).to.deep.equal(Array.from(conv2.weight!));
  });

  it("weights: none keeps every weight null", () => {
    const g = shapesOnly("resnet18");
    expect(g.nodes.every((n) => !(n.op === "conv" || n.op === "fc") || n.weight === null)).to.equal(true);
  });

  it("unknown model → InputError listing the models; unknown variant → the variants", () => {
    expect(errorOf(() => shapesOnly("resnet99")).message).to.equal(
      `unknown model 'resnet99' (models: ${LISTED.join(", ")}; or a .net / .onnx file)`,
    );
    expect(errorOf(() => shapesOnly("resnet56:struct-c")).message).to.equal(
      "model 'resnet56' has no variant 'struct-c' (variants: dense, struct-a, struct-b)",
    );
  });

  it("the CLI exits 2 and names what is available", async () => {
    let io = memoryIo();
    expect(await main(["count", "vgg16"], io)).to.equal(2);
    expect(io.err).to.match(/^sumac: error: unknown model 'vgg16' \(models: resnet20, .*mobilenetv2/);
    io = memoryIo();
    expect(await main(["count", "resnet18:sparse"], io)).to.equal(2);
    expect(io.err).to.contain("variants: dense, struct-a, struct-b");
  });

  it("a .net path, with :variant, and a missing file", () => {
    const g = loadModel("test/fixtures/net/tiny.net:struct-lite", { readFile, weights: "none" });
    expect(g.name).to.equal("tiny:struct-lite");
    expect(errorOf(() => loadModel("nope/missing.net", { readFile })).message).to.equal(
      "nope/missing.net: cannot read the model file (no such file)",
    );
  });
});
