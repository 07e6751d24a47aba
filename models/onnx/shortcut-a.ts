// PyTorch's option-A shortcut (He et al.: x[:, :, ::2, ::2], then zero channels on both sides, written as Pad or
// Concat) → one `shortcutA` node. The strided Slice stays pending on the value (`stride`) until a Pad/Concat of
// channels takes it; any other consumer materialises it as a plain subsample (ImportContext.materialise).
import type { Attrs } from "./attrs.js";
import { concat, scalarOf, slice, sliceAxis, type SliceAxis } from "./constfold.js";
import type { ImportContext } from "./context.js";
import { concatMaps } from "./ops-concat.js";
import { fullDims } from "./ops-shape.js";
import type { DynValue, Value } from "./values.js";

function shortcutA(cx: ImportContext, x: DynValue, before: number, cout: number): DynValue {
  const [sh, sw] = x.stride ?? [1, 1];
  if (sh !== sw) cx.fail(`a Slice with different steps on H (${sh}) and W (${sw}) is not supported`);
  return cx.emitCarryingScale(
    { op: "shortcutA", name: cx.nodeName(), inputs: [x.ir], output: cx.outName(), stride: sh, before, cout },
    [cout, x.shape[1]!, x.shape[2]!],
    x.nonNeg,
    x,
  );
}

export function opSlice(cx: ImportContext, a: Attrs): Value {
  const v = cx.need(0);
  const full = fullDims(cx, v);
  const rank = full.length;
  const starts = cx.intsInputOrAttr(1, "starts", a) ?? [];
  const ends = cx.intsInputOrAttr(2, "ends", a) ?? [];
  const axes = cx.intsInputOrAttr(3, "axes", a) ?? starts.map((_, i) => i);
  const stepsIn = cx.optConst(4, "steps");
  const steps = stepsIn ? cx.ints(stepsIn, "steps") : starts.map(() => 1);
  const per: SliceAxis[] = full.map((d) => ({ start: 0, step: 1, count: d }));
  axes.forEach((ax, i) => {
    const axis = ax < 0 ? ax + rank : ax;
    if (axis < 0 || axis >= rank) cx.fail(`axis ${ax} is out of range`);
    if (steps[i] === 0) cx.fail("a step of 0 is invalid");
    per[axis] = sliceAxis(full[axis]!, starts[i]!, ends[i]!, steps[i] ?? 1);
  });
  if (v.kind === "const") return cx.constant(slice(v.t, per));
  const x = cx.dynIn(0);
  if (rank !== 4) cx.fail("slicing a feature map that is not [N,C,H,W] is not supported");
  per.slice(0, 2).forEach((s, i) => {
    if (s.start !== 0 || s.step !== 1 || s.count !== full[i])
      cx.fail("slicing the batch or channel axis of a feature map is not supported");
  });
  for (const axis of [2, 3]) {
    const s = per[axis]!;
    if (s.start !== 0 || s.step < 1 || s.count !== Math.ceil(full[axis]! / s.step))
      cx.fail(
        "only Slice with start 0, step ≥ 1 and the full extent on H/W (x[:, :, ::s, ::s]) is supported on a feature map",
      );
  }
  const [, , hs, ws] = per as [SliceAxis, SliceAxis, SliceAxis, SliceAxis];
  const prev = x.stride ?? [1, 1];
  if (hs.step === 1 && ws.step === 1) return x;
  return { ...x, stride: [prev[0] * hs.step, prev[1] * ws.step], shape: [x.shape[0]!, hs.count, ws.count] };
}

/** Zero padding: of channels, the option-A shortcut; of H/W, a `pad` node (F.pad before a decomposed conv). */
export function opPad(cx: ImportContext, a: Attrs): Value {
  const mode = a.string("mode", "constant");
  if (mode !== "constant") cx.fail(`Pad mode '${mode}' is not supported (only constant zeros)`);
  const value = cx.optConst(2, "constant value");
  if (value && (scalarOf(value) ?? 0) !== 0) cx.fail(`padding with ${scalarOf(value)} is not supported (only zeros)`);
  const x = cx.dynIn(0);
  const rank = x.shape.length + 1;
  let pads = cx.intsInputOrAttr(1, "pads", a) ?? cx.fail("has no pads");
  const axes = cx.optConst(3, "axes");
  if (axes) {
    const full = new Array<number>(2 * rank).fill(0);
    const ax = cx.ints(axes, "axes").map((q) => (q < 0 ? q + rank : q));
    ax.forEach((q, i) => {
      full[q] = pads[i]!;
      full[q + rank] = pads[i + ax.length]!;
    });
    pads = full;
  }
  if (pads.length !== 2 * rank || rank !== 4) cx.fail(`pads [${pads.join(",")}] do not fit a [N,C,H,W] feature map`);
  if (pads.some((p) => p < 0)) cx.fail("negative pads (cropping) are not supported");
  const [nb, cb, hb, wb, ne, ce, he, we] = pads as [number, number, number, number, number, number, number, number];
  if (nb || ne) cx.fail("padding the batch axis is not supported");
  if ((cb || ce) && (hb || wb || he || we)) cx.fail("padding channels and H/W in one Pad is not supported");
  if (cb || ce) return shortcutA(cx, x, cb, x.shape[0]! + cb + ce);
  const m = cx.materialise(x);
  return cx.emitCarryingScale(
    { op: "pad", name: cx.nodeName(), inputs: [m.ir], output: cx.outName(), pads: [hb, wb, he, we] },
    [m.shape[0]!, m.shape[1]! + hb + he, m.shape[2]! + wb + we],
    m.nonNeg,
    m,
  );
}

/** Constants are folded; maps alone → `concat`; zero channels around one (strided) map: the option-A shortcut. */
export function opConcat(cx: ImportContext, a: Attrs): Value {
  const axis = a.int("axis", 0);
  cx.needInputs(1);
  const consts = cx.allConst();
  if (consts) return cx.constant(concat(consts, axis));
  const ins = (cx.node.input ?? []).map((_, i) => cx.input(i)!);
  const maps = ins.filter((v) => v.kind !== "const");
  if (maps.length === ins.length && maps.length > 1) return concatMaps(cx, axis, ins.length);
  if (maps.length !== 1)
    cx.fail("concatenating feature maps with constant blocks is supported only as zero channels around one map");
  const x = cx.dynIn(ins.indexOf(maps[0]!));
  const rank = x.shape.length + 1;
  if ((axis < 0 ? axis + rank : axis) !== 1 || x.shape.length !== 3)
    cx.fail("only a concat of zero channels (axis 1) around a feature map is supported");
  let before = 0;
  let total = 0;
  let seen = false;
  for (const v of ins) {
    if (v.kind === "const") {
      const d = cx.data(v.t, "zero block");
      if (d.some((e) => e !== 0)) cx.fail("only a concat of zero channels is supported (a constant block is not zero)");
      if (v.t.dims[2] !== x.shape[1] || v.t.dims[3] !== x.shape[2])
        cx.fail("the zero block's H and W do not match the feature map");
      total += v.t.dims[1]!;
      if (!seen) before += v.t.dims[1]!;
    } else {
      seen = true;
      total += x.shape[0]!;
    }
  }
  return shortcutA(cx, x, before, total);
}
