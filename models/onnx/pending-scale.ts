// Constant multiplies and biases on feature maps. The IR has no "multiply by a constant" node: a scalar Mul (or an
// AveragePool turned into a sum-pool) rides along on the value as a pending scale until a conv/fc (or BN) folds it
// into its weights; a per-channel Mul/Add right after a conv/fc is folded into that layer's weights/bias at once.
import { InputError } from "../../isa/errors.js";
import type { ImportContext, WeightedNode } from "./context.js";
import type { ConstTensor } from "./tensors.js";
import type { DynValue } from "./values.js";

/** Scales closer to 1 than this are 1 (float noise from dividing by a window volume and multiplying back). */
export const EPS_SCALE = 1e-6;

/** Refuses to go on while `v` still carries a scale: `what` (an Add, a Q, the graph output…) cannot carry it. */
export function requireUnitScale(cx: ImportContext, v: DynValue, what: string): void {
  if (Math.abs(v.scale - 1) > EPS_SCALE)
    throw new InputError(
      `${cx.path}: node '${v.scaleFrom}' multiplies by a constant (×${v.scale}) that no following conv/fc can absorb before ${what}`,
    );
}

/** A float32 copy of a constant's values times `s` (null when the values are absent). */
export function scaledCopy(w: ConstTensor, s: number): Float32Array | null {
  if (!w.data) return null;
  const out = Float32Array.from(w.data);
  if (Math.abs(s - 1) > EPS_SCALE) for (let i = 0; i < out.length; i++) out[i] = out[i]! * s;
  return out;
}

/** Per-output-channel values of a constant operand for a map of `C` channels (scalar, [C], [C,1,1], [1,C,1,1]). */
export function perChannel(t: ConstTensor, C: number, rank: number): Float64Array | null {
  if (!t.data) return null;
  if (t.data.length === 1) return new Float64Array(C).fill(t.data[0]!);
  const dims = [...new Array<number>(Math.max(0, rank + 1 - t.dims.length)).fill(1), ...t.dims];
  const ok =
    t.data.length === C && dims.length === rank + 1 && dims[1] === C && dims.every((d, i) => i === 1 || d === 1);
  return ok ? Float64Array.from(t.data) : null;
}

/** Map + constant: only a per-channel bias right after a conv/fc (e.g. MatMul + Add), folded into its bias. */
export function foldBias(cx: ImportContext, x: DynValue, c: ConstTensor): DynValue {
  const p = cx.foldable(x);
  const C = x.shape[0]!;
  const vals = perChannel(c, C, x.shape.length);
  if (!p || !c.data || !vals) {
    if (!c.data && p) return x;
    cx.fail("adding a constant to a feature map is supported only as a per-channel bias right after a conv or fc");
  }
  const n = p.op === "conv" ? p.cout : p.P;
  const bias = p.bias ? Float32Array.from(p.bias) : new Float32Array(n);
  // The bias is added before the pending scale is applied, so it is divided by it.
  for (let i = 0; i < n; i++) bias[i] = bias[i]! + vals[i]! / x.scale;
  p.bias = bias;
  return x;
}

/** Map × constant: a scalar becomes a pending scale; a per-channel factor folds into the conv/fc before it. */
export function foldFactor(cx: ImportContext, x: DynValue, c: ConstTensor, scalar: number | undefined): DynValue {
  if (scalar !== undefined)
    return { ...x, scale: x.scale * scalar, scaleFrom: cx.nodeName(), nonNeg: x.nonNeg && scalar > 0 };
  const p: WeightedNode | null = cx.foldable(x);
  const vals = perChannel(c, x.shape[0]!, x.shape.length);
  if (!p || !vals)
    cx.fail(
      "multiplying a feature map by a non-scalar constant is supported only per channel right after a conv or fc",
    );
  const per = p.op === "conv" ? (p.cin / p.groups) * p.kh * p.kw : p.Q;
  if (p.weight) p.weight = Float32Array.from(p.weight, (w, i) => w * vals[Math.floor(i / per)]!);
  if (p.bias) p.bias = Float32Array.from(p.bias, (w, i) => w * vals[i]!);
  return x;
}
