// Conversions between real tensors and int8 codes at a symmetric per-tensor scale (real = scale * q).
import { quantizeValue } from "../intmath.js";

/** q = clamp(round(x / scale), -127, 127), ties away from zero. */
export function quantizeInput(x: ArrayLike<number>, scale: number): Int8Array {
  const q = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) q[i] = quantizeValue(x[i]!, scale);
  return q;
}

export function dequantize(q: ArrayLike<number>, scale: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * scale;
  return out;
}
