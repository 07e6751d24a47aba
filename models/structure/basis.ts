// The one-dimensional building block of every structure (DESIGN §1): A_{K,k} ∈ R^{K×k}, whose column j is
// ones in rows j..j+K−k (a box of length L = K−k+1 shifted by j). A conv kernel's structure matrix is
// A_C ⊗ A_N ⊗ A_N and an FC row's is A_Q,R, so every operation here is applied one axis at a time.

import { InputError } from "../../isa/errors.js";

/** Whether (k) is a valid structure parameter along an axis of length K. */
export function validAxis(K: number, k: number): boolean {
  return Number.isInteger(K) && Number.isInteger(k) && K >= 1 && k >= 1 && k <= K;
}

/**
 * out[0..K) = A_{K,k} a: the full 1D convolution of a (length k) with a box of ones of length K−k+1.
 * Element i of a is a[aOff + i·aStride], of out out[outOff + i·outStride] (strides let a kernel's axes be
 * processed in place, without gathering each line into a temporary).
 */
export function boxFull(
  a: ArrayLike<number>,
  aOff: number,
  k: number,
  K: number,
  out: Float64Array,
  outOff: number,
  aStride = 1,
  outStride = 1,
): void {
  const L = K - k + 1;
  let s = 0;
  for (let r = 0; r < K; r++) {
    if (r < k) s += a[aOff + r * aStride]!;
    if (r >= L) s -= a[aOff + (r - L) * aStride]!;
    out[outOff + r * outStride] = s;
  }
}

/**
 * a[0..k) = A_{K,k}⁺ v in O(K) without forming (AᵀA)⁻¹.
 * The orthogonal complement of range(A) is {u : every length-L window of u sums to 0}, i.e. L-periodic
 * vectors whose period sums to 0 (dimension L−1 = K−k, as it must be). Projecting v onto it is a weighted
 * mean per residue class with one Lagrange correction; v minus that projection is A a, and a follows from
 * (A a)[i] − (A a)[i−1] = a[i] − a[i−L].
 * `scratch` needs L entries. Element i of v is v[vOff + i·vStride], of a a[aOff + i·aStride].
 */
export function boxPinv(
  v: ArrayLike<number>,
  vOff: number,
  K: number,
  k: number,
  a: Float64Array,
  aOff: number,
  scratch: Float64Array,
  vStride = 1,
  aStride = 1,
): void {
  const L = K - k + 1;
  if (L === 1) {
    for (let i = 0; i < K; i++) a[aOff + i * aStride] = v[vOff + i * vStride]!;
    return;
  }
  // p[r]: the complement component on residue class r (first as class means m_r).
  const p = scratch; // [0, L)
  for (let r = 0; r < L; r++) p[r] = 0;
  for (let i = 0, r = 0; i < K; i++) {
    p[r]! += v[vOff + i * vStride]!;
    if (++r === L) r = 0;
  }
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
  // (A a)[i] = v[i] − p[i mod L]; only the first k rows are needed.
  let prev = 0;
  for (let i = 0, r = 0; i < k; i++) {
    const cur = v[vOff + i * vStride]! - p[r]!;
    if (++r === L) r = 0;
    a[aOff + i * aStride] = cur - prev + (i >= L ? a[aOff + (i - L) * aStride]! : 0);
    prev = cur;
  }
}

/**
 * boxFull along the middle axis of src viewed as [outer][k][inner], writing dst as [outer][K][inner]: every
 * line gets exactly boxFull's operations in boxFull's order (so results are bit-identical), but the line loop
 * is innermost, which keeps short axes (K = 3) free of a call per line.
 */
export function boxFullAxis(
  src: ArrayLike<number>,
  srcOff: number,
  outer: number,
  k: number,
  inner: number,
  K: number,
  dst: Float64Array,
  dstOff: number,
): void {
  const L = K - k + 1;
  if (K === 1) {
    // A length-1 axis (a 1×1 kernel's spatial axes): boxFull is 0 + a, elementwise.
    for (let i = 0; i < outer * inner; i++) dst[dstOff + i] = 0 + src[srcOff + i]!;
    return;
  }
  if (inner === 1 && K === 3 && k === 2) {
    // Unrolled running sum of boxFull for the common 2 -> 3 case: same operations, same order.
    for (let o = 0; o < outer; o++) {
      const a0 = src[srcOff + 2 * o]!;
      const s0 = 0 + a0;
      const s1 = s0 + src[srcOff + 2 * o + 1]!;
      const d = dstOff + 3 * o;
      dst[d] = s0;
      dst[d + 1] = s1;
      dst[d + 2] = s1 - a0;
    }
    return;
  }
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const s0 = srcOff + o * k;
      const d0 = dstOff + o * K;
      let s = 0;
      for (let r = 0; r < K; r++) {
        if (r < k) s += src[s0 + r]!;
        if (r >= L) s -= src[s0 + r - L]!;
        dst[d0 + r] = s;
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const s0 = srcOff + o * k * inner;
    const d0 = dstOff + o * K * inner;
    for (let j = 0; j < inner; j++) dst[d0 + j] = 0 + src[s0 + j]!; // r = 0 (0 + v, as boxFull: −0 becomes +0)
    for (let r = 1; r < K; r++) {
      const d = d0 + r * inner;
      const prev = d - inner;
      const add = s0 + r * inner;
      const sub = s0 + (r - L) * inner;
      if (r < k && r >= L) for (let j = 0; j < inner; j++) dst[d + j] = dst[prev + j]! + src[add + j]! - src[sub + j]!;
      else if (r < k) for (let j = 0; j < inner; j++) dst[d + j] = dst[prev + j]! + src[add + j]!;
      else if (r >= L) for (let j = 0; j < inner; j++) dst[d + j] = dst[prev + j]! - src[sub + j]!;
      else for (let j = 0; j < inner; j++) dst[d + j] = dst[prev + j]!;
    }
  }
}

/**
 * boxPinv along the middle axis of src viewed as [outer][K][inner], writing dst as [outer][k][inner]; per line
 * the same operations in the same order as boxPinv (bit-identical results), with the line loop innermost.
 * `scratch` needs max(3L, L + (L + 1)·inner) entries, L = K − k + 1.
 */
export function boxPinvAxis(
  src: ArrayLike<number>,
  srcOff: number,
  outer: number,
  K: number,
  inner: number,
  k: number,
  dst: Float64Array,
  dstOff: number,
  scratch: Float64Array,
): void {
  const L = K - k + 1;
  if (L === 1) {
    for (let o = 0; o < outer; o++) {
      const s0 = srcOff + o * K * inner;
      const d0 = dstOff + o * k * inner;
      for (let i = 0; i < K * inner; i++) dst[d0 + i] = src[s0 + i]!;
    }
    return;
  }
  // Shared by every line: class sizes and Σ 1/count (same operations, same order as boxPinv).
  const counts = scratch; // [0, L)
  let sumInvCount = 0;
  for (let r = 0; r < L; r++) {
    counts[r] = Math.floor((K - 1 - r) / L) + 1;
    sumInvCount += 1 / counts[r]!;
  }
  if (inner <= LINES_MAX_INNER) {
    boxPinvLines(src, srcOff, outer, K, inner, k, dst, dstOff, scratch, sumInvCount);
    return;
  }
  const p0 = L; // scratch[p0 + r·inner + j]: class r of line j
  const sumMean = p0 + L * inner; // scratch[sumMean + j]: per line Σ_r m_r
  const end = sumMean + inner;
  for (let o = 0; o < outer; o++) {
    const s0 = srcOff + o * K * inner;
    const d0 = dstOff + o * k * inner;
    for (let i = p0; i < end; i++) scratch[i] = 0;
    for (let i = 0, r = 0; i < K; i++) {
      const s = s0 + i * inner;
      const pr = p0 + r * inner;
      for (let j = 0; j < inner; j++) scratch[pr + j]! += src[s + j]!;
      if (++r === L) r = 0;
    }
    for (let r = 0; r < L; r++) {
      const count = counts[r]!;
      const pr = p0 + r * inner;
      for (let j = 0; j < inner; j++) {
        const m = scratch[pr + j]! / count;
        scratch[pr + j] = m;
        scratch[sumMean + j]! += m;
      }
    }
    for (let j = 0; j < inner; j++) scratch[sumMean + j] = scratch[sumMean + j]! / sumInvCount; // lambda
    for (let r = 0; r < L; r++) {
      const count = counts[r]!;
      const pr = p0 + r * inner;
      for (let j = 0; j < inner; j++) scratch[pr + j] = scratch[pr + j]! - scratch[sumMean + j]! / count;
    }
    for (let i = 0, r = 0, rp = 0; i < k; i++) {
      const s = s0 + i * inner;
      const d = d0 + i * inner;
      const pr = p0 + r * inner;
      const pp = p0 + rp * inner;
      for (let j = 0; j < inner; j++) {
        const cur = src[s + j]! - scratch[pr + j]!;
        const prev = i === 0 ? 0 : src[s - inner + j]! - scratch[pp + j]!;
        dst[d + j] = cur - prev + (i >= L ? dst[d - L * inner + j]! : 0);
      }
      rp = r;
      if (++r === L) r = 0;
    }
  }
}

/** Up to this many lines side by side, boxPinvAxis takes them one at a time (boxPinvLines). */
const LINES_MAX_INNER = 64;

/** boxPinvAxis one line at a time: for each of outer·inner lines, K values `inner` apart. */
function boxPinvLines(
  src: ArrayLike<number>,
  srcOff: number,
  outer: number,
  K: number,
  inner: number,
  k: number,
  dst: Float64Array,
  dstOff: number,
  scratch: Float64Array,
  sumInvCount: number,
): void {
  const L = K - k + 1;
  const counts = scratch; // [0, L), filled by the caller
  const p = L; // scratch[p + r]: class r
  // When every class size is a power of two (always so for L ≥ K/2, e.g. c = C/2), x / count is exactly
  // x · (1 / count): multiply instead of divide, with bit-identical results.
  const inv = 2 * L; // scratch[inv + r] = 1 / counts[r]
  let powersOfTwo = true;
  for (let r = 0; r < L; r++) {
    const n = counts[r]!;
    if ((n & (n - 1)) !== 0) powersOfTwo = false;
    scratch[inv + r] = 1 / n;
  }
  const lines = outer * inner;
  if (K === 3 && k === 2) {
    pinv3to2(src, srcOff, outer, inner, dst, dstOff, sumInvCount);
    return;
  }
  for (let line = 0; line < lines; line++) {
    const o = Math.floor(line / inner);
    const j = line - o * inner;
    const s0 = srcOff + o * K * inner + j;
    const d0 = dstOff + o * k * inner + j;
    for (let r = 0; r < L; r++) scratch[p + r] = 0;
    for (let i = 0, r = 0; i < K; i++) {
      scratch[p + r]! += src[s0 + i * inner]!;
      if (++r === L) r = 0;
    }
    let sumMean = 0;
    if (powersOfTwo) {
      for (let r = 0; r < L; r++) {
        const m = scratch[p + r]! * scratch[inv + r]!;
        scratch[p + r] = m;
        sumMean += m;
      }
      const lambda = sumMean / sumInvCount;
      for (let r = 0; r < L; r++) scratch[p + r] = scratch[p + r]! - lambda * scratch[inv + r]!;
    } else {
      for (let r = 0; r < L; r++) {
        const m = scratch[p + r]! / counts[r]!;
        scratch[p + r] = m;
        sumMean += m;
      }
      const lambda = sumMean / sumInvCount;
      for (let r = 0; r < L; r++) scratch[p + r] = scratch[p + r]! - lambda / counts[r]!;
    }
    let prev = 0;
    for (let i = 0, r = 0; i < k; i++) {
      const cur = src[s0 + i * inner]! - scratch[p + r]!;
      if (++r === L) r = 0;
      dst[d0 + i * inner] = cur - prev + (i >= L ? dst[d0 + (i - L) * inner]! : 0);
      prev = cur;
    }
  }
}

/**
 * boxPinvLines for K = 3, k = 2 (a 3×3 kernel's spatial axis at n = 2, the common case): the same operations
 * in the same order, unrolled. Classes: r = 0 holds elements 0 and 2 (count 2), r = 1 element 1 (count 1).
 */
function pinv3to2(
  src: ArrayLike<number>,
  srcOff: number,
  outer: number,
  inner: number,
  dst: Float64Array,
  dstOff: number,
  sumInvCount: number,
): void {
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const s0 = srcOff + o * 3 * inner + j;
      const d0 = dstOff + o * 2 * inner + j;
      const v0 = src[s0]!;
      const v1 = src[s0 + inner]!;
      const v2 = src[s0 + 2 * inner]!;
      const m0 = (0 + v0 + v2) * 0.5;
      const m1 = (0 + v1) * 1;
      const lambda = (0 + m0 + m1) / sumInvCount;
      const q0 = m0 - lambda * 0.5;
      const q1 = m1 - lambda * 1;
      const cur0 = v0 - q0;
      const a0 = cur0 - 0 + 0;
      dst[d0] = a0;
      dst[d0 + inner] = v1 - q1 - cur0 + 0;
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
