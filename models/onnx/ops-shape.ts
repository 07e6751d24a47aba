// Ops that only change how a tensor's elements are seen: folded on constants, a view (or a `flatten`) on feature maps.
import type { Attrs } from "./attrs.js";
import { resolveReshape, transpose, withDims } from "./constfold.js";
import type { ImportContext } from "./context.js";
import { elementCount } from "./tensors.js";
import { sameDims, type DynValue, type Value } from "./values.js";

/**
 * The same elements seen through another per-image shape. IR tensors are always [C,H,W] or [F]; a view may add
 * a leading unit dim ([1,C,H,W]: the unsqueezed map a 3D pool reads). A vector view of a map is a `flatten`.
 */
export function view(cx: ImportContext, x: DynValue, shape: number[]): DynValue {
  if (elementCount(shape) !== elementCount(x.shape))
    cx.fail(`shape [${shape.join(",")}] does not match the input's [${x.shape.join(",")}]`);
  const m = cx.materialise(x);
  const irShape = cx.shapes.get(m.ir)!;
  if (shape.length === 1) {
    if (irShape.length === 1) return { ...m, shape };
    return cx.emitCarryingScale(
      { op: "flatten", name: cx.nodeName(), inputs: [m.ir], output: cx.outName() },
      shape,
      m.nonNeg,
      m,
    );
  }
  if (
    irShape.length === 3 &&
    (sameDims(shape, irShape) || (shape.length === 4 && shape[0] === 1 && sameDims(shape.slice(1), irShape)))
  )
    return { ...m, shape };
  cx.fail(`reshaping the feature map [${irShape.join(",")}] to [${shape.join(",")}] is not supported`);
}

/** The input's dims with the batch axis in front (a feature map's Value shape is per image). */
export function fullDims(cx: ImportContext, v: Value): number[] {
  return v.kind === "const" ? [...v.t.dims] : [cx.batch, ...cx.dynIn(0).shape];
}

export function opUnsqueeze(cx: ImportContext, a: Attrs): Value {
  const v = cx.need(0);
  const axes = cx.intsInputOrAttr(1, "axes", a) ?? cx.fail("has no axes");
  const full = fullDims(cx, v);
  const rank = full.length + axes.length;
  const norm = axes.map((x) => (x < 0 ? x + rank : x)).sort((p, q) => p - q);
  for (const ax of norm) full.splice(ax, 0, 1);
  if (v.kind === "const") return cx.constant(withDims(v.t, full));
  if (norm.includes(0)) cx.fail("unsqueezing the batch axis is not supported");
  return view(cx, cx.dynIn(0), full.slice(1));
}

export function opSqueeze(cx: ImportContext, a: Attrs): Value {
  const v = cx.need(0);
  const full = fullDims(cx, v);
  const axes = cx.intsInputOrAttr(1, "axes", a);
  const rank = full.length;
  const drop = new Set(
    axes ? axes.map((x) => (x < 0 ? x + rank : x)) : full.flatMap((d, i) => (d === 1 && i > 0 ? [i] : [])),
  );
  for (const ax of drop) if (full[ax] !== 1) cx.fail(`cannot squeeze axis ${ax} of size ${full[ax]}`);
  const out = full.filter((_, i) => !drop.has(i));
  if (v.kind === "const") return cx.constant(withDims(v.t, out));
  if (drop.has(0)) cx.fail("squeezing the batch axis is not supported");
  return view(cx, cx.dynIn(0), out.slice(1));
}

export function opReshape(cx: ImportContext, a: Attrs): Value {
  const v = cx.need(0);
  const target = cx.ints(cx.constIn(1, "shape"), "shape");
  const allowZero = a.int("allowzero", 0) === 1;
  if (v.kind === "const") {
    const dims =
      resolveReshape(v.t.dims, target, allowZero) ??
      cx.fail(`cannot reshape [${v.t.dims.join(",")}] to [${target.join(",")}]`);
    return cx.constant(withDims(v.t, dims));
  }
  const x = cx.dynIn(0);
  const full = [cx.batch, ...x.shape];
  const dims = resolveReshape(full, target, allowZero);
  if (!dims || dims[0] !== cx.batch)
    cx.fail(`reshaping the feature map [N,${x.shape.join(",")}] to [${target.join(",")}] is not supported`);
  return view(cx, x, dims.slice(1));
}

export function opFlatten(cx: ImportContext, a: Attrs): Value {
  const v = cx.need(0);
  const axis = a.int("axis", 1);
  if (v.kind === "const") {
    const ax = axis < 0 ? axis + v.t.dims.length : axis;
    return cx.constant(withDims(v.t, [elementCount(v.t.dims.slice(0, ax)), elementCount(v.t.dims.slice(ax))]));
  }
  const x = cx.dynIn(0);
  if ((axis < 0 ? axis + x.shape.length + 1 : axis) !== 1)
    cx.fail(`Flatten with axis ${axis} is not supported (only axis 1: per-image vectors)`);
  return view(cx, x, [elementCount(x.shape)]);
}

export function opTranspose(cx: ImportContext, a: Attrs): Value {
  const v = cx.need(0);
  const perm = a.ints("perm");
  if (v.kind === "const") return cx.constant(transpose(v.t, perm));
  if (perm && perm.some((p, i) => p !== i))
    cx.fail(`transposing a feature map (perm ${perm.join(",")}) is not supported`);
  return v;
}
