// An already-decomposed structured conv, as PyTorch exports it: Pad → Unsqueeze → AveragePool 3D (stride 1) → Mul
// by the window volume → Squeeze → Conv. The 3D AveragePool over the unsqueezed map becomes a `sumpool` whose output
// carries the pending scale 1/volume; the Mul cancels it and the Conv folds whatever remains.
import type { Attrs } from "./attrs.js";
import type { ImportContext } from "./context.js";
import type { DynValue } from "./values.js";

/** AveragePool over (kc, kh, kw) with stride 1 and no padding on an unsqueezed map = sum-pool ÷ window volume. */
export function sumPool3d(cx: ImportContext, a: Attrs, x: DynValue): DynValue {
  const [one, C, H, W] = x.shape as [number, number, number, number];
  if (one !== 1)
    cx.fail(`a 3D AveragePool is supported only over an unsqueezed [1,C,H,W] map (got [${x.shape.join(",")}])`);
  const k = a.ints("kernel_shape") ?? cx.fail("has no kernel_shape");
  if (k.length !== 3) cx.fail("a 3D AveragePool needs a 3D kernel_shape");
  const strides = a.ints("strides") ?? [1, 1, 1];
  if (strides.some((s) => s !== 1)) cx.fail("a 3D AveragePool is supported only with stride 1 (a sum-pool)");
  if ((a.ints("pads") ?? []).some((p) => p !== 0) || !["NOTSET", "VALID"].includes(a.string("auto_pad", "NOTSET")))
    cx.fail("a 3D AveragePool is supported only without padding (pad with a Pad node before it)");
  const dil = a.ints("dilations") ?? [1, 1, 1];
  if (dil[0] !== 1 || dil[1] !== dil[2])
    cx.fail(`3D pool dilations [${dil.join(",")}] are not supported (channel 1, equal on H/W)`);
  const [kc, kh, kw] = k as [number, number, number];
  const d = dil[1] ?? 1;
  const shape = [C - kc + 1, H - d * (kh - 1), W - d * (kw - 1)];
  if (shape.some((s) => s < 1)) cx.fail(`window (${kc},${kh},${kw}) is larger than the input [${C},${H},${W}]`);
  const out = cx.emit(
    { op: "sumpool", name: cx.nodeName(), inputs: [x.ir], output: cx.outName(), kc, kh, kw, dilation: d },
    shape,
    x.nonNeg,
  );
  return { ...out, shape: [1, ...shape], scale: x.scale / (kc * kh * kw), scaleFrom: cx.nodeName() };
}
