// Least-squares projection of trained kernels onto a structure: alpha = A⁺W, W_s = A alpha, and the
// structural residual ‖W − W_s‖_F / ‖W‖_F (DESIGN §1; the paper's Eq. 3 term). O(cout·C·N²).

import { KernelStructure } from "./kernel.js";

export interface Projection {
  readonly alpha: Float64Array;
  /** ‖W − A alpha‖ / ‖W‖ (0 for an all-zero W). */
  readonly residual: number;
}

/** Project one kernel [C][N][N]. */
export function projectKernel(W: ArrayLike<number>, C: number, N: number, c: number, n: number): Projection {
  return projectConv(W, 1, C, N, c, n);
}

/** Project every kernel of a layer [cout][C][N][N]; the residual is over the whole layer. */
export function projectConv(
  W: ArrayLike<number>,
  cout: number,
  C: number,
  N: number,
  c: number,
  n: number,
): Projection {
  const ks = new KernelStructure(C, N, c, n);
  if (W.length !== cout * ks.size)
    throw new RangeError(`projectConv: weight has ${W.length} values, expected cout·C·N² = ${cout * ks.size}`);
  // One element type through every axis pass (a Float32Array W would make the loops polymorphic); exact.
  const w = W instanceof Float64Array ? W : new Float64Array(W);
  const alpha = new Float64Array(cout * ks.alphaSize);
  let res2 = 0;
  let norm2 = 0;
  for (let o = 0; o < cout; o++) {
    ks.project(w, o * ks.size, alpha, o * ks.alphaSize);
    const r = ks.residualSq(w, o * ks.size, alpha, o * ks.alphaSize);
    res2 += r.res2;
    norm2 += r.norm2;
  }
  return { alpha, residual: relativeResidual(res2, norm2) };
}

export function relativeResidual(res2: number, norm2: number): number {
  return norm2 === 0 ? 0 : Math.sqrt(res2 / norm2);
}
