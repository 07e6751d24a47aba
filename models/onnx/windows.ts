// The 2D window attributes shared by Conv and the pools: square strides/dilations/kernels and explicit or auto pads.
import type { Attrs } from "./attrs.js";
import type { ImportContext } from "./context.js";

/** One value for a 2D window attribute that must be equal on H and W (`fallback` when absent). */
export function window2(cx: ImportContext, a: Attrs, name: string, fallback: number): number {
  const v = a.ints(name);
  if (!v || v.length === 0) return fallback;
  if (v.length !== 2 || v[0] !== v[1]) cx.fail(`${name} [${v.join(",")}] must be equal on H and W`);
  return v[0]!;
}

/** [top, left, bottom, right] padding from `pads` or `auto_pad` (SAME_* computed the way ONNX defines it). */
export function pads4(
  cx: ImportContext,
  a: Attrs,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  stride: number,
  dilation: number,
): [number, number, number, number] {
  const auto = a.string("auto_pad", "NOTSET");
  if (auto === "VALID") return [0, 0, 0, 0];
  if (auto === "SAME_UPPER" || auto === "SAME_LOWER") {
    const one = (size: number, k: number): [number, number] => {
      const total = Math.max(0, (Math.ceil(size / stride) - 1) * stride + dilation * (k - 1) + 1 - size);
      const small = Math.floor(total / 2);
      return auto === "SAME_UPPER" ? [small, total - small] : [total - small, small];
    };
    const [t, b] = one(inH, kh);
    const [l, r] = one(inW, kw);
    return [t, l, b, r];
  }
  const p = a.ints("pads") ?? [0, 0, 0, 0];
  if (p.length !== 4) cx.fail(`pads [${p.join(",")}] must have 4 values for a 2D window`);
  return [p[0]!, p[1]!, p[2]!, p[3]!];
}
