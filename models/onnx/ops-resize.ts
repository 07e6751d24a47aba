// Resize (opsets 11, 13, 18, 19) → `resize`: upsampling of H and W by integer factors, nearest or bilinear.
// What the ONNX operator spec allows beyond that is refused by name (cubic mode, downscaling, fractional
// factors, crop-and-resize, nearest rounding rules that do not reduce to floor(o / scale)); never a silent
// approximation. Upsample left the standard in opset 10, below the opsets sumac reads.
import { sourceCoordinate, type ResizeCoord } from "../../isa/resize.js";
import type { Attrs } from "./attrs.js";
import type { ImportContext } from "./context.js";
import type { Value } from "./values.js";

/** Integer factors on H and W from the `scales` or `sizes` input (axes: opset 18's subset of axes). */
function factors(cx: ImportContext, a: Attrs, inH: number, inW: number, C: number): [number, number] {
  const rank = 4;
  const axes = (a.ints("axes") ?? [0, 1, 2, 3]).map((x) => (x < 0 ? x + rank : x));
  if (axes.some((x, i) => x < 0 || x >= rank || axes.indexOf(x) !== i))
    cx.fail(`axes [${a.ints("axes")?.join(",")}] are not distinct axes of a [N,C,H,W] tensor`);
  const full = [cx.batch, C, inH, inW];
  const scalesIn = cx.optConst(2, "scales");
  const sizesIn = cx.optConst(3, "sizes");
  const given = (t: typeof scalesIn): t is NonNullable<typeof scalesIn> =>
    t !== undefined && t.dims.reduce((p, d) => p * d, 1) > 0;
  const ratio = [1, 1, 1, 1];
  if (given(scalesIn)) {
    const s = cx.ints(scalesIn, "scales");
    if (s.length !== axes.length) cx.fail(`scales has ${s.length} values for ${axes.length} axes`);
    axes.forEach((ax, i) => (ratio[ax] = s[i]!));
  } else if (given(sizesIn)) {
    const s = cx.ints(sizesIn, "sizes");
    if (s.length !== axes.length) cx.fail(`sizes has ${s.length} values for ${axes.length} axes`);
    axes.forEach((ax, i) => (ratio[ax] = s[i]! / full[ax]!));
    const policy = a.string("keep_aspect_ratio_policy", "stretch");
    if (policy !== "stretch" && ratio[2] !== ratio[3])
      cx.fail(`keep_aspect_ratio_policy '${policy}' with different H and W factors is not supported`);
  } else cx.fail("has neither scales nor sizes");
  if (ratio[0] !== 1 || ratio[1] !== 1) cx.fail("resizing the batch or channel axis is not supported");
  const [, , sh, sw] = ratio as [number, number, number, number];
  for (const [axis, s] of [
    ["H", sh],
    ["W", sw],
  ] as const)
    if (!Number.isInteger(s) || s < 1)
      cx.fail(`a factor of ${s} on ${axis} is not supported (only integer upsampling factors ≥ 1)`);
  return [sh, sw];
}

/** The input index ONNX's nearest mode reads for output o, to compare with floor(o / scale). */
function onnxNearest(coord: string, rounding: string, o: number, n: number, scale: number): number {
  const m = n * scale;
  const x =
    coord === "tf_half_pixel_for_nn"
      ? (o + 0.5) / scale
      : coord === "pytorch_half_pixel"
        ? m > 1
          ? (o + 0.5) / scale - 0.5
          : 0
        : coord === "half_pixel_symmetric"
          ? (o + 0.5) / scale - 0.5
          : sourceCoordinate(coord as ResizeCoord, o, n, m, scale);
  const f = Math.floor(x);
  const r =
    rounding === "floor"
      ? f
      : rounding === "ceil"
        ? Math.ceil(x)
        : x - f === 0.5
          ? rounding === "round_prefer_ceil"
            ? f + 1
            : f
          : Math.round(x);
  return Math.min(n - 1, Math.max(0, r));
}

export function opResize(cx: ImportContext, a: Attrs): Value {
  const x = cx.map(0);
  const shape = cx.shapes.get(x.ir) ?? x.shape;
  if (shape.length !== 3) cx.fail(`input [${shape.join(",")}] is not a [C,H,W] feature map`);
  const [C, H, W] = shape as [number, number, number];
  const mode = a.string("mode", "nearest");
  if (mode !== "nearest" && mode !== "linear")
    cx.fail(`mode '${mode}' is not supported (only nearest and linear, i.e. bilinear on H and W)`);
  let coord = a.string("coordinate_transformation_mode", "half_pixel");
  if (coord === "tf_crop_and_resize") cx.fail("coordinate_transformation_mode 'tf_crop_and_resize' is not supported");
  const [sh, sw] = factors(cx, a, H, W, C);
  let irCoord: ResizeCoord = "half_pixel";
  if (mode === "nearest") {
    const rounding = a.string("nearest_mode", "round_prefer_floor");
    for (const [n, s] of [
      [H, sh],
      [W, sw],
    ] as const)
      for (let o = 0; o < n * s; o++)
        if (onnxNearest(coord, rounding, o, n, s) !== Math.floor(o / s))
          cx.fail(
            `nearest resize with coordinate_transformation_mode '${coord}' and nearest_mode '${rounding}' is not floor(o / scale) at scale ${s}, which is what sumac implements`,
          );
  } else {
    // At integer factors (out = in · scale exactly) these coincide with half_pixel.
    if (coord === "pytorch_half_pixel" || coord === "half_pixel_symmetric") coord = "half_pixel";
    if (coord !== "half_pixel" && coord !== "align_corners" && coord !== "asymmetric")
      cx.fail(`linear resize with coordinate_transformation_mode '${coord}' is not supported`);
    irCoord = coord;
  }
  // Both modes are linear in the input: a pending scale rides on.
  return cx.emitCarryingScale(
    {
      op: "resize",
      name: cx.nodeName(),
      inputs: [x.ir],
      output: cx.outName(),
      mode: mode === "linear" ? "bilinear" : "nearest",
      scaleH: sh,
      scaleW: sw,
      coord: irCoord,
    },
    [C, H * sh, W * sw],
    x.nonNeg,
    x,
  );
}

export function opUpsample(cx: ImportContext): Value {
  cx.fail(`Upsample was replaced by Resize in opset 10; this model's opset is ${cx.opset} (export it as Resize)`);
}
