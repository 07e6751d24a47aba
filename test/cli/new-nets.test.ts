// The command line on EfficientNet / MobileNetV3 / HRNet: torchvision-style ONNX exports without their weight files
// import, inspect and count; compiling a network with a layer kind the back end does not lower yet exits 2 with one
// line naming the layer (issue 13, phase 1).
import { expect } from "chai";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";
import { efficientNetB0, fusionNet, mobileNetV3Small } from "../models/onnx-nets.js";

describe("cli: EfficientNet, MobileNetV3 and HRNet", function () {
  this.timeout(60_000);
  const files = {
    "m/efficientnet_b0.onnx": efficientNetB0(224, { external: "efficientnet_b0.onnx.data" }),
    "m/mobilenet_v3_small.onnx": mobileNetV3Small(224, { external: "mobilenet_v3_small.onnx.data" }),
    "m/fusion.onnx": fusionNet(),
  };

  for (const [file, convs, macs] of [
    ["m/efficientnet_b0.onnx", 81, 385_814_752],
    ["m/mobilenet_v3_small.onnx", 52, 56_510_400],
  ] as const)
    it(`${file} (weights absent): inspect lists its ${convs} convs and the fc, count gives ${macs.toLocaleString("en-US")} MACs`, async () => {
      let io = memoryIo(files);
      expect(await main(["inspect", file, "--json", "-"], io), io.err).to.equal(0);
      const layers = (JSON.parse(io.out) as { layers: { kind: string }[] }).layers;
      expect(layers.filter((l) => l.kind === "conv")).to.have.length(convs);
      expect(layers.filter((l) => l.kind === "fc").length).to.be.at.least(1);
      io = memoryIo(files);
      expect(await main(["count", file, "--json", "-"], io), io.err).to.equal(0);
      expect((JSON.parse(io.out) as { totals: { macs: number } }).totals.macs).to.equal(macs);
    });

  for (const [args, layer] of [
    [["compile", "efficientnet-b0", "-o", "out/e"], "features.0.2' (act)"],
    [["run", "m/mobilenet_v3_small.onnx", "--weights", "random", "--timing-only"], "/HardSwish_1' (act)"],
    [["run", "m/fusion.onnx", "--timing-only"], "/Resize_7' (resize)"],
  ] as const)
    it(`sumac ${args.join(" ")}: exit 2, one line naming the layer the back end does not lower yet`, async () => {
      const io = memoryIo(files);
      expect(await main([...args], io)).to.equal(2);
      expect(io.err.trim().split("\n")).to.have.length(1);
      expect(io.err).to.contain(layer);
      expect(io.err).to.contain("the compiler back end does not lower");
    });
});
