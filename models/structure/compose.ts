// Structured kernels from their alphas: W = 1_{(C−c+1)×(N−n+1)×(N−n+1)} ⊛ alpha (full 3D convolution).

import { KernelStructure } from "./kernel.js";

/** One output kernel [C][N][N] from alpha [c][n][n]. */
export function composeKernel(alpha: ArrayLike<number>, C: number, N: number, c: number, n: number): Float64Array {
  const ks = new KernelStructure(C, N, c, n);
  if (alpha.length !== ks.alphaSize)
    throw new RangeError(`composeKernel: alpha has ${alpha.length} values, expected c·n² = ${ks.alphaSize}`);
  const out = new Float64Array(ks.size);
  ks.compose(alpha, 0, out, 0);
  return out;
}

/** A whole layer [cout][C][N][N] from alpha [cout][c][n][n]. C is the per-group input channel count (depthwise: C = c = 1). */
export function composeConv(
  alpha: ArrayLike<number>,
  cout: number,
  C: number,
  N: number,
  c: number,
  n: number,
): Float64Array {
  const ks = new KernelStructure(C, N, c, n);
  if (alpha.length !== cout * ks.alphaSize)
    throw new RangeError(`composeConv: alpha has ${alpha.length} values, expected cout·c·n² = ${cout * ks.alphaSize}`);
  const out = new Float64Array(cout * ks.size);
  for (let o = 0; o < cout; o++) ks.compose(alpha, o * ks.alphaSize, out, o * ks.size);
  return out;
}
