// The Done-when for the front half: int8 logits of the CIFAR zoo models (dense, struct-a, struct-b) with
// the default exact sum-pool output E have cosine >= 0.99 against the fp32 logits of the
// independent graph executor (models/execute.ts). (Front-end speed is measured outside the tests: wall-clock
// assertions flake on a loaded machine.)
import { expect } from "chai";
import * as fs from "node:fs";
import type { ConvLayer, FrontProgram } from "../../compiler/layers.js";
import { runFront } from "../../compiler/pipeline.js";
import { runInt8 } from "../../compiler/reference/int8.js";
import { dequantize, quantizeInput } from "../../compiler/reference/quant-io.js";
import { presetConfig } from "../../isa/hw/config.js";
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
const frontInt8 = new Map<string, ReturnType<typeof runFront>>();

describe("compiler quantise on the CIFAR zoo", function () {
  this.timeout(120_000);
  const edge = presetConfig("edge");

  for (const depth of [20, 32, 56])
    for (const variant of ["dense", "struct-a", "struct-b"]) {
      const spec = `resnet${depth}:${variant}`;
      it(`${spec}: int8 logits vs executeGraph fp32 logits, cosine >= 0.99 (exact E)`, () => {
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

  it("resnet56:struct-a: exact E is the narrowest of 8/16/32 bits for 127 x window, no shift; --e-bits 8 (worst range) shifts by the closed form", () => {
    const g = load("resnet56:struct-a");
    const exact = frontInt8.get("resnet56:struct-a") ?? runFront(g, { mode: "structured", dtype: "int8", hw: edge });
    const worst = runFront(g, {
      mode: "structured",
      dtype: "int8",
      hw: edge,
      ePolicy: { kind: "narrow", bits: 8, range: "worst" },
    });
    const calibrated = runFront(g, {
      mode: "structured",
      dtype: "int8",
      hw: edge,
      ePolicy: { kind: "narrow", bits: 8, range: "calibrated" },
    });
    const structured = (lp: FrontProgram) =>
      lp.layers.filter((l): l is ConvLayer => l.kind === "conv" && l.structured !== undefined);
    const windowOf = (l: ConvLayer) => (l.cin - l.structured!.c + 1) * (l.kh - l.structured!.n + 1) ** 2;
    for (const l of structured(exact)) {
      const worstSum = 127 * windowOf(l);
      const bits = worstSum <= 127 ? 8 : worstSum <= 32767 ? 16 : 32;
      expect([l.q!.eBits, l.q!.eShift], l.name).to.deep.equal([bits, 0]);
    }
    expect(exact.notes.filter((n) => /: E /.test(n))).to.deep.equal([]);
    const cal = new Map(structured(calibrated).map((l) => [l.name, l.q!.eShift!]));
    for (const l of structured(worst)) {
      // Closed form: the smallest s with round(127 * window / 2^s) <= 127 (the int32 guard never binds at 8 bits).
      let want = 0;
      while (Math.floor((127 * windowOf(l)) / 2 ** want + 0.5) > 127) want++;
      expect([l.q!.eBits, l.q!.eShift], l.name).to.deep.equal([8, want]);
      expect(cal.get(l.name)!, l.name).to.be.at.most(want);
    }
    expect(worst.notes.length).to.equal(structured(worst).length);
  });
});
