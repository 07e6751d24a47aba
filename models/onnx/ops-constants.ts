// Ops whose result is known at import time: constants, and the shape arithmetic exporters wrap around Reshape/Pad.
import type { Attrs } from "./attrs.js";
import { cast, gatherAlong, makeConst } from "./constfold.js";
import type { ImportContext } from "./context.js";
import { DataType } from "./schema.js";
import { elementCount, readTensor } from "./tensors.js";
import type { Value } from "./values.js";

export function opConstant(cx: ImportContext, a: Attrs): Value {
  const t = a.tensor("value");
  if (t) return cx.constant(readTensor(t, cx.where, cx.ext));
  if (a.has("value_float")) return cx.constant(makeConst([], DataType.FLOAT, [a.float("value_float", 0)]));
  if (a.has("value_int")) return cx.constant(makeConst([], DataType.INT64, [a.int("value_int", 0)]));
  const fs = a.floats("value_floats");
  if (fs) return cx.constant(makeConst([fs.length], DataType.FLOAT, fs));
  const is = a.ints("value_ints");
  if (is) return cx.constant(makeConst([is.length], DataType.INT64, is));
  cx.fail("has no value attribute that sumac reads (value, value_float(s), value_int(s))");
}

export function opConstantOfShape(cx: ImportContext, a: Attrs): Value {
  const shape = cx.ints(cx.constIn(0, "shape"), "shape");
  const t = a.tensor("value");
  const v = t ? readTensor(t, cx.where, cx.ext) : makeConst([1], DataType.FLOAT, [0]);
  const fill = cx.data(v, "value")[0] ?? 0;
  return cx.constant(makeConst(shape, v.dtype, new Float64Array(elementCount(shape)).fill(fill)));
}

/** Gather on constants (a shape vector's entries, as torch exports F.interpolate(size=x.shape[2:])). */
export function opGather(cx: ImportContext, a: Attrs): Value {
  const data = cx.need(0);
  if (data.kind !== "const") cx.fail("gathering from a feature map is not supported (only from constants)");
  const idx = cx.constIn(1, "indices");
  const axis = a.int("axis", 0);
  const rank = data.t.dims.length;
  if (axis < -rank || axis >= rank) cx.fail(`axis ${axis} is out of range for rank ${rank}`);
  const dim = data.t.dims[axis < 0 ? axis + rank : axis]!;
  const indices = cx.ints(idx, "indices");
  for (const i of indices) if (i < -dim || i >= dim) cx.fail(`index ${i} is out of range for an axis of ${dim}`);
  cx.data(data.t, "data");
  return cx.constant(gatherAlong(data.t, axis, indices, idx.dims));
}

export function opIdentity(cx: ImportContext): Value {
  return cx.need(0);
}

/** Inference: the identity (its mask output stays undefined, so a node reading it is refused). Training mode is refused. */
export function opDropout(cx: ImportContext): Value {
  const training = cx.optConst(2, "training_mode");
  if (training && (cx.data(training, "training_mode")[0] ?? 0) !== 0)
    cx.fail("Dropout in training mode (training_mode = true) is not supported; export the model in eval mode");
  return cx.need(0);
}

/** The shape of a feature map is known at import time (with the graph input's batch size in front). */
export function opShape(cx: ImportContext, a: Attrs): Value {
  const v = cx.need(0);
  const dims = v.kind === "const" ? [...v.t.dims] : [cx.batch, ...(v.kind === "dyn" ? v.shape : v.of.shape)];
  const rank = dims.length;
  let start = a.int("start", 0);
  let end = a.int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  const out = dims.slice(Math.max(0, start), Math.min(rank, end));
  return cx.constant(makeConst([out.length], DataType.INT64, out));
}

export function opCast(cx: ImportContext, a: Attrs): Value {
  const to = a.int("to", DataType.FLOAT);
  const v = cx.need(0);
  if (v.kind === "const") return cx.constant(cast(v.t, to));
  if (to !== DataType.FLOAT) cx.fail(`casting a feature map to data type ${to} is not supported (only to float)`);
  return v;
}
