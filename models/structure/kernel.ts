// Per-kernel structure operations for one (C, N, c, n): A = A_C ⊗ A_N ⊗ A_N applied axis by axis, so composing
// or projecting a kernel costs O(C·N²) instead of the O(C·N²·c·n²) of the explicit matrix.
// Kernels are row-major [C][N][N]; alphas [c][n][n].

import { alongAxis, boxFull, boxPinv, checkStructure } from "./basis.js";

export class KernelStructure {
  readonly size: number;
  readonly alphaSize: number;
  private readonly t1: Float64Array;
  private readonly t2: Float64Array;
  private readonly t3: Float64Array;
  private readonly fin: Float64Array;
  private readonly fout: Float64Array;
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
    const longest = Math.max(C, N) + 1;
    this.fin = new Float64Array(longest);
    this.fout = new Float64Array(longest);
    this.scratch = new Float64Array(longest);
  }

  /** out[outOff..+C·N²) = A alpha[aOff..+c·n²). */
  compose(alpha: ArrayLike<number>, aOff: number, out: Float64Array, outOff: number): void {
    const { C, N, c, n, t1, t2, fin, fout } = this;
    alongAxis(alpha, aOff, 1, c, n * n, C, t1, 0, (x, y) => boxFull(x, 0, c, C, y, 0), fin, fout);
    alongAxis(t1, 0, C, n, n, N, t2, 0, (x, y) => boxFull(x, 0, n, N, y, 0), fin, fout);
    alongAxis(t2, 0, C * N, n, 1, N, out, outOff, (x, y) => boxFull(x, 0, n, N, y, 0), fin, fout);
  }

  /** alpha[aOff..+c·n²) = A⁺ w[wOff..+C·N²) (the least-squares structured fit; A⁺ = A_C⁺ ⊗ A_N⁺ ⊗ A_N⁺). */
  project(w: ArrayLike<number>, wOff: number, alpha: Float64Array, aOff: number): void {
    const { C, N, c, n, t1, t2, fin, fout, scratch } = this;
    alongAxis(w, wOff, 1, C, N * N, c, t1, 0, (x, y) => boxPinv(x, 0, C, c, y, 0, scratch), fin, fout);
    alongAxis(t1, 0, c, N, N, n, t2, 0, (x, y) => boxPinv(x, 0, N, n, y, 0, scratch), fin, fout);
    alongAxis(t2, 0, c * n, N, 1, n, alpha, aOff, (x, y) => boxPinv(x, 0, N, n, y, 0, scratch), fin, fout);
  }

  /** ‖w − A alpha‖² for one kernel, and ‖w‖² (both squared, to be summed over a layer). */
  residualSq(w: ArrayLike<number>, wOff: number, alpha: Float64Array, aOff: number): { res2: number; norm2: number } {
    const fit = this.t3;
    this.compose(alpha, aOff, fit, 0);
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
