// Structure detection (DESIGN §1): search the valid (c, n) from most to least compressed and take the first
// whose layer residual is below `tol`. The structured subspaces are not nested (a box of length 3 is not a box
// of length 2 convolved with anything), but a kernel drawn from one (c, n) subspace lies in a subspace of no
// more degrees of freedom only on a measure-zero set, so "fewest c·n² first" finds the generating (c, n).
// Order: c·n² ascending; at equal c·n², larger n first (the candidates then differ only in how the same
// freedom is split between channel and spatial axes, and we take the spatially less compressed one).
// The dense (C, N) always qualifies with residual 0. An all-zero layer is reported as (1, 1).

import { InputError } from "../../isa/errors.js";
import { KernelStructure } from "./kernel.js";
import { relativeResidual } from "./project.js";

export interface ConvDetection {
  readonly c: number;
  readonly n: number;
  readonly residual: number;
}

/** Candidate (c, n) pairs in search order. */
export function convCandidates(C: number, N: number): { c: number; n: number }[] {
  const out: { c: number; n: number }[] = [];
  for (let c = 1; c <= C; c++) for (let n = 1; n <= N; n++) out.push({ c, n });
  out.sort((a, b) => a.c * a.n * a.n - b.c * b.n * b.n || b.n - a.n);
  return out;
}

/**
 * Detect the structure of a conv layer W [cout][C/groups][N][N]. `C` may be given per group or in total
 * (with `groups`); the kernel's channel count is taken from the weight's length and must match one of them.
 */
export function detectConv(
  W: ArrayLike<number>,
  cout: number,
  C: number,
  N: number,
  tol = 1e-3,
  groups = 1,
): ConvDetection {
  const perKernel = W.length / (cout * N * N);
  const Ck = perKernel === C || perKernel * groups === C ? perKernel : NaN;
  if (!Number.isInteger(Ck) || Ck < 1)
    throw new InputError(
      `detectConv: weight has ${W.length} values, which is not cout·(C/groups)·N² for cout=${cout}, C=${C}, groups=${groups}, N=${N}`,
    );
  const kernelSize = Ck * N * N;

  // Kernels in descending norm: the largest ones reject a wrong candidate soonest.
  const norms = new Float64Array(cout);
  let total2 = 0;
  for (let o = 0; o < cout; o++) {
    let s = 0;
    for (let i = o * kernelSize; i < (o + 1) * kernelSize; i++) s += W[i]! * W[i]!;
    norms[o] = s;
    total2 += s;
  }
  if (total2 === 0) return { c: 1, n: 1, residual: 0 };
  const order = Array.from({ length: cout }, (_, o) => o).sort((a, b) => norms[b]! - norms[a]! || a - b);
  const limit2 = tol * tol * total2;

  for (const { c, n } of convCandidates(Ck, N)) {
    if (c === Ck && n === N) return { c, n, residual: 0 };
    const ks = new KernelStructure(Ck, N, c, n);
    const alpha = new Float64Array(ks.alphaSize);
    // Σ over any subset of kernels of ‖r_k‖² is a lower bound of the layer's ‖r‖², so stop as soon as it reaches tol.
    let res2 = 0;
    for (const o of order) {
      ks.project(W, o * kernelSize, alpha, 0);
      res2 += ks.residualSq(W, o * kernelSize, alpha, 0).res2;
      if (res2 >= limit2) break;
    }
    if (res2 < limit2) return { c, n, residual: relativeResidual(res2, total2) };
  }
  throw new Error("detectConv: unreachable (the dense structure always qualifies)");
}
