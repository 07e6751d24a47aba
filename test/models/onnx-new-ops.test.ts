// The ONNX frontend on the ops of EfficientNet, MobileNetV3 and HRNet (Sigmoid, SiLU, HardSigmoid, HardSwish,
// channel-broadcast Mul, Concat of maps, Resize, Dropout), checked against ONNX Runtime on the same files, and the
// torchvision graphs of EfficientNet-B0 and MobileNetV3-small (weights absent) against torchvision's MAC counts.
import { expect } from "chai";
import { InputError } from "../../isa/errors.js";
import { countGraph } from "../../models/count.js";
import { executeGraph } from "../../models/execute.js";
import type { Graph } from "../../models/ir.js";
import { loadOnnx } from "../../models/onnx/load.js";
import { verifyGraph } from "../../models/shapes.js";
import { attr, buildModel, floatTensor, INT64, int64Tensor, type NodeSpec, type TensorSpec } from "./onnx-builders.js";
import { normalImage, relErr } from "../compiler/front-graphs.js";
import { OnnxNet, efficientNetB0, fusionNet, mobileNetV3Small, seNet } from "./onnx-nets.js";
import { ortRun } from "./ort.js";

const noFiles = (): Uint8Array | null => null;
const load = (bytes: Uint8Array, weights: "file" | "random" | "none" = "file"): Graph =>
  loadOnnx(bytes, { path: "net.onnx", readFile: noFiles, weights });

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

const ops = (g: Graph): string[] => g.nodes.map((n) => (n.op === "act" ? `act:${n.fn}` : n.op));

describe("ONNX frontend: EfficientNet / MobileNetV3 / HRNet ops against ONNX Runtime", function () {
  this.timeout(60_000);

  const cases: [string, () => Uint8Array, number[]][] = [
    [
      "SE net (SiLU, depthwise 5×5/2, Sigmoid/HardSigmoid gates, Hardswish, Mul, Dropout)",
      () => seNet(),
      [1, 3, 16, 16],
    ],
    ["SE net exported at opset 13 (Hardswish as x · HardSigmoid(x))", () => seNet({ opset: 13 }), [1, 3, 16, 16]],
    ["fusion net (bilinear / nearest Resize, Concat, map + map)", () => fusionNet(), [1, 3, 12, 12]],
    ["EfficientNet-B0 at 32×32", () => efficientNetB0(32), [1, 3, 32, 32]],
    ["MobileNetV3-small at 32×32", () => mobileNetV3Small(32), [1, 3, 32, 32]],
    ["MobileNetV3-small at 32×32, opset 13", () => mobileNetV3Small(32, { opset: 13 }), [1, 3, 32, 32]],
  ];
  for (const [name, build, dims] of cases)
    it(`${name}: the graph executor matches ONNX Runtime within 1e-4`, async () => {
      const bytes = build();
      const g = load(bytes);
      verifyGraph(g);
      const x = normalImage(
        dims.reduce((a, b) => a * b, 1),
        7,
      );
      const y = executeGraph(g, x).get(g.output)!;
      const ref = await ortRun(bytes, x, dims);
      expect(y.length).to.equal(ref.length);
      expect(relErr(y, ref)).to.be.below(1e-4);
    });

  it("reads SiLU and Hardswish as one act each, the SE gate as a channel-broadcast mul", () => {
    const g = load(seNet({ opset: 13 }));
    expect(ops(g)).to.deep.equal([
      "conv",
      "act:silu",
      "conv",
      "act:silu",
      "gap",
      "conv",
      "act:silu",
      "conv",
      "act:sigmoid",
      "mul",
      "conv",
      "act:hardswish",
      "gap",
      "conv",
      "relu",
      "conv",
      "act:hardsigmoid",
      "mul",
      "conv",
      "relu",
      "mul",
      "conv",
      "act:sigmoid",
      "gap",
      "flatten",
      "fc",
    ]);
    const gates = g.nodes.filter((n) => n.op === "mul").map((n) => g.shapes.get(n.inputs[1]!));
    expect(gates).to.deep.equal([
      [8, 1, 1],
      [12, 1, 1],
      [12, 4, 4],
    ]);
    const hs = g.nodes.find((n) => n.op === "act" && n.fn === "hardsigmoid");
    expect(hs?.op === "act" && hs.alpha).to.be.closeTo(1 / 6, 1e-7);
    expect(hs?.op === "act" && hs.beta).to.equal(0.5);
  });

  it("reads each Resize as the IR resize with its factor, mode and coordinates, and the Concat as one concat", () => {
    const g = load(fusionNet());
    const rs = g.nodes.filter((n) => n.op === "resize");
    expect(rs.map((n) => (n.op === "resize" ? [n.mode, n.scaleH, n.scaleW, n.coord] : []))).to.deep.equal([
      ["bilinear", 2, 2, "half_pixel"],
      ["bilinear", 4, 4, "align_corners"],
      ["nearest", 4, 4, "half_pixel"],
      ["bilinear", 2, 2, "asymmetric"],
      ["nearest", 2, 2, "half_pixel"],
    ]);
    const cat = g.nodes.find((n) => n.op === "concat")!;
    expect(cat.inputs).to.have.length(5);
    expect(g.shapes.get(cat.output)).to.deep.equal([4 + 8 + 8 + 6 + 6, 12, 12]);
  });
});

describe("ONNX frontend: Resize across its opsets, against ONNX Runtime", function () {
  this.timeout(30_000);
  const x = normalImage(2 * 3 * 5, 9);
  /** One Resize on a [1,2,3,5] input, with the given inputs (after X) and attributes. */
  const resize = (opset: number, inputs: string[], inits: TensorSpec[], attrs: NodeSpec["attrs"], out: number[]) =>
    buildModel({
      nodes: [{ op: "Resize", name: "r", inputs: ["x", ...inputs], outputs: ["y"], attrs }],
      initializers: inits,
      input: { name: "x", dims: [1, 2, 3, 5] },
      output: { name: "y", dims: out },
      opset,
    });
  const empty = (name: string): TensorSpec => floatTensor(name, [0], []);
  const cases: [string, () => Uint8Array][] = [
    [
      "opset 11: roi and scales empty, sizes given, linear align_corners",
      () =>
        resize(
          11,
          ["roi", "scales", "sizes"],
          [empty("roi"), empty("scales"), int64Tensor("sizes", [1, 2, 9, 10])],
          [attr.string("mode", "linear"), attr.string("coordinate_transformation_mode", "align_corners")],
          [1, 2, 9, 10],
        ),
    ],
    [
      "opset 11: nearest with tf_half_pixel_for_nn and floor rounding (= floor(o / scale))",
      () =>
        resize(
          11,
          ["roi", "scales"],
          [empty("roi"), floatTensor("scales", [4], [1, 1, 2, 2])],
          [
            attr.string("mode", "nearest"),
            attr.string("coordinate_transformation_mode", "tf_half_pixel_for_nn"),
            attr.string("nearest_mode", "floor"),
          ],
          [1, 2, 6, 10],
        ),
    ],
    [
      "opset 18: axes [2, 3] with scales for them, antialias (no effect when upsampling)",
      () =>
        resize(
          18,
          ["", "scales"],
          [floatTensor("scales", [2], [3, 2])],
          [attr.string("mode", "linear"), attr.ints("axes", [2, 3]), attr.int("antialias", 1)],
          [1, 2, 9, 10],
        ),
    ],
    [
      "opset 19: linear half_pixel_symmetric (half_pixel at integer factors)",
      () =>
        resize(
          19,
          ["", "scales"],
          [floatTensor("scales", [4], [1, 1, 2, 3])],
          [attr.string("mode", "linear"), attr.string("coordinate_transformation_mode", "half_pixel_symmetric")],
          [1, 2, 6, 15],
        ),
    ],
  ];
  for (const [name, build] of cases)
    it(`${name}: the graph executor matches ONNX Runtime`, async () => {
      const bytes = build();
      const g = load(bytes);
      const y = executeGraph(g, x).get(g.output)!;
      const ref = await ortRun(bytes, x, [1, 2, 3, 5]);
      expect(y.length).to.equal(ref.length);
      expect(relErr(y, ref)).to.be.below(1e-6);
    });
});

describe("ONNX frontend: F.interpolate(x1, size=x0.shape[2:]) as torch exports it (Shape, Gather, Unsqueeze, Concat)", () => {
  it("folds the size computation and resizes like ONNX Runtime", async () => {
    const net = new OnnxNet([1, 3, 12, 12]);
    const x0 = net.relu(net.conv("input", 4, 3));
    const x1 = net.relu(net.conv(x0, 6, 3, 2));
    // Scalar indices: Gather drops the axis, Unsqueeze restores it (torch's export of x.shape[2]).
    const scalar = (name: string, v: number): TensorSpec => ({ name, dims: [], dataType: INT64, int64Data: [v] });
    net.inits.push(scalar("i2", 2), scalar("i3", 3), int64Tensor("ax0", [0]));
    net.inits.push(int64Tensor("s0", [0]), int64Tensor("s2", [2]));
    const shape0 = net.node("Shape", [x0], [4]);
    const dim = (i: string) => net.node("Unsqueeze", [net.node("Gather", [shape0, i], [1]), "ax0"], [1]);
    const nc = net.node("Slice", [net.node("Shape", [x1], [4]), "s0", "s2"], [2]);
    const sizes = net.node("Concat", [nc, dim("i2"), dim("i3")], [4], [attr.int("axis", 0)]);
    const up = net.node(
      "Resize",
      [x1, "", "", sizes],
      [1, 6, 12, 12],
      [attr.string("mode", "linear"), attr.string("coordinate_transformation_mode", "pytorch_half_pixel")],
    );
    const bytes = net.build(net.concat([x0, up]));
    const g = load(bytes);
    expect(g.nodes.filter((n) => n.op === "resize")).to.have.length(1);
    const x = normalImage(3 * 12 * 12, 3);
    expect(relErr(executeGraph(g, x).get(g.output)!, await ortRun(bytes, x, [1, 3, 12, 12]))).to.be.below(1e-5);
  });
});

describe("ONNX frontend: torchvision EfficientNet-B0 and MobileNetV3-small without their weight files", function () {
  this.timeout(60_000);

  // torchvision's MACs as a forward hook on every Conv2d and Linear counts them (the figures).
  for (const [name, build, macs] of [
    ["efficientnet_b0", () => efficientNetB0(224, { external: "efficientnet_b0.onnx.data" }), 385_814_752],
    ["mobilenet_v3_small", () => mobileNetV3Small(224, { external: "mobilenet_v3_small.onnx.data" }), 56_510_400],
  ] as const)
    it(`${name}: imports shapes-only with the data file named, and counts torchvision's ${macs.toLocaleString("en")} MACs`, () => {
      const g = load(build());
      expect(g.missingWeights?.dataFile).to.equal(`${name}.onnx.data`);
      verifyGraph(g);
      expect(g.shapes.get(g.output)).to.deep.equal([1000]);
      // Every conv carries its folded-BN bias (present in the file, values absent) and the fc its bias: K − 1
      // accumulation adds plus one bias add per output, so adds = MACs.
      expect(countGraph(g).totals).to.include({ macs, adds: macs });
      // --weights random fills every layer, so the graph runs.
      const r = load(build(), "random");
      expect(r.randomWeights).to.equal(true);
      expect(r.nodes.every((n) => (n.op === "conv" || n.op === "fc" ? n.weight !== null : true))).to.equal(true);
    });
});

describe("ONNX frontend: what the new ops refuse, by name", () => {
  const resizeNet = (s: number, attrs: Parameters<OnnxNet["resize"]>[2]): Uint8Array => {
    const net = new OnnxNet([1, 2, 4, 4]);
    return net.build(net.resize("input", s, attrs));
  };
  const cases: [string, () => Uint8Array, RegExp][] = [
    ["cubic mode", () => resizeNet(2, [attr.string("mode", "cubic")]), /mode 'cubic' is not supported/],
    [
      "tf_crop_and_resize",
      () =>
        resizeNet(2, [
          attr.string("mode", "linear"),
          attr.string("coordinate_transformation_mode", "tf_crop_and_resize"),
        ]),
      /'tf_crop_and_resize' is not supported/,
    ],
    [
      "nearest with align_corners (not floor(o / scale))",
      () =>
        resizeNet(3, [attr.string("mode", "nearest"), attr.string("coordinate_transformation_mode", "align_corners")]),
      /nearest resize with coordinate_transformation_mode 'align_corners' and nearest_mode 'round_prefer_floor'/,
    ],
    [
      "nearest with asymmetric + round_prefer_ceil",
      () =>
        resizeNet(2, [
          attr.string("mode", "nearest"),
          attr.string("coordinate_transformation_mode", "asymmetric"),
          attr.string("nearest_mode", "round_prefer_ceil"),
        ]),
      /nearest_mode 'round_prefer_ceil' is not floor/,
    ],
    [
      "a fractional factor",
      () => {
        const net = new OnnxNet([1, 2, 4, 4]);
        const out = net.resize("input", 2, [attr.string("mode", "linear")]);
        net.inits.find((t) => t.name.endsWith(".scales"))!.floatData = [1, 1, 1.5, 1.5];
        return net.build(out);
      },
      /a factor of 1.5 on H is not supported \(only integer upsampling factors/,
    ],
    [
      "downscaling",
      () => {
        const net = new OnnxNet([1, 2, 4, 4]);
        const out = net.resize("input", 2, [attr.string("mode", "linear")]);
        net.inits.find((t) => t.name.endsWith(".scales"))!.floatData = [1, 1, 0.5, 0.5];
        return net.build(out);
      },
      /a factor of 0.5 on H is not supported/,
    ],
    [
      "a Mul of maps that do not broadcast per channel",
      () => {
        const net = new OnnxNet([1, 2, 4, 4]);
        net.inits.push(floatTensor("w41", [2, 2, 4, 1], new Array(16).fill(0.25)));
        const row = net.node("Conv", ["input", "w41"], [1, 2, 1, 4], [attr.ints("kernel_shape", [4, 1])]);
        return net.build(net.mul("input", row));
      },
      /multiplies maps \[2,4,4\] and \[2,1,4\]: only equal shapes or a per-channel \[C,1,1\] gate/,
    ],
  ];
  for (const [what, build, message] of cases)
    it(`${what}: an InputError naming the node`, () => {
      const e = errorOf(() => load(build()));
      expect(e.message).to.match(message);
      expect(e.message).to.match(/node '/);
    });
});
