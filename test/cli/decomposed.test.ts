// A network already decomposed in PyTorch (pad → sum-pool as AveragePool3d × volume → small conv) compiles to the
// sum-pool unit plus the small conv, and the simulator's fp32 output equals ONNX Runtime's on the same file.
import { expect } from "chai";
import * as ort from "onnxruntime-node";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";
import { decomposedConvModel, values } from "../models/onnx-builders.js";

const { model, C, c, n, cout, H } = decomposedConvModel();

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
