// Structured fully connected layers (DESIGN §1): each row of W [P][Q] is 1_{Q−R+1} ⊛ alpha_row, alpha [P][R].
// The 1D case of the conv machinery: A_{Q,R} per row.

import { InputError } from "../../isa/errors.js";
import { boxFull, boxPinv, validAxis } from "./basis.js";
import type { Projection } from "./project.js";
import { relativeResidual } from "./project.js";

function checkR(where: string, Q: number, R: number): void {
  if (!validAxis(Q, R))
    throw new InputError(`${where}: invalid FC structure R=${R} for Q=${Q} inputs (need 1 ≤ R ≤ Q)`);
}

/** W [P][Q] from alpha [P][R]. */
export function composeFc(alpha: ArrayLike<number>, P: number, Q: number, R: number): Float64Array {
  checkR("composeFc", Q, R);
  if (alpha.length !== P * R)
    throw new RangeError(`composeFc: alpha has ${alpha.length} values, expected P·R = ${P * R}`);
  const W = new Float64Array(P * Q);
  for (let p = 0; p < P; p++) boxFull(alpha, p * R, R, Q, W, p * Q);
  return W;
}

/** alpha = A⁺ W row by row, and the residual over the whole matrix. */
export function projectFc(W: ArrayLike<number>, P: number, Q: number, R: number): Projection {
  checkR("projectFc", Q, R);
  if (W.length !== P * Q) throw new RangeError(`projectFc: weight has ${W.length} values, expected P·Q = ${P * Q}`);
  const alpha = new Float64Array(P * R);
  const scratch = new Float64Array(Q + 1);
  const fit = new Float64Array(Q);
  let res2 = 0;
  let norm2 = 0;
  for (let p = 0; p < P; p++) {
    const r = rowResidualSq(W, p * Q, Q, R, alpha, p * R, scratch, fit);
    res2 += r;
    for (let i = p * Q; i < (p + 1) * Q; i++) norm2 += W[i]! * W[i]!;
  }
  return { alpha, residual: relativeResidual(res2, norm2) };
}

function rowResidualSq(
  W: ArrayLike<number>,
  off: number,
  Q: number,
  R: number,
  alpha: Float64Array,
  aOff: number,
  scratch: Float64Array,
  fit: Float64Array,
): number {
  boxPinv(W, off, Q, R, alpha, aOff, scratch);
  boxFull(alpha, aOff, R, Q, fit, 0);
  let s = 0;
  for (let i = 0; i < Q; i++) {
    const d = W[off + i]! - fit[i]!;
    s += d * d;
  }
  return s;
}

/** Smallest R whose residual is below tol (R = Q, dense, always qualifies; an all-zero W gives R = 1). */
export function detectFc(W: ArrayLike<number>, P: number, Q: number, tol = 1e-3): { R: number; residual: number } {
  if (W.length !== P * Q) throw new InputError(`detectFc: weight has ${W.length} values, expected P·Q = ${P * Q}`);
  const norms = new Float64Array(P);
  let total2 = 0;
  for (let p = 0; p < P; p++) {
    let s = 0;
    for (let i = p * Q; i < (p + 1) * Q; i++) s += W[i]! * W[i]!;
    norms[p] = s;
    total2 += s;
  }
  if (total2 === 0) return { R: 1, residual: 0 };
  const order = Array.from({ length: P }, (_, p) => p).sort((a, b) => norms[b]! - norms[a]! || a - b);
  const limit2 = tol * tol * total2;
  const alpha = new Float64Array(Q);
  const scratch = new Float64Array(Q + 1);
  const fit = new Float64Array(Q);
  for (let R = 1; R < Q; R++) {
    let res2 = 0;
    for (const p of order) {
      res2 += rowResidualSq(W, p * Q, Q, R, alpha, 0, scratch, fit);
      if (res2 >= limit2) break;
    }
    if (res2 < limit2) return { R, residual: relativeResidual(res2, total2) };
  }
  return { R: Q, residual: 0 };
}
