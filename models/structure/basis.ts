// The one-dimensional building block of every structure (DESIGN §1): A_{K,k} ∈ R^{K×k}, whose column j is
// ones in rows j..j+K−k (a box of length L = K−k+1 shifted by j). A conv kernel's structure matrix is
// A_C ⊗ A_N ⊗ A_N and an FC row's is A_Q,R, so every operation here is applied one axis at a time.

import { InputError } from "../../isa/errors.js";

/** Whether (k) is a valid structure parameter along an axis of length K. */
export function validAxis(K: number, k: number): boolean {
  return Number.isInteger(K) && Number.isInteger(k) && K >= 1 && k >= 1 && k <= K;
}

/** out[0..K) = A_{K,k} a: the full 1D convolution of a (length k) with a box of ones of length K−k+1. */
export function boxFull(
  a: ArrayLike<number>,
  aOff: number,
  k: number,
  K: number,
  out: Float64Array,
  outOff: number,
): void {
  const L = K - k + 1;
  let s = 0;
  for (let r = 0; r < K; r++) {
    if (r < k) s += a[aOff + r]!;
    if (r >= L) s -= a[aOff + r - L]!;
    out[outOff + r] = s;
  }
}

/**
 * a[0..k) = A_{K,k}⁺ v in O(K) without forming (AᵀA)⁻¹.
 * The orthogonal complement of range(A) is {u : every length-L window of u sums to 0}, i.e. L-periodic
 * vectors whose period sums to 0 (dimension L−1 = K−k, as it must be). Projecting v onto it is a weighted
 * mean per residue class with one Lagrange correction; v minus that projection is A a, and a follows from
 * (A a)[i] − (A a)[i−1] = a[i] − a[i−L].
 * `scratch` needs K + 1 entries.
 */
export function boxPinv(
  v: ArrayLike<number>,
  vOff: number,
  K: number,
  k: number,
  a: Float64Array,
  aOff: number,
  scratch: Float64Array,
): void {
  const L = K - k + 1;
  if (L === 1) {
    for (let i = 0; i < K; i++) a[aOff + i] = v[vOff + i]!;
    return;
  }
  // p[r]: the complement component on residue class r (first as class means m_r).
  const p = scratch; // [0, L)
  const ws = scratch; // reused from offset L: the projection of v onto range(A)
  for (let r = 0; r < L; r++) p[r] = 0;
  for (let i = 0; i < K; i++) p[i % L]! += v[vOff + i]!;
  let sumMean = 0;
  let sumInvCount = 0;
  for (let r = 0; r < L; r++) {
    const count = Math.floor((K - 1 - r) / L) + 1;
    p[r] = p[r]! / count;
    sumMean += p[r]!;
    sumInvCount += 1 / count;
  }
  const lambda = sumMean / sumInvCount;
  for (let r = 0; r < L; r++) p[r] = p[r]! - lambda / (Math.floor((K - 1 - r) / L) + 1);
  for (let i = 0; i < k; i++) ws[L + i] = v[vOff + i]! - p[i % L]!;
  let prev = 0;
  for (let i = 0; i < k; i++) {
    const cur = ws[L + i]!;
    a[aOff + i] = cur - prev + (i >= L ? a[aOff + i - L]! : 0);
    prev = cur;
  }
}

/** Apply a 1D map along the middle axis of a tensor viewed as [outer][Kin][inner], writing [outer][Kout][inner]. */
export function alongAxis(
  src: ArrayLike<number>,
  srcOff: number,
  outer: number,
  Kin: number,
  inner: number,
  Kout: number,
  dst: Float64Array,
  dstOff: number,
  map: (fin: Float64Array, fout: Float64Array) => void,
  fin: Float64Array,
  fout: Float64Array,
): void {
  for (let o = 0; o < outer; o++) {
    const sBase = srcOff + o * Kin * inner;
    const dBase = dstOff + o * Kout * inner;
    for (let j = 0; j < inner; j++) {
      for (let r = 0; r < Kin; r++) fin[r] = src[sBase + r * inner + j]!;
      map(fin, fout);
      for (let r = 0; r < Kout; r++) dst[dBase + r * inner + j] = fout[r]!;
    }
  }
}

/**
 * The explicit structure matrix A ∈ R^{CN²×cn²} (row-major), column m = (a, p, q) ↦ a·n² + p·n + q being the
 * box 1_{(C−c+1)×(N−n+1)×(N−n+1)} placed at offset (a, p, q). Built from its definition, for tests only.
 */
export function structureMatrix(C: number, N: number, c: number, n: number): Float64Array {
  const rows = C * N * N;
  const cols = c * n * n;
  const A = new Float64Array(rows * cols);
  const Lc = C - c + 1;
  const Ln = N - n + 1;
  for (let a = 0; a < c; a++)
    for (let p = 0; p < n; p++)
      for (let q = 0; q < n; q++) {
        const m = (a * n + p) * n + q;
        for (let ch = a; ch < a + Lc; ch++)
          for (let i = p; i < p + Ln; i++) for (let j = q; j < q + Ln; j++) A[((ch * N + i) * N + j) * cols + m] = 1;
      }
  return A;
}

export function checkStructure(where: string, C: number, N: number, c: number, n: number): void {
  if (!validAxis(C, c) || !validAxis(N, n))
    throw new InputError(
      `${where}: invalid structure (c=${c}, n=${n}) for a ${C}×${N}×${N} kernel (need 1 ≤ c ≤ C, 1 ≤ n ≤ N)`,
    );
}
