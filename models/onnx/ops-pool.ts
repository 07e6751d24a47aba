// Pooling: MaxPool → `maxpool`, AveragePool → `avgpool` (or, in 3D, a sum-pool), GlobalAveragePool → `gap`.
import type { Attrs } from "./attrs.js";
import type { ImportContext } from "./context.js";
import { requireUnitScale } from "./pending-scale.js";
import { sumPool3d } from "./sumpool.js";
import type { DynValue, Value } from "./values.js";
import { pads4, window2 } from "./windows.js";

interface Pool2 {
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  readonly H: number;
  readonly W: number;
}

/** A square 2D pool window with symmetric padding, and its output size. */
function pool2(cx: ImportContext, a: Attrs, x: DynValue): Pool2 {
  const k = window2(cx, a, "kernel_shape", 0) || cx.fail("has no kernel_shape");
  const stride = window2(cx, a, "strides", 1);
  if (window2(cx, a, "dilations", 1) !== 1) cx.fail("dilated pooling is not supported");
  const pads = pads4(cx, a, x.shape[1]!, x.shape[2]!, k, k, stride, 1);
  if (pads.some((p) => p !== pads[0])) cx.fail(`asymmetric pool padding [${pads.join(",")}] is not supported`);
  const pad = pads[0];
  const out = (size: number, ceil: boolean) => (ceil ? Math.ceil : Math.floor)((size + 2 * pad - k) / stride) + 1;
  const ceil = a.int("ceil_mode", 0) === 1;
  const H = out(x.shape[1]!, false);
  const W = out(x.shape[2]!, false);
  if (ceil && (out(x.shape[1]!, true) !== H || out(x.shape[2]!, true) !== W))
    cx.fail("ceil_mode = 1 changes the output size, which is not supported");
  return { k, stride, pad, H, W };
}

function requireMap(cx: ImportContext, x: DynValue): void {
  if (x.shape.length !== 3) cx.fail(`input [${x.shape.join(",")}] is not a [C,H,W] feature map`);
}

export function opMaxPool(cx: ImportContext, a: Attrs): Value {
  if (cx.node.output?.[1]) cx.fail("the Indices output of MaxPool is not supported");
  const x = cx.map(0);
  requireMap(cx, x);
  // max(s·x) = s·max(x) only for s > 0.
  if (x.scale <= 0) requireUnitScale(cx, x, `MaxPool '${cx.nodeName()}'`);
  const { k, stride, pad, H, W } = pool2(cx, a, x);
  return cx.emitCarryingScale(
    { op: "maxpool", name: cx.nodeName(), inputs: [x.ir], output: cx.outName(), k, stride, pad },
    [x.shape[0]!, H, W],
    x.nonNeg,
    x,
  );
}

export function opAveragePool(cx: ImportContext, a: Attrs): Value {
  const x = cx.map(0);
  if (x.shape.length === 4) return sumPool3d(cx, a, x);
  requireMap(cx, x);
  const { k, stride, pad, H, W } = pool2(cx, a, x);
  const countIncludePad = a.int("count_include_pad", 0) === 1;
  return cx.emitCarryingScale(
    { op: "avgpool", name: cx.nodeName(), inputs: [x.ir], output: cx.outName(), k, stride, pad, countIncludePad },
    [x.shape[0]!, H, W],
    x.nonNeg,
    x,
  );
}

export function opGlobalAveragePool(cx: ImportContext): Value {
  const x = cx.map(0);
  requireMap(cx, x);
  return cx.emitCarryingScale(
    { op: "gap", name: cx.nodeName(), inputs: [x.ir], output: cx.outName() },
    [x.shape[0]!, 1, 1],
    x.nonNeg,
    x,
  );
}
