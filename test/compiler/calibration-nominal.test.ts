// Nominal calibration (used for timing-only work) changes requantisation values only: the instruction stream's
// shape, and so every cycle, stays the same as with calibration on data.
import { expect } from "chai";
import * as fs from "node:fs";
import { compile } from "../../compiler/compile.js";
import { presetConfig } from "../../isa/hw/config.js";
import { loadModel } from "../../models/zoo.js";
import { simulate } from "../../simulator/simulate.js";

describe("nominal calibration", function () {
  this.timeout(120_000);

  it("gives the same instructions (but pool shifts) and the same cycles as calibration on data", () => {
    const hw = presetConfig("tiny");
    const g = loadModel("resnet20:struct-a", { readFile: (p) => fs.readFileSync(p) });
    const onData = compile(g, hw, { mode: "structured", dtype: "int8" });
    const nominal = compile(g, hw, { mode: "structured", dtype: "int8", calibration: "nominal" });
    expect(nominal.instructions.length).to.equal(onData.instructions.length);
    nominal.instructions.forEach((ins, i) => {
      const ref = onData.instructions[i]!;
      expect(ins.op).to.equal(ref.op);
      expect(ins.wait).to.deep.equal(ref.wait);
      expect(ins.signal).to.deep.equal(ref.signal);
      const { shift: _a, ...f } = ins.f;
      const { shift: _b, ...fr } = ref.f;
      expect(f, `instruction ${i}`).to.deep.equal(fr);
    });
    const a = simulate(onData, hw, { timingOnly: true }).schedule.cycles;
    const b = simulate(nominal, hw, { timingOnly: true }).schedule.cycles;
    expect(b).to.equal(a);
  });
});
