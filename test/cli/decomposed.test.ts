// A network already decomposed in PyTorch (pad → sum-pool as AveragePool3d × volume → small conv) compiles to the
// sum-pool unit plus the small conv, and the simulator's fp32 output equals ONNX Runtime's on the same file.
import { expect } from "chai";
import * as ort from "onnxruntime-node";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";
import { attr, buildModel, floatTensor, int64Tensor, values } from "../models/onnx-builders.js";

const C = 6,
  c = 4,
  n = 2,
  cout = 5,
  H = 7;
const win = [C - c + 1, 3 - n + 1, 3 - n + 1];
const model = buildModel({
  nodes: [
    { op: "Pad", name: "/s/pad/Pad", inputs: ["x", "pads"], outputs: ["xp"], attrs: [attr.string("mode", "constant")] },
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
    floatTensor("vol", [], [(C - c + 1) * (3 - n + 1) * (3 - n + 1)]),
    floatTensor("alpha", [cout, c, n, n], values(cout * c * n * n, 11)),
    floatTensor("b", [cout], values(cout, 12)),
  ],
  input: { name: "x", dims: [1, C, H, H] },
  output: { name: "y", dims: [1, cout, H, H] },
});

describe("an already-decomposed structured conv from PyTorch", function () {
  this.timeout(60_000);
  const x = values(C * H * H, 13);

  for (const mode of ["structured", "dense"] as const) {
    it(`--mode ${mode}: compiles and simulates to ONNX Runtime's output (fp32)`, async () => {
      const session = await ort.InferenceSession.create(model);
      const ref = (await session.run({ x: new ort.Tensor("float32", x, [1, C, H, H]) }))["y"]!.data as Float32Array;
      await session.release();

      const io = memoryIo({ "in/d.onnx": model, "in/x.f32": new Uint8Array(x.buffer.slice(0)) });
      const argv = [
        "run",
        "in/d.onnx",
        "--dtype",
        "fp32",
        "--mode",
        mode,
        "--input",
        "in/x.f32",
        "--output",
        "out/y.f32",
        "--json",
        "out/r.json",
      ];
      expect(await main(argv, io), io.err).to.equal(0);
      const y = new Float32Array(io.files.get("out/y.f32")!.slice().buffer);
      const peak = Math.max(...Array.from(ref, Math.abs));
      expect(y.length).to.equal(ref.length);
      for (let i = 0; i < y.length; i++) expect(Math.abs(y[i]! - ref[i]!), `y[${i}]`).to.be.at.most(1e-5 * peak);

      const r = JSON.parse(new TextDecoder().decode(io.files.get("out/r.json"))) as {
        totals: { spu_adds: number; macs: number };
        layers: { c: number | null; n: number | null }[];
      };
      const outputs = cout * H * H;
      if (mode === "structured") {
        // one structured layer: (c, n) from the file, the small conv's MACs on the array, the sums on the SPU
        expect([r.layers[0]!.c, r.layers[0]!.n]).to.deep.equal([c, n]);
        expect(r.totals.macs).to.equal(c * n * n * outputs);
        expect(r.totals.spu_adds).to.be.greaterThan(0);
      } else {
        expect(r.totals.macs).to.equal(C * 3 * 3 * outputs); // the dense 3x3 kernel 1 ⊛ α
        expect(r.totals.spu_adds).to.equal(0);
      }
    });
  }
});
