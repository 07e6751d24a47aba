// `sumac count` of EfficientNet, MobileNetV3 and HRNet: torchvision's MACs (a forward hook on every Conv2d and
// Linear), the paper's Tables 4 and 5, and the zoo's .net definitions against the ONNX graphs written in the test
// builders as torch.onnx exports them (two independent descriptions of each network).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";
import { countGraph } from "../../models/count.js";
import type { Graph } from "../../models/ir.js";
import { loadOnnx } from "../../models/onnx/load.js";
import { loadModel } from "../../models/zoo.js";
import { efficientNetB0, makeDivisible, mobileNetV3Small } from "./onnx-nets.js";

const readFile = (p: string): Uint8Array => readFileSync(p);
const shapesOnly = (spec: string): Graph => loadModel(spec, { readFile, weights: "none" });
const paper = (
  JSON.parse(readFileSync(new URL("../fixtures/net/paper-counts.json", import.meta.url), "utf8")) as {
    rows: Record<string, { adds: string; mults: string; params: string }>;
  }
).rows;

async function countCli(spec: string): Promise<{ adds: number; mults: number; params: number; macs: number }> {
  const io = memoryIo();
  expect(await main(["count", spec, "--json", "-"], io), io.err).to.equal(0);
  return (JSON.parse(io.out) as { totals: { adds: number; mults: number; params: number; macs: number } }).totals;
}

/**
 * MobileNetV3 MACs from its architecture table (Howard et al. 2019, Tables 1 and 2: kernel, expansion, output,
 * SE, stride per bneck; the SE squeeze is torchvision's _make_divisible(expansion / 4)), summed in closed form:
 * conv Cout·H′W′·Cin/groups·k², fc P·Q, "same" padding.
 */
function mobileNetV3Macs(large: boolean): number {
  const table = large
    ? [
        [3, 16, 16, 0, 1],
        [3, 64, 24, 0, 2],
        [3, 72, 24, 0, 1],
        [5, 72, 40, 1, 2],
        [5, 120, 40, 1, 1],
        [5, 120, 40, 1, 1],
        [3, 240, 80, 0, 2],
        [3, 200, 80, 0, 1],
        [3, 184, 80, 0, 1],
        [3, 184, 80, 0, 1],
        [3, 480, 112, 1, 1],
        [3, 672, 112, 1, 1],
        [5, 672, 160, 1, 2],
        [5, 960, 160, 1, 1],
        [5, 960, 160, 1, 1],
      ]
    : [
        [3, 16, 16, 1, 2],
        [3, 72, 24, 0, 2],
        [3, 88, 24, 0, 1],
        [5, 96, 40, 1, 2],
        [5, 240, 40, 1, 1],
        [5, 240, 40, 1, 1],
        [5, 120, 48, 1, 1],
        [5, 144, 48, 1, 1],
        [5, 288, 96, 1, 2],
        [5, 576, 96, 1, 1],
        [5, 576, 96, 1, 1],
      ];
  let h = 112; // stem 3×3/2 on 224
  let macs = 16 * h * h * 3 * 9;
  let c = 16;
  for (const [k, exp, out, se, stride] of table as [number, number, number, number, number][]) {
    if (exp !== c) macs += exp * h * h * c;
    h = Math.ceil(h / stride);
    macs += exp * h * h * k * k;
    if (se) macs += 2 * exp * makeDivisible(Math.floor(exp / 4));
    macs += out * h * h * exp;
    c = out;
  }
  macs += 6 * c * h * h * c;
  const hidden = large ? 1280 : 1024;
  return macs + 6 * c * hidden + hidden * 1000;
}

describe("count: torchvision MACs of EfficientNet and MobileNetV3 (conv + linear, as a forward hook counts them)", () => {
  for (const [spec, macs] of [
    ["efficientnet-b0", 385_814_752],
    ["efficientnet-b1", 686_802_832],
    ["mobilenetv3-small", 56_510_400],
  ] as const)
    it(`sumac count ${spec}: ${macs.toLocaleString("en-US")}`, async () => {
      expect((await countCli(spec)).macs).to.equal(macs);
    });

  it("the closed form of the MobileNetV3 table gives torchvision's small figure, and count gives it for large", async () => {
    expect(mobileNetV3Macs(false)).to.equal(56_510_400);
    expect((await countCli("mobilenetv3-large")).macs).to.equal(mobileNetV3Macs(true));
  });

  it("torchvision's parameter counts (BN γ, β included, as torchvision counts them)", () => {
    // torchvision's model builders: efficientnet_b0 5,288,548; efficientnet_b1 7,794,184;
    // mobilenet_v3_small 2,542,856; mobilenet_v3_large 5,483,032.
    for (const [spec, params] of [
      ["efficientnet-b0", 5_288_548],
      ["efficientnet-b1", 7_794_184],
      ["mobilenetv3-small", 2_542_856],
      ["mobilenetv3-large", 5_483_032],
    ] as const)
      expect(countGraph(shapesOnly(spec)).totals.params, spec).to.equal(params);
  });

  for (const [spec, build] of [
    ["efficientnet-b0", () => efficientNetB0(224, { external: "w.data" })],
    ["mobilenetv3-small", () => mobileNetV3Small(224, { external: "w.data" })],
  ] as const)
    it(`${spec}: the .net zoo model and the torch.onnx-style graph have the same convs and fcs, layer by layer`, () => {
      const geometry = (g: Graph) =>
        g.nodes.flatMap((n) =>
          n.op === "conv"
            ? [[n.cin, n.cout, n.kh, n.stride, n.groups, ...g.shapes.get(n.output)!].join(",")]
            : n.op === "fc"
              ? [[n.Q, n.P].join(",")]
              : [],
        );
      const onnx = loadOnnx(build(), { path: "m.onnx", readFile: () => null, weights: "none" });
      expect(geometry(onnx)).to.deep.equal(geometry(shapesOnly(spec)));
    });
});

describe("count: the paper's Tables 4 and 5", () => {
  const dev = (value: number, printed: string) => Math.abs(value / Number(printed) - 1);
  for (const [row, spec, tol] of [
    ["EfficientNet-B1", "efficientnet-b1", 0.02],
    ["EfficientNet-B0", "efficientnet-b0", 0.02],
    ["HRNetV2-W18-Small-v2 (Original)", "hrnet-w18-small-v2", 0.011],
    ["Struct-EffNet", "efficientnet-b1:struct-a", 0.05],
    ["Struct-HR-A", "hrnet-w18-small-v2:struct-a", 0.05],
  ] as const)
    it(`${spec} is within ${Math.round(tol * 1000) / 10} % of ${row} on adds, mults and params`, () => {
      const t = countGraph(shapesOnly(spec)).totals;
      const p = paper[row]!;
      expect(dev(t.adds / 1e9, p.adds), "adds").to.be.below(tol);
      expect(dev(t.mults / 1e9, p.mults), "mults").to.be.below(tol);
      expect(dev(t.params / 1e6, p.params), "params").to.be.below(tol);
    });
});
