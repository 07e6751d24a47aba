// Every CIFAR zoo model in both lowerings: the simulator's int8 output equals the reference executor's bit for
// bit, and its fp32 output matches the fp32 reference within 1e-5 (relative to the largest logit).
import * as fs from "node:fs";
import { expect } from "chai";
import { compileDetailed } from "../../compiler/compile.js";
import { runFp32 } from "../../compiler/reference/fp32.js";
import { runInt8 } from "../../compiler/reference/int8.js";
import { quantizeInput } from "../../compiler/reference/quant-io.js";
import { loadModel } from "../../models/zoo.js";
import { fillNormal, rngFromString } from "../../models/rng.js";
import { simulate } from "../../simulator/simulate.js";
import { hwOf } from "./helpers.js";

const hw = hwOf("edge");
const readFile = (p: string) => fs.readFileSync(p);

describe("simulator on every CIFAR zoo model (edge)", function () {
  this.timeout(120_000);
  for (const depth of [20, 32, 56]) {
    for (const [variant, mode] of [
      ["", "dense"],
      [":struct-a", "structured"],
      [":struct-b", "structured"],
    ] as const) {
      const spec = `resnet${depth}${variant}`;
      it(`${spec} (${mode}): int8 bit for bit, fp32 within 1e-5`, () => {
        const g = loadModel(spec, { readFile });
        const x = fillNormal(rngFromString(`zoo-input-${spec}`), new Float32Array(3 * 32 * 32)) as Float32Array;

        const q = compileDetailed(g, hw, { mode, dtype: "int8" });
        const scale = q.program.manifest.inputs[0]!.scale;
        const sim = simulate(q.program, hw, { input: x });
        expect(Array.from(sim.outputCodes!)).to.deep.equal(Array.from(runInt8(q.layers, quantizeInput(x, scale))));

        const f = compileDetailed(g, hw, { mode, dtype: "fp32" });
        const y = simulate(f.program, hw, { input: x }).output!;
        const ref = runFp32(f.layers, x);
        const peak = Math.max(...Array.from(ref, Math.abs));
        expect(y.length).to.equal(10);
        for (let i = 0; i < ref.length; i++) expect(Math.abs(y[i]! - ref[i]!), `logit ${i}`).to.be.at.most(1e-5 * peak);
      });
    }
  }
});
