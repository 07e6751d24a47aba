// The simulator on programs from the real compiler (ResNet-20, tiny preset): int8 output bit for bit equal to the
// reference executor, fp32 within 1e-5, event == stepped, cycles >= bound_cycles per layer, a valid report.
import * as fs from "node:fs";
import { expect } from "chai";
import { compileDetailed } from "../../compiler/compile.js";
import { runFp32 } from "../../compiler/reference/fp32.js";
import { runInt8 } from "../../compiler/reference/int8.js";
import { quantizeInput } from "../../compiler/reference/quant-io.js";
import { loadModel } from "../../models/zoo.js";
import { buildReport } from "../../simulator/report.js";
import { simulate } from "../../simulator/simulate.js";
import { hwOf, rng } from "./helpers.js";
import { checkSchema } from "./schema-check.js";

const schema = JSON.parse(fs.readFileSync(new URL("../../docs/report.schema.json", import.meta.url), "utf8")) as object;
const hw = hwOf("tiny");

function build(spec: string, dtype: "int8" | "fp32") {
  const g = loadModel(spec, { readFile: (p) => fs.readFileSync(p) });
  return compileDetailed(g, hw, { mode: spec.includes(":struct") ? "structured" : "dense", dtype });
}

function input(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
}

describe("simulator on compiled ResNet-20 (tiny)", function () {
  this.timeout(60_000);
  for (const spec of ["resnet20", "resnet20:struct-a"]) {
    it(`${spec} int8: output equals the reference executor bit for bit; event == stepped; cycles >= bounds`, () => {
      const r = build(spec, "int8");
      const p = r.program;
      const t = p.manifest.inputs[0]!;
      const x = input(
        t.shape.reduce((a, b) => a * b, 1),
        7,
      );
      const res = simulate(p, hw, { input: x });
      const ref = runInt8(r.layers, quantizeInput(x, t.scale));
      expect(Array.from(res.outputCodes!)).to.deep.equal(Array.from(ref));
      const st = simulate(p, hw, { timingOnly: true, engine: "stepped" });
      expect(Array.from(st.schedule.end)).to.deep.equal(Array.from(res.schedule.end));
      expect(Array.from(st.schedule.start)).to.deep.equal(Array.from(res.schedule.start));
      const rep = buildReport(p, res, hw);
      for (const l of rep.layers) expect(l.cycles, l.name).to.be.at.least(Math.floor(l.bound_cycles));
      expect(rep.totals.cycles).to.be.at.least(rep.totals.bound_cycles);
      expect(checkSchema(schema, JSON.parse(JSON.stringify(rep)))).to.deep.equal([]);
      // counting is independent of data: timing-only gives the same counters and cycles
      const tim = simulate(p, hw, { timingOnly: true });
      expect(tim.counters.work).to.deep.equal(res.counters.work);
      expect(tim.schedule.cycles).to.equal(res.schedule.cycles);
      // the hardware did exactly the paper's MACs for the dense network (no structured layers)
      if (spec === "resnet20")
        expect(rep.totals.macs).to.equal(p.manifest.layers.reduce((s, l) => s + l.paper.macs, 0));
    });
  }

  it("resnet20:struct-a fp32: output matches the fp32 reference within 1e-5 relative", () => {
    const r = build("resnet20:struct-a", "fp32");
    const t = r.program.manifest.inputs[0]!;
    const x = input(
      t.shape.reduce((a, b) => a * b, 1),
      9,
    );
    const res = simulate(r.program, hw, { input: x });
    const ref = runFp32(r.layers, x);
    const scale = Math.max(...Array.from(ref, Math.abs));
    expect(res.output!.length).to.equal(ref.length);
    for (let i = 0; i < ref.length; i++)
      expect(Math.abs(res.output![i]! - ref[i]!), `output ${i}`).to.be.at.most(1e-5 * scale);
  });
});
