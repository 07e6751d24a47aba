// End to end on real PyTorch/torchvision exports: compile + simulate through the CLI, checked against
// ONNX Runtime's stored outputs (test/fixtures/onnx, produced by ONNX Runtime 1.30 from the same files).
import { expect } from "chai";
import * as fs from "node:fs";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

const F = "test/fixtures/onnx/cifar_resnet20_struct_mixed";
const f32 = (path: string) => new Float32Array(new Uint8Array(fs.readFileSync(path)).buffer);
const outOf = (io: ReturnType<typeof memoryIo>, path: string) => new Float32Array(io.files.get(path)!.slice().buffer);

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + a[i]! * b[i]!, aa + a[i]! * a[i]!, bb + b[i]! * b[i]!];
  return ab / Math.sqrt(aa * bb);
}
/** max |a − b| over max |b|: relative to the logits' scale. */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0,
    m = 0;
  for (let i = 0; i < b.length; i++) [d, m] = [Math.max(d, Math.abs(a[i]! - b[i]!)), Math.max(m, Math.abs(b[i]!))];
  return d / m;
}

async function run(model: string, extra: string[]): Promise<Float32Array> {
  const io = memoryIo();
  const code = await main(
    ["run", model, "--batch", "2", "--input", `${F}.input.f32`, "--output", "out/y.f32", ...extra],
    io,
  );
  expect(code, io.err).to.equal(0);
  return outOf(io, "out/y.f32");
}

describe("ONNX end to end: compiled and simulated vs ONNX Runtime", function () {
  this.timeout(240_000);
  const ort = f32(`${F}.ort_out.f32`);

  for (const mode of ["dense", "structured"]) {
    it(`fp32, --mode ${mode}: the simulator's logits match ONNX Runtime within 1e-4`, async () => {
      const y = await run(`${F}.onnx`, ["--dtype", "fp32", "--mode", mode]);
      expect(y.length).to.equal(ort.length);
      expect(relErr(y, ort)).to.be.below(1e-4);
    });
  }

  it("int8: cosine ≥ 0.99 with the float logits", async () => {
    const y = await run(`${F}.onnx`, ["--dtype", "int8"]);
    expect(cosine(y, ort)).to.be.at.least(0.99);
  });

  it("QDQ int8 model: uses the model's scales, cosine ≥ 0.99 with ONNX Runtime's QDQ output", async () => {
    const io = memoryIo();
    expect(await main(["compile", `${F}.qdq.onnx`, "-o", "out/qdq"], io), io.err).to.equal(0);
    expect(io.out + io.err).to.match(/activation ranges from the model's QuantizeLinear scales/);
    const y = await run(`${F}.qdq.onnx`, ["--dtype", "int8"]);
    expect(cosine(y, f32(`${F}.qdq.ort_out.f32`))).to.be.at.least(0.99);
  });

  for (const net of ["resnet18", "resnet34", "resnet50", "mobilenet_v2"]) {
    it(`torchvision ${net} without its weight file compiles for edge and runs --timing-only; a functional run asks for --weights random`, async () => {
      const io = memoryIo();
      const code = await main(
        ["run", `test/fixtures/onnx/${net}.onnx`, "--hw", "edge", "--timing-only", "--json", "out/r.json"],
        io,
      );
      expect(code, io.err).to.equal(0);
      const r = JSON.parse(new TextDecoder().decode(io.files.get("out/r.json"))) as {
        totals: { cycles: number; bound_cycles: number };
      };
      expect(r.totals.cycles).to.be.at.least(r.totals.bound_cycles);
      expect(r.totals.bound_cycles).to.be.greaterThan(0);
      if (net === "resnet18") {
        const f = memoryIo();
        expect(await main(["run", `test/fixtures/onnx/${net}.onnx`], f)).to.equal(2);
        expect(f.err.trim().split("\n")).to.have.length(1);
        expect(f.err).to.contain("--weights random");
      }
    });
  }
});
