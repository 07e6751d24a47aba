// The Done-when for the front half: int8 logits of the CIFAR zoo models (dense, struct-a, struct-b) on
// the `edge` machine (8-bit MAC inputs, 16-bit sum-pool) have cosine >= 0.99 against the fp32 logits of the
// independent graph executor (models/execute.ts). (Front-end speed is measured outside the tests: wall-clock
// assertions flake on a loaded machine.)
import { expect } from "chai";
import * as fs from "node:fs";
import type { ConvLayer, FrontProgram } from "../../compiler/layers.js";
import { runFront } from "../../compiler/pipeline.js";
import { runInt8 } from "../../compiler/reference/int8.js";
import { dequantize, quantizeInput } from "../../compiler/reference/quant-io.js";
import { presetConfig, resolveHw } from "../../isa/hw/config.js";
import { executeGraph } from "../../models/execute.js";
import type { Graph } from "../../models/ir.js";
import { loadModel } from "../../models/zoo.js";
import { cosine, normalImage } from "./front-graphs.js";

// Loading a zoo model (seeded weights, BN calibration) is the slow part: load each once for the whole file.
const graphs = new Map<string, Graph>();
const load = (spec: string): Graph => {
  let g = graphs.get(spec);
  if (!g) graphs.set(spec, (g = loadModel(spec, { readFile: (p) => fs.readFileSync(p), weights: "random" })));
  return g;
};
const frontInt8 = new Map<string, FrontProgram>();

describe("compiler quantise on the CIFAR zoo", function () {
  this.timeout(120_000);
  const edge = presetConfig("edge");

  for (const depth of [20, 32, 56])
    for (const variant of ["dense", "struct-a", "struct-b"]) {
      const spec = `resnet${depth}:${variant}`;
      it(`${spec}: int8 logits vs executeGraph fp32 logits, cosine >= 0.99 (edge: ${edge.mac.actBits}-bit MAC inputs)`, () => {
        const g = load(spec);
        const mode = variant === "dense" ? "dense" : "structured";
        const lp = runFront(g, { mode, dtype: "int8", hw: edge });
        frontInt8.set(spec, lp);
        if (mode === "structured")
          expect(lp.layers.filter((l) => l.kind === "conv" && l.structured).length).to.be.above(depth - 3);
        const x = normalImage(3 * 32 * 32, depth);
        const want = executeGraph(g, x).get(g.output)!;
        const got = dequantize(runInt8(lp, quantizeInput(x, lp.scales.get(lp.input.name)!)), lp.scales.get(lp.output)!);
        expect(cosine(got, want)).to.be.at.least(0.99);
      });
    }

  it("resnet56:struct-a: a 16-bit MAC input keeps E exact (eShift 0) and the worst-case range shifts every structured layer on 8 bits", () => {
    const g = load("resnet56:struct-a");
    const wide = runFront(g, {
      mode: "structured",
      dtype: "int8",
      hw: resolveHw({ preset: "edge", sets: ["mac.actBits=16"] }),
    });
    const worst = runFront(g, { mode: "structured", dtype: "int8", hw: edge, eRange: "worst" });
    const calibrated =
      frontInt8.get("resnet56:struct-a") ?? runFront(g, { mode: "structured", dtype: "int8", hw: edge });
    const structured = (lp: FrontProgram) =>
      lp.layers.filter((l): l is ConvLayer => l.kind === "conv" && l.structured !== undefined);
    for (const l of structured(wide)) expect([l.q!.eBits, l.q!.eShift], l.name).to.deep.equal([16, 0]);
    const cal = new Map(structured(calibrated).map((l) => [l.name, l.q!.eShift!]));
    for (const l of structured(worst)) {
      const s = l.structured!;
      // Closed form: the smallest s with round(127 * window / 2^s) <= 127 (the int32 guard never binds at 8 bits).
      const window = (l.cin - s.c + 1) * (l.kh - s.n + 1) ** 2;
      let want = 0;
      while (Math.floor((127 * window) / 2 ** want + 0.5) > 127) want++;
      expect(l.q!.eShift, l.name).to.equal(want);
      expect(cal.get(l.name)!, l.name).to.be.at.most(want);
    }
    expect(worst.notes.length).to.equal(structured(worst).length);
  });
});
