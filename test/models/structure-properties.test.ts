// Properties of the structure maths over seeded random (C, N, c, n), checked against an independent naive
// oracle: the explicit structure matrix A and a dense normal-equations solve (AᵀA) alpha = Aᵀ w.

import { expect } from "chai";
import { structureMatrix } from "../../models/structure/basis.js";
import { composeConv, composeKernel } from "../../models/structure/compose.js";
import { projectConv, projectKernel } from "../../models/structure/project.js";
import { convCandidates, detectConv } from "../../models/structure/detect.js";
import { composeFc, detectFc, projectFc } from "../../models/structure/fc.js";
import { conv2dRef, decomposedConv } from "../../models/structure/decompose.js";
import { rngFromString, type Rng } from "../../models/rng.js";

function normals(rng: Rng, len: number): Float64Array {
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = rng.normal();
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Solve M x = b (M k×k, row-major) by Gaussian elimination with partial pivoting. */
function solve(M: Float64Array, b: Float64Array, k: number): Float64Array {
  const A = Float64Array.from(M);
  const x = Float64Array.from(b);
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(A[r * k + col]!) > Math.abs(A[piv * k + col]!)) piv = r;
    for (let j = 0; j < k; j++) [A[col * k + j], A[piv * k + j]] = [A[piv * k + j]!, A[col * k + j]!];
    [x[col], x[piv]] = [x[piv]!, x[col]!];
    for (let r = col + 1; r < k; r++) {
      const f = A[r * k + col]! / A[col * k + col]!;
      for (let j = col; j < k; j++) A[r * k + j] = A[r * k + j]! - f * A[col * k + j]!;
      x[r] = x[r]! - f * x[col]!;
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let j = r + 1; j < k; j++) s -= A[r * k + j]! * x[j]!;
    x[r] = s / A[r * k + r]!;
  }
  return x;
}

/** alpha = (AᵀA)⁻¹ Aᵀ w from the explicit matrix. */
function naiveProject(w: Float64Array, C: number, N: number, c: number, n: number): Float64Array {
  const A = structureMatrix(C, N, c, n);
  const rows = C * N * N;
  const k = c * n * n;
  const G = new Float64Array(k * k);
  const rhs = new Float64Array(k);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < k; i++) {
      const ai = A[r * k + i]!;
      if (ai === 0) continue;
      rhs[i] = rhs[i]! + ai * w[r]!;
      for (let j = 0; j < k; j++) G[i * k + j] = G[i * k + j]! + ai * A[r * k + j]!;
    }
  return solve(G, rhs, k);
}

/** 50 seeded random shapes with C ≤ 12, N ≤ 5. */
function randomShapes(seed: string, count: number): { C: number; N: number; c: number; n: number }[] {
  const rng = rngFromString(seed);
  return Array.from({ length: count }, () => {
    const C = 1 + rng.int(12);
    const N = 1 + rng.int(5);
    return { C, N, c: 1 + rng.int(C), n: 1 + rng.int(N) };
  });
}

describe("structure: properties over random (C, N, c, n)", () => {
  const shapes = randomShapes("structure-properties", 50);

  it("structureMatrix columns are composeKernel of unit alphas, and A alpha = composeKernel(alpha)", () => {
    const rng = rngFromString("columns");
    for (const { C, N, c, n } of shapes) {
      const A = structureMatrix(C, N, c, n);
      const k = c * n * n;
      for (let m = 0; m < k; m++) {
        const e = new Float64Array(k);
        e[m] = 1;
        const col = composeKernel(e, C, N, c, n);
        for (let r = 0; r < C * N * N; r++) expect(col[r]).to.equal(A[r * k + m]);
      }
      const alpha = normals(rng, k);
      const Aa = new Float64Array(C * N * N);
      for (let r = 0; r < C * N * N; r++) for (let m = 0; m < k; m++) Aa[r] = Aa[r]! + A[r * k + m]! * alpha[m]!;
      expect(maxAbsDiff(composeKernel(alpha, C, N, c, n), Aa)).to.be.below(1e-12);
    }
  });

  it("compose then project returns alpha (1e-9) with residual < 1e-9", () => {
    const rng = rngFromString("roundtrip");
    for (const { C, N, c, n } of shapes) {
      const cout = 1 + rng.int(4);
      const alpha = normals(rng, cout * c * n * n);
      const W = composeConv(alpha, cout, C, N, c, n);
      const p = projectConv(W, cout, C, N, c, n);
      expect(maxAbsDiff(p.alpha, alpha), `C=${C} N=${N} c=${c} n=${n}`).to.be.below(1e-9);
      expect(p.residual).to.be.below(1e-9);
    }
  });

  it("the separable projection equals the naive normal-equations solve on arbitrary kernels", () => {
    const rng = rngFromString("naive");
    for (const { C, N, c, n } of shapes) {
      const w = normals(rng, C * N * N);
      const p = projectKernel(w, C, N, c, n);
      expect(maxAbsDiff(p.alpha, naiveProject(w, C, N, c, n)), `C=${C} N=${N} c=${c} n=${n}`).to.be.below(1e-9);
      // Residual from its definition: ‖w − A A⁺ w‖ / ‖w‖, and it is orthogonal to range(A) (Aᵀ r = 0).
      const fit = composeKernel(p.alpha, C, N, c, n);
      const r = w.map((v, i) => v - fit[i]!);
      const norm = (v: Float64Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      expect(p.residual).to.be.closeTo(norm(r) / norm(w), 1e-12);
      const A = structureMatrix(C, N, c, n);
      const k = c * n * n;
      for (let m = 0; m < k; m++) {
        let dot = 0;
        for (let row = 0; row < C * N * N; row++) dot += A[row * k + m]! * r[row]!;
        expect(Math.abs(dot)).to.be.below(1e-9);
      }
    }
  });

  it("random dense kernels have residual > 0.1 for every non-dense (c, n)", () => {
    const rng = rngFromString("dense");
    for (const { C, N, c, n } of shapes) {
      if (c === C && n === N) continue;
      const cout = 4;
      const W = normals(rng, cout * C * N * N);
      expect(projectConv(W, cout, C, N, c, n).residual, `C=${C} N=${N} c=${c} n=${n}`).to.be.above(0.1);
    }
  });

  it("per-output-channel scaling (BN folding) keeps residual ≈ 0 and detection unchanged", () => {
    const rng = rngFromString("bn");
    for (const { C, N, c, n } of shapes) {
      const cout = 2 + rng.int(6);
      const W = composeConv(normals(rng, cout * c * n * n), cout, C, N, c, n);
      const kernel = C * N * N;
      const gains = Array.from({ length: cout }, () => (rng.next() < 0.5 ? -1 : 1) * Math.exp(rng.normal()));
      const scaled = W.map((v, i) => v * gains[Math.floor(i / kernel)]!);
      expect(projectConv(scaled, cout, C, N, c, n).residual).to.be.below(1e-9);
      const before = detectConv(W, cout, C, N);
      const after = detectConv(Float32Array.from(scaled), cout, C, N);
      expect([after.c, after.n]).to.deep.equal([before.c, before.n]);
    }
  });

  it("detection finds the generating (c, n) (most compressed first) and the dense case for random kernels", () => {
    const rng = rngFromString("detect");
    for (const { C, N, c, n } of shapes) {
      const cout = 3;
      const W = composeConv(normals(rng, cout * c * n * n), cout, C, N, c, n);
      const d = detectConv(W, cout, C, N);
      // A generic draw lies in no subspace with fewer (or, for a different split, equally many) degrees of freedom.
      expect([d.c, d.n], `C=${C} N=${N}`).to.deep.equal([c, n]);
      expect(d.residual).to.be.below(1e-9);
      const dense = detectConv(normals(rng, cout * C * N * N), cout, C, N);
      expect([dense.c, dense.n]).to.deep.equal([C, N]);
    }
  });

  it("candidate order: c·n² ascending, larger n first on ties, ending with (C, N)", () => {
    const list = convCandidates(4, 3).map(({ c, n }) => `${c},${n}`);
    expect(list.slice(0, 6)).to.deep.equal(["1,1", "2,1", "3,1", "1,2", "4,1", "2,2"]);
    expect(list.at(-1)).to.equal("4,3");
    expect(list).to.have.length(12);
  });

  it("detection does not reject a layer whose residual is just under tol, nor accept one just over", () => {
    const rng = rngFromString("tol");
    const [C, N, c, n, cout] = [8, 3, 4, 2, 6];
    const S = composeConv(normals(rng, cout * c * n * n), cout, C, N, c, n);
    const noise = normals(rng, S.length);
    for (const eps of [1e-4, 3e-3]) {
      const W = S.map((v, i) => v + eps * noise[i]!);
      const r = projectConv(W, cout, C, N, c, n).residual;
      const d = detectConv(W, cout, C, N, 1e-3);
      if (r < 1e-3) expect([d.c, d.n]).to.deep.equal([c, n]);
      else expect(d.c * d.n * d.n).to.be.above(c * n * n);
    }
  });

  it("depthwise and grouped layers: C may be given per group or in total", () => {
    const rng = rngFromString("groups");
    const dw = composeConv(normals(rng, 8 * 2 * 2), 8, 1, 3, 1, 2);
    expect(detectConv(dw, 8, 8, 3, 1e-3, 8)).to.include({ c: 1, n: 2 });
    expect(detectConv(dw, 8, 1, 3, 1e-3, 8)).to.include({ c: 1, n: 2 });
    const grouped = composeConv(normals(rng, 6 * 2 * 9), 6, 4, 3, 2, 3);
    expect(detectConv(grouped, 6, 8, 3, 1e-3, 2)).to.include({ c: 2, n: 3 });
  });

  it("FC: compose/project round trip, residual of dense rows, detection of R", () => {
    const rng = rngFromString("fc");
    for (let t = 0; t < 20; t++) {
      const P = 1 + rng.int(6);
      const Q = 1 + rng.int(40);
      const R = 1 + rng.int(Q);
      const alpha = normals(rng, P * R);
      const W = composeFc(alpha, P, Q, R);
      const p = projectFc(W, P, Q, R);
      expect(maxAbsDiff(p.alpha, alpha)).to.be.below(1e-9);
      expect(p.residual).to.be.below(1e-9);
      expect(detectFc(W, P, Q).R).to.equal(R);
      // FC = the conv machinery with C = Q, N = 1.
      const asConv = projectConv(W, P, Q, 1, R, 1);
      expect(maxAbsDiff(asConv.alpha, alpha)).to.be.below(1e-9);
      if (R < Q) expect(projectFc(normals(rng, P * Q), P, Q, R).residual).to.be.above(0.1);
    }
  });

  it("decomposition equals direct conv for random structured layers (groups, asymmetric pads, dilation)", () => {
    const rng = rngFromString("decompose");
    for (let t = 0; t < 12; t++) {
      const groups = [1, 1, 2, 3][rng.int(4)]!;
      const Cg = 1 + rng.int(4);
      const C = Cg * groups;
      const cout = groups * (1 + rng.int(3));
      const N = 1 + rng.int(4);
      const c = 1 + rng.int(Cg);
      const n = 1 + rng.int(N);
      const d = 1 + rng.int(2);
      const stride = 1 + rng.int(2);
      const pad = [rng.int(3), rng.int(3), rng.int(3), rng.int(3)] as const;
      const height = d * (N - 1) + 2 + rng.int(6);
      const width = d * (N - 1) + 2 + rng.int(6);
      const alpha = normals(rng, cout * c * n * n);
      const W = composeConv(alpha, cout, Cg, N, c, n);
      const x = normals(rng, C * height * width);
      const geom = { height, width, stride, pad, dilation: d, groups };
      const direct = conv2dRef(x, W, cout, C, N, geom);
      const dec = decomposedConv(x, alpha, { ...geom, C, cout, N, c, n });
      expect(dec.shape).to.deep.equal(direct.shape);
      expect(maxAbsDiff(dec.y, direct.y)).to.be.below(1e-10);
    }
  });
});

describe("structure: speed on ResNet-50-sized layers", () => {
  it("projects a 512×512×3×3 layer and detects its structure, and a dense one as dense", () => {
    const rng = rngFromString("speed");
    const [cout, C, N, c, n] = [512, 512, 3, 256, 2];
    const W = Float32Array.from(composeConv(normals(rng, cout * c * n * n), cout, C, N, c, n));
    const p = projectConv(W, cout, C, N, c, n);
    expect(p.residual).to.be.below(1e-6);
    const d = detectConv(W, cout, C, N);
    expect(d).to.include({ c, n });
    const dense = Float32Array.from(normals(rng, cout * C * N * N));
    expect(detectConv(dense, cout, C, N)).to.include({ c: C, n: N });
  });
});
