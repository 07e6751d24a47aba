// A timing-only compile needs shapes, not values (issue 12): a zoo model loaded without weights compiles with zero
// placeholders (no weight generation, BN calibration, projection or weight quantisation), and must give exactly the
// program of the functional compile — every instruction word, the DRAM layout — and so every cycle and counter.
import { expect } from "chai";
import * as fs from "node:fs";
import { compileDetailed, type CompileOptions } from "../../compiler/compile.js";
import { quantizeWeights, zeroWeights } from "../../compiler/passes/quantise.js";
import { encodeProgram } from "../../isa/encode.js";
import { presetConfig } from "../../isa/hw/config.js";
import type { HwConfig } from "../../isa/hw/types.js";
import type { Program } from "../../isa/program.js";
import { loadModel } from "../../models/zoo.js";
import { simulate } from "../../simulator/simulate.js";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

const readFile = (p: string) => fs.readFileSync(p);

// The default E policy (exact E, issue 11) keeps every bit of E with no shift, so nothing in an instruction depends
// on calibration or on weight values.
const OPTS: CompileOptions = { mode: "structured", dtype: "int8" };

function both(spec: string, hw: HwConfig): { functional: Program; timing: Program } {
  const functional = compileDetailed(loadModel(spec, { readFile }), hw, OPTS);
  const shapes = loadModel(spec, { readFile, weights: "none" });
  const timing = compileDetailed(shapes, hw, { ...OPTS, calibration: "nominal" });
  expect(functional.layers.placeholders, "functional compile").to.equal(undefined);
  expect(timing.layers.placeholders, "timing-only compile").to.equal(true);
  return { functional: functional.program, timing: timing.program };
}

function expectSameMachineWork(a: Program, b: Program, hw: HwConfig): void {
  expect(Buffer.from(encodeProgram(b.instructions))).to.deep.equal(Buffer.from(encodeProgram(a.instructions)));
  const layout = (p: Program) => p.image.map((s) => [s.name, s.addr, s.esize, s.data.length]);
  expect(layout(b)).to.deep.equal(layout(a));
  expect(b.manifest.dramBytes).to.equal(a.manifest.dramBytes);
  const ra = simulate(a, hw, { timingOnly: true });
  const rb = simulate(b, hw, { timingOnly: true });
  expect(rb.schedule.cycles).to.equal(ra.schedule.cycles);
  // Every counter; the layers' structural residuals differ by design (projected on the random weights: ~1e-8 of
  // float rounding; from shapes: the model's annotation, 0 for generated-structured layers).
  const counters = (r: ReturnType<typeof simulate>) => ({
    ...r.counters,
    layers: r.counters.layers.map((l) => ({ ...l, info: { ...l.info, residual: null } })),
  });
  expect(counters(rb)).to.deep.equal(counters(ra));
  expect(rb.energy).to.deep.equal(ra.energy);
}

describe("timing-only compile from shapes", function () {
  this.timeout(180_000);

  for (const [spec, preset] of [
    ["resnet20:struct-a", "tiny"],
    ["resnet20:struct-b", "edge"],
    ["mobilenetv2:struct-a", "edge"],
  ] as const)
    it(`${spec} on ${preset}: the functional compile's instructions, layout, cycles and counters`, () => {
      const hw = presetConfig(preset);
      const { functional, timing } = both(spec, hw);
      expectSameMachineWork(functional, timing, hw);
      expect(timing.manifest.weightsMissing).to.match(/shapes only/);
      expect(functional.manifest.weightsMissing).to.equal(undefined);
    });

  it("keeps the model's structure (alpha of its size, zero values) and refuses a functional simulation", () => {
    const hw = presetConfig("tiny");
    const r = compileDetailed(loadModel("resnet20:struct-a", { readFile, weights: "none" }), hw, {
      ...OPTS,
      calibration: "nominal",
    });
    const l = r.layers.layers.find((x) => x.name === "layer1.0.conv1");
    if (l?.kind !== "conv" || !l.structured) throw new Error("layer1.0.conv1 is not a structured conv");
    expect([l.structured.c, l.structured.n]).to.deep.equal([8, 3]); // resnet20:struct-a's annotation (zoo)
    expect(l.structured.alpha.length).to.equal(l.cout * 8 * 3 * 3);
    expect(l.structured.residual).to.equal(0); // the zoo's annotation: generated structured
    expect(l.q!.weight.every((v) => v === 0)).to.equal(true);
    expect(() => simulate(r.program, hw, { input: new Float32Array(3 * 32 * 32) })).to.throw(/shapes only/);
  });

  it("zeroWeights is what quantizeWeights gives for zero weights", () => {
    const z = zeroWeights(4 * 18, 4);
    const q = quantizeWeights(new Float32Array(4 * 18), 4);
    expect(z.q).to.deep.equal(q.q);
    expect(z.scale).to.deep.equal(q.scale);
  });

  it("sumac run --timing-only reports the totals of the functional run", async () => {
    const report = async (extra: string[]) => {
      const io = memoryIo();
      const code = await main(["run", "resnet20:struct-a", "--hw", "tiny", "--json", "-", ...extra], io);
      expect(code, io.err).to.equal(0);
      return JSON.parse(io.out) as { totals: Record<string, unknown> };
    };
    const functional = await report([]);
    const timing = await report(["--timing-only"]);
    expect(timing.totals).to.deep.equal(functional.totals);
  });
});
