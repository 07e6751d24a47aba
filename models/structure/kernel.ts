// Per-kernel structure operations for one (C, N, c, n): A = A_C ⊗ A_N ⊗ A_N applied axis by axis, so composing
// or projecting a kernel costs O(C·N²) instead of the O(C·N²·c·n²) of the explicit matrix.
// Kernels are row-major [C][N][N]; alphas [c][n][n].

import { boxFullAxis, boxPinvAxis, checkStructure } from "./basis.js";

export class KernelStructure {
  readonly size: number;
  readonly alphaSize: number;
  private readonly t1: Float64Array;
  private readonly t2: Float64Array;
  private readonly t3: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    readonly C: number,
    readonly N: number,
    readonly c: number,
    readonly n: number,
  ) {
    checkStructure("structure", C, N, c, n);
    this.size = C * N * N;
    this.alphaSize = c * n * n;
    this.t1 = new Float64Array(C * N * N);
    this.t2 = new Float64Array(C * N * N);
    this.t3 = new Float64Array(C * N * N);
    this.scratch = new Float64Array((Math.max(C, N) + 2) * (N * N + 3));
  }

  /**
   * out[outOff..+C·N²) = A alpha[aOff..+c·n²), one axis at a time (channels, rows, columns). Identity axes are
   * not skipped: their running sums round differently from a copy, and zoo weights are composed here.
   */
  compose(alpha: ArrayLike<number>, aOff: number, out: Float64Array, outOff: number): void {
    const { C, N, c, n, t1, t2 } = this;
    boxFullAxis(alpha, aOff, 1, c, n * n, C, t1, 0); // [c][n·n] -> [C][n·n]
    boxFullAxis(t1, 0, C, n, n, N, t2, 0); // [C][n][n] -> [C][N][n]
    boxFullAxis(t2, 0, C * N, n, 1, N, out, outOff); // [C·N][n] -> [C·N][N]
  }

  /**
   * alpha[aOff..+c·n²) = A⁺ w[wOff..+C·N²) (the least-squares structured fit; A⁺ = A_C⁺ ⊗ A_N⁺ ⊗ A_N⁺), one
   * axis at a time; an identity axis (c = C, or n = N) is skipped (boxPinv copies it exactly anyway).
   */
  project(w: ArrayLike<number>, wOff: number, alpha: Float64Array, aOff: number): void {
    const { C, N, c, n, t1, t2, scratch } = this;
    let src: ArrayLike<number> = w;
    let off = wOff;
    if (c < C) {
      boxPinvAxis(src, off, 1, C, N * N, c, t1, 0, scratch); // [C][N·N] -> [c][N·N]
      [src, off] = [t1, 0];
    }
    if (n === N) {
      for (let i = 0; i < this.alphaSize; i++) alpha[aOff + i] = src[off + i]!;
      return;
    }
    boxPinvAxis(src, off, c, N, N, n, t2, 0, scratch); // [c][N][N] -> [c][n][N]
    boxPinvAxis(t2, 0, c * n, N, 1, n, alpha, aOff, scratch); // [c·n][N] -> [c·n][n]
  }

  /** A alpha like compose, but identity axes are copied exactly (the residual needs no bit-compatibility). */
  private fit(alpha: Float64Array, aOff: number): Float64Array {
    const { C, N, c, n, t1, t2, t3 } = this;
    let src = alpha;
    let off = aOff;
    if (c < C) {
      boxFullAxis(src, off, 1, c, n * n, C, t1, 0);
      [src, off] = [t1, 0];
    }
    if (n === N) {
      if (src === t1) return t1;
      for (let i = 0; i < this.size; i++) t3[i] = src[off + i]!;
      return t3;
    }
    boxFullAxis(src, off, C, n, n, N, t2, 0);
    boxFullAxis(t2, 0, C * N, n, 1, N, t3, 0);
    return t3;
  }

  /** ‖w − A alpha‖² for one kernel, and ‖w‖² (both squared, to be summed over a layer). */
  residualSq(w: ArrayLike<number>, wOff: number, alpha: Float64Array, aOff: number): { res2: number; norm2: number } {
    const fit = this.fit(alpha, aOff);
    let res2 = 0;
    let norm2 = 0;
    for (let i = 0; i < this.size; i++) {
      const v = w[wOff + i]!;
      const d = v - fit[i]!;
      res2 += d * d;
      norm2 += v * v;
    }
    return { res2, norm2 };
  }
}
