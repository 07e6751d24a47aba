import { expect } from "chai";
import {
  quantizeMultiplier,
  quantizeMultiplierPair,
  requantValue,
  roundShift,
  saturate,
  sumShift,
} from "../../compiler/intmath.js";
import { quantizeInput, dequantize } from "../../compiler/reference/quant-io.js";

// Independent definition: floor((v + 2^(s-1)) / 2^s) in BigInt (BigInt >> is an arithmetic floor shift).
function roundShiftBig(v: bigint, s: number): bigint {
  if (s === 0) return v;
  return (v + (1n << BigInt(s - 1))) >> BigInt(s);
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe("compiler/intmath", () => {
  it("roundShift equals a BigInt floor-shift on random int32 x 15-bit products and every shift", () => {
    const r = lcg(1);
    for (let i = 0; i < 20000; i++) {
      const acc = Math.floor((r() - 0.5) * 2 ** 32);
      const mult = Math.floor(r() * 2 ** 15);
      const v = acc * mult;
      const s = Math.floor(r() * 48);
      const want = roundShiftBig(BigInt(acc) * BigInt(mult), s);
      expect(roundShift(v, s), `v=${v} s=${s}`).to.equal(Number(want));
    }
  });

  it("roundShift rounds ties up (towards +inf), also for negatives", () => {
    expect(roundShift(5, 1)).to.equal(3); // 2.5 -> 3
    expect(roundShift(-5, 1)).to.equal(-2); // -2.5 -> -2
    expect(roundShift(-6, 2)).to.equal(-1); // -1.5 -> -1
    expect(roundShift(7, 0)).to.equal(7);
  });

  it("quantizeMultiplier: mult in [2^14, 2^15) and mult/2^shift within 2^-14 relative of the scale", () => {
    const r = lcg(2);
    for (let i = 0; i < 5000; i++) {
      const real = 2 ** (-30 + 40 * r());
      const { mult, shift } = quantizeMultiplier(real);
      expect(mult)
        .to.be.at.least(2 ** 14)
        .and.below(2 ** 15);
      expect(Math.abs(mult / 2 ** shift - real) / real).to.be.at.most(2 ** -14);
    }
    for (const real of [1, 0.5, 2 ** -10, 0.75]) {
      const { mult, shift } = quantizeMultiplier(real);
      expect(mult / 2 ** shift).to.equal(real); // exact powers / dyadics
    }
    expect(quantizeMultiplier(0)).to.deep.equal({ mult: 0, shift: 0 });
  });

  it("quantizeMultiplierPair shares the shift and approximates both ratios", () => {
    const { ma, mb, shift } = quantizeMultiplierPair(0.8, 0.3);
    expect(Math.max(ma, mb))
      .to.be.at.least(2 ** 14)
      .and.below(2 ** 15);
    expect(Math.abs(ma / 2 ** shift - 0.8)).to.be.below(2 ** -shift);
    expect(Math.abs(mb / 2 ** shift - 0.3)).to.be.below(2 ** -shift);
  });

  it("requantValue = clamp(round((acc+bias)*mult / 2^shift)) by hand", () => {
    // (1000 + 24) * 16384 / 2^20 = 16 exactly; with relu clamp 0..127
    expect(requantValue(1000, 24, 16384, 20, 0, 127)).to.equal(16);
    expect(requantValue(-1000, 24, 16384, 20, 0, 127)).to.equal(0);
    expect(requantValue(10 ** 7, 0, 20000, 15, -127, 127)).to.equal(127);
  });

  it("sumShift: smallest shift holding 127 x volume in the width (closed form)", () => {
    // 127*36 = 4572: /2^5 = 142.9 -> 143 > 127; /2^6 = 71.4 fits 8 bits.
    expect(sumShift(36, 8)).to.equal(6);
    expect(sumShift(36, 16)).to.equal(0);
    expect(sumShift(1, 8)).to.equal(0);
    // 127*300 = 38100 > 32767: one shift for 16 bits.
    expect(sumShift(300, 16)).to.equal(1);
    // int32 guard: E up to 127*258 = 32766 (fits 16 bits) but 32766*127*600 > 2^31 -> needs more shift.
    const s = sumShift(258, 16, 600);
    expect(roundShift(127 * 258, s) * 127 * 600).to.be.at.most(2 ** 31 - 1);
    expect(roundShift(127 * 258, s - 1) * 127 * 600).to.be.above(2 ** 31 - 1);
  });

  it("saturate clamps to the signed range of the width", () => {
    expect(saturate(200, 8)).to.equal(127);
    expect(saturate(-200, 8)).to.equal(-128);
    expect(saturate(40000, 16)).to.equal(32767);
  });

  it("quantizeInput / dequantize round-trip within half a step and saturate at +-127", () => {
    const x = Float32Array.from([0, 0.26, -0.26, 1.0, -5, 5, 0.05]);
    const q = quantizeInput(x, 0.1);
    expect(Array.from(q)).to.deep.equal([0, 3, -3, 10, -50, 50, 1]);
    expect(Array.from(quantizeInput(Float32Array.from([100, -100]), 0.1))).to.deep.equal([127, -127]);
    const d = dequantize(q, 0.1);
    for (let i = 0; i < x.length; i++) expect(Math.abs(d[i]! - x[i]!)).to.be.at.most(0.05 + 1e-6);
  });
});
