// The quantise pass's parameters, checked against their definitions from the scales it chose.
import { expect } from "chai";
import type { AddLayer, ConvLayer, GapLayer, FrontProgram, PoolLayer } from "../../compiler/layers.js";
import { runFront } from "../../compiler/pipeline.js";
import { verifyLayers } from "../../compiler/verify-layers.js";
import { HW8, tinyResNet } from "./front-graphs.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("compiler quantise parameters", () => {
  const lp = runFront(tinyResNet(true), { mode: "structured", dtype: "int8", hw: HW8 });
  const s = (t: string): number => lp.scales.get(t)!;
  const layer = <T>(name: string): T => lp.layers.find((l) => l.name === name) as T;

  it("conv: per-channel int8 weights (alpha when structured), bias = round(b / (s_E s_w)), mult/2^shift = s_E s_w / s_out", () => {
    for (const l of lp.layers) {
      if (l.kind !== "conv") continue;
      const q = l.q!;
      const w = l.structured ? l.structured.alpha : l.weight;
      const per = w.length / l.cout;
      const sE = s(l.inputs[0]!) * 2 ** (q.eShift ?? 0);
      for (let o = 0; o < l.cout; o++) {
        let m = 0;
        for (let i = o * per; i < (o + 1) * per; i++) m = Math.max(m, Math.abs(w[i]!));
        expect(rel(q.wScale[o]!, m / 127)).to.be.below(1e-6);
        let peak = 0;
        for (let i = o * per; i < (o + 1) * per; i++) {
          expect(Math.abs(q.weight[i]! * q.wScale[o]! - w[i]!)).to.be.at.most(q.wScale[o]! / 2 + 1e-9);
          peak = Math.max(peak, Math.abs(q.weight[i]!));
        }
        expect(peak).to.equal(127);
        expect(Math.abs(q.requant.bias[o]! - l.bias[o]! / (sE * q.wScale[o]!))).to.be.at.most(0.5 + 1e-6);
        const real = (sE * q.wScale[o]!) / s(l.output);
        expect(rel(q.requant.mult[o]! / 2 ** q.requant.shift[o]!, real)).to.be.at.most(2 ** -14);
      }
    }
  });

  it("clamps in integer units: ReLU6 -> 0..min(127, round(6/s)), ReLU -> 0..127, none -> -127..127", () => {
    const c1 = layer<ConvLayer>("conv1");
    expect(c1.q!.requant.lo).to.equal(0);
    expect(c1.q!.requant.hi).to.equal(Math.min(127, Math.round(6 / s("relu6_1"))));
    expect([layer<ConvLayer>("conv2").q!.requant.lo, layer<ConvLayer>("conv2").q!.requant.hi]).to.deep.equal([0, 127]);
    expect([layer<ConvLayer>("conv3").q!.requant.lo, layer<ConvLayer>("conv3").q!.requant.hi]).to.deep.equal([
      -127, 127,
    ]);
  });

  it("add, avgpool, gap: multipliers approximate the scale ratios (and 1/k^2, 1/(HW))", () => {
    const a = layer<AddLayer>("add2");
    const f = 2 ** a.q!.shift;
    expect(rel(a.q!.ma / f, s(a.inputs[0]!) / s(a.output))).to.be.below(2 ** -13);
    expect(rel(a.q!.mb / f, s(a.inputs[1]!) / s(a.output))).to.be.below(2 ** -13);
    const ap = layer<PoolLayer>("ap");
    expect(rel(ap.q!.mult / 2 ** ap.q!.shift, s("mp") / (9 * s("ap")))).to.be.at.most(2 ** -14);
    const gap = layer<GapLayer>("gap");
    expect(rel(gap.q!.mult / 2 ** gap.q!.shift, s("ap") / (4 * s("gap")))).to.be.at.most(2 ** -14);
    expect(s("mp")).to.equal(s("relu6")); // maxpool keeps its input scale
  });

  it("activation scales are max-abs / 127 of the calibration ranges (every tensor has one)", () => {
    for (const t of lp.shapes.keys()) expect(s(t)).to.be.above(0);
    expect(() => verifyLayers(lp)).to.not.throw();
  });

  it("the layer verifier rejects a broken program, naming the layer", () => {
    const c2 = layer<ConvLayer>("conv2");
    const broken: FrontProgram = {
      ...lp,
      layers: lp.layers.map((l) => (l === c2 ? { ...c2, q: { ...c2.q!, weight: new Int8Array(3) } } : l)),
    };
    expect(() => verifyLayers(broken)).to.throw(/layer 'conv2' \(conv\): int8 weight has 3 values/);
    const badMult: FrontProgram = {
      ...lp,
      layers: lp.layers.map((l) =>
        l === c2 ? { ...c2, q: { ...c2.q!, requant: { ...c2.q!.requant, mult: new Int32Array(8).fill(5) } } } : l,
      ),
    };
    expect(() => verifyLayers(badMult)).to.throw(/conv2.*multiplier 5 outside/);
  });
});
