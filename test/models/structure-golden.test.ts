// The structure code against PyTorch float64 golden vectors (test/fixtures/golden, copied from the
// project reference): each case has x, alpha, the composed weight and y = conv2d(x, weight).

import { expect } from "chai";
import { composeConv } from "../../models/structure/compose.js";
import { projectConv } from "../../models/structure/project.js";
import { detectConv } from "../../models/structure/detect.js";
import { composeFc, projectFc, detectFc } from "../../models/structure/fc.js";
import { conv2dRef, decomposedConv, fcRef, decomposedFc } from "../../models/structure/decompose.js";
import { goldenConv, goldenFc } from "../fixtures/golden.js";

const convCases = goldenConv();
const fcCases = goldenFc();

/** max |a − b| / max |b| */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}

describe("structure: golden conv vectors (PyTorch float64)", () => {
  it("cover stride 2, padding, dilation 2 and the 1×1 case", () => {
    expect(convCases.some((g) => g.stride === 2)).to.equal(true);
    expect(convCases.some((g) => g.pad > 0)).to.equal(true);
    expect(convCases.some((g) => g.dilation === 2)).to.equal(true);
    expect(convCases.some((g) => g.N === 1)).to.equal(true);
  });

  for (const g of convCases) {
    const tag = `${g.id} (C=${g.Cin}, Cout=${g.Cout}, N=${g.N}, c=${g.c}, n=${g.n}, s=${g.stride}, p=${g.pad}, d=${g.dilation})`;
    const geom = { height: g.H, width: g.W, stride: g.stride, pad: g.pad, dilation: g.dilation };

    it(`${tag}: composing alpha gives the golden weight`, () => {
      expect(relErr(composeConv(g.alpha, g.Cout, g.Cin, g.N, g.c, g.n), g.weight)).to.be.below(1e-12);
    });

    it(`${tag}: direct conv with the structured weight reproduces y`, () => {
      const r = conv2dRef(g.x, g.weight, g.Cout, g.Cin, g.N, geom);
      expect(r.shape).to.deep.equal(g.y_shape);
      expect(relErr(r.y, g.y)).to.be.below(1e-9);
    });

    it(`${tag}: pad → sum-pool → conv with alpha reproduces y`, () => {
      expect(g.sumpool_kernel).to.deep.equal([g.Cin - g.c + 1, g.N - g.n + 1, g.N - g.n + 1]);
      const r = decomposedConv(g.x, g.alpha, { ...geom, C: g.Cin, cout: g.Cout, N: g.N, c: g.c, n: g.n });
      expect(r.E.shape).to.deep.equal(g.sumpool_out_shape);
      expect(r.shape).to.deep.equal(g.y_shape);
      expect(relErr(r.y, g.y)).to.be.below(1e-9);
    });

    it(`${tag}: projection recovers alpha with zero residual, detection finds (c, n)`, () => {
      const p = projectConv(g.weight, g.Cout, g.Cin, g.N, g.c, g.n);
      expect(relErr(p.alpha, g.alpha)).to.be.below(1e-9);
      expect(p.residual).to.be.below(1e-12);
      const d = detectConv(g.weight, g.Cout, g.Cin, g.N);
      expect([d.c, d.n]).to.deep.equal([g.c, g.n]);
      expect(d.residual).to.be.below(1e-9);
      // Float32 storage (what a model file holds) still detects at the default tolerance.
      const d32 = detectConv(Float32Array.from(g.weight), g.Cout, g.Cin, g.N);
      expect([d32.c, d32.n]).to.deep.equal([g.c, g.n]);
    });
  }
});

describe("structure: golden FC vectors (PyTorch float64)", () => {
  for (const g of fcCases) {
    const tag = `${g.id} (P=${g.P}, Q=${g.Q}, R=${g.R})`;
    it(`${tag}: compose, direct and decomposed products, projection and detection`, () => {
      expect(relErr(composeFc(g.alpha, g.P, g.Q, g.R), g.weight)).to.be.below(1e-12);
      expect(relErr(fcRef(g.x, g.weight, g.P, g.Q, g.bias), g.y)).to.be.below(1e-9);
      expect(relErr(decomposedFc(g.x, g.alpha, g.P, g.Q, g.R, g.bias), g.y)).to.be.below(1e-9);
      const p = projectFc(g.weight, g.P, g.Q, g.R);
      expect(relErr(p.alpha, g.alpha)).to.be.below(1e-9);
      expect(p.residual).to.be.below(1e-12);
      expect(detectFc(g.weight, g.P, g.Q).R).to.equal(g.R);
    });
  }
});
