// Evaluation of ONNX ops on constant tensors: the shape arithmetic that exporters emit (PyTorch's F.pad export is
// ConstantOfShape → Concat → Reshape → Slice(step −1) → Transpose → Reshape → Cast), Q/DQ of initializers, and
// small elementwise arithmetic. Follows the operator definitions of the ONNX spec (opsets 11–21).
import { DataType } from "./schema.js";
import { elementCount, isFloatType, type ConstTensor, type TensorData } from "./tensors.js";

export function makeConst(dims: readonly number[], dtype: number, values: ArrayLike<number>): ConstTensor {
  const data: TensorData = dtype === DataType.FLOAT ? Float32Array.from(values) : Float64Array.from(values);
  return { dims: [...dims], dtype, data };
}

export function scalarOf(t: ConstTensor): number | undefined {
  return t.data && t.data.length === 1 ? t.data[0] : undefined;
}

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** out[idx] = in[map(idx)] over an output of `outDims`: the common core of Transpose and Slice. */
function gather(t: ConstTensor, outDims: number[], srcIndex: (outIdx: number[]) => number): ConstTensor {
  const src = t.data!;
  const n = elementCount(outDims);
  const out = t.dtype === DataType.FLOAT ? new Float32Array(n) : new Float64Array(n);
  const idx = new Array<number>(outDims.length).fill(0);
  for (let i = 0; i < n; i++) {
    out[i] = src[srcIndex(idx)]!;
    for (let d = outDims.length - 1; d >= 0; d--) {
      if (++idx[d]! < outDims[d]!) break;
      idx[d] = 0;
    }
  }
  return { dims: outDims, dtype: t.dtype, data: out };
}

export function transpose(t: ConstTensor, perm?: readonly number[]): ConstTensor {
  const rank = t.dims.length;
  const p = perm && perm.length ? perm : [...Array(rank).keys()].reverse();
  const st = stridesOf(t.dims);
  const outDims = p.map((a) => t.dims[a]!);
  return gather(t, outDims, (o) => {
    let s = 0;
    for (let d = 0; d < rank; d++) s += o[d]! * st[p[d]!]!;
    return s;
  });
}

/** ONNX Gather: out = data[..., indices[...], ...] along `axis` (negative indices count from the end). */
export function gatherAlong(
  t: ConstTensor,
  axis: number,
  indices: readonly number[],
  indexDims: readonly number[],
): ConstTensor {
  const rank = t.dims.length;
  const ax = normAxis(axis, rank);
  const st = stridesOf(t.dims);
  const ist = stridesOf(indexDims);
  const ir = indexDims.length;
  const outDims = [...t.dims.slice(0, ax), ...indexDims, ...t.dims.slice(ax + 1)];
  return gather(t, outDims, (o) => {
    let s = 0;
    for (let d = 0; d < ax; d++) s += o[d]! * st[d]!;
    let k = 0;
    for (let d = 0; d < ir; d++) k += o[ax + d]! * ist[d]!;
    const i = indices[k]!;
    s += (i < 0 ? i + t.dims[ax]! : i) * st[ax]!;
    for (let d = ax + 1; d < rank; d++) s += o[d - 1 + ir]! * st[d]!;
    return s;
  });
}

export interface SliceAxis {
  readonly start: number;
  readonly step: number;
  readonly count: number;
}

/** Resolves Slice's starts/ends/steps for one axis of size `dim` (clamping as the spec says). */
export function sliceAxis(dim: number, start: number, end: number, step: number): SliceAxis {
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = Math.min(Math.max(start, 0), dim);
    end = Math.min(Math.max(end, 0), dim);
  } else {
    start = Math.min(Math.max(start, 0), dim - 1);
    end = Math.min(Math.max(end, -1), dim - 1);
  }
  const count = Math.max(0, Math.ceil((end - start) / step));
  return { start, step, count };
}

export function slice(t: ConstTensor, axes: readonly SliceAxis[]): ConstTensor {
  const st = stridesOf(t.dims);
  const outDims = axes.map((a) => a.count);
  return gather(t, outDims, (o) => {
    let s = 0;
    for (let d = 0; d < o.length; d++) s += (axes[d]!.start + o[d]! * axes[d]!.step) * st[d]!;
    return s;
  });
}

export function concat(ts: readonly ConstTensor[], axis: number): ConstTensor {
  const first = ts[0]!;
  const rank = first.dims.length;
  const ax = normAxis(axis, rank);
  const outDims = [...first.dims];
  outDims[ax] = ts.reduce((s, t) => s + t.dims[ax]!, 0);
  const outer = elementCount(first.dims.slice(0, ax));
  const inner = elementCount(first.dims.slice(ax + 1));
  const values: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const t of ts) {
      const chunk = t.dims[ax]! * inner;
      for (let i = 0; i < chunk; i++) values.push(t.data![o * chunk + i]!);
    }
  return makeConst(outDims, first.dtype, values);
}

/** Reshape target resolution (0 copies the input dim unless allowzero, one −1 is inferred). Null if impossible. */
export function resolveReshape(
  inDims: readonly number[],
  target: readonly number[],
  allowZero: boolean,
): number[] | null {
  const out = target.map((d, i) => (d === 0 && !allowZero ? (inDims[i] ?? 0) : d));
  const known = out.filter((d) => d !== -1);
  const total = elementCount(inDims);
  const minus = out.length - known.length;
  if (minus > 1) return null;
  const prod = elementCount(known);
  if (minus === 1) {
    if (prod === 0 || total % prod !== 0) return null;
    return out.map((d) => (d === -1 ? total / prod : d));
  }
  return prod === total ? out : null;
}

export function withDims(t: ConstTensor, dims: readonly number[]): ConstTensor {
  return { dims: [...dims], dtype: t.dtype, data: t.data };
}

export function cast(t: ConstTensor, to: number): ConstTensor {
  if (!t.data) return { dims: t.dims, dtype: to, data: null };
  const conv = isFloatType(to)
    ? (v: number) => v
    : to === DataType.BOOL
      ? (v: number) => (v !== 0 ? 1 : 0)
      : Math.trunc;
  return makeConst(t.dims, to === DataType.DOUBLE ? DataType.DOUBLE : to, Array.from(t.data, conv));
}

/** Numpy-style broadcasting of an elementwise binary op. */
export function broadcast(a: ConstTensor, b: ConstTensor, f: (x: number, y: number) => number): ConstTensor {
  const rank = Math.max(a.dims.length, b.dims.length);
  const pad = (d: readonly number[]) => [...new Array<number>(rank - d.length).fill(1), ...d];
  const ad = pad(a.dims);
  const bd = pad(b.dims);
  const outDims = ad.map((x, i) => Math.max(x, bd[i]!));
  const as = stridesOf(ad).map((s, i) => (ad[i] === 1 ? 0 : s));
  const bs = stridesOf(bd).map((s, i) => (bd[i] === 1 ? 0 : s));
  const dtype = isFloatType(a.dtype) ? a.dtype : b.dtype;
  const n = elementCount(outDims);
  const values = new Float64Array(n);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let ai = 0;
    let bi = 0;
    for (let d = 0; d < rank; d++) {
      ai += idx[d]! * as[d]!;
      bi += idx[d]! * bs[d]!;
    }
    values[i] = f(a.data![ai]!, b.data![bi]!);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outDims[d]!) break;
      idx[d] = 0;
    }
  }
  if (!isFloatType(dtype)) for (let i = 0; i < n; i++) values[i] = Math.trunc(values[i]!);
  return makeConst(outDims, dtype, values);
}

/** Per-axis parameters of Q/DQ: a scalar, or a 1-D tensor along `axis`. Returns index → parameter. */
function perAxis(x: ConstTensor, p: ConstTensor, axis: number): (i: number) => number {
  const pd = p.data!;
  if (pd.length === 1) return () => pd[0]!;
  const ax = normAxis(axis, x.dims.length);
  const inner = elementCount(x.dims.slice(ax + 1));
  const size = x.dims[ax]!;
  return (i) => pd[Math.floor(i / inner) % size]!;
}

export function dequantize(
  x: ConstTensor,
  scale: ConstTensor,
  zeroPoint: ConstTensor | undefined,
  axis: number,
): ConstTensor {
  if (!x.data) return { dims: x.dims, dtype: DataType.FLOAT, data: null };
  const s = perAxis(x, scale, axis);
  const z = zeroPoint?.data ? perAxis(x, zeroPoint, axis) : () => 0;
  return makeConst(
    x.dims,
    DataType.FLOAT,
    Array.from(x.data, (v, i) => (v - z(i)) * s(i)),
  );
}

/** Integer range of a quantised type (int8 by default, as QuantizeLinear without a zero point). */
export function quantRange(dtype: number): [number, number] {
  switch (dtype) {
    case DataType.UINT8:
      return [0, 255];
    case DataType.INT16:
      return [-32768, 32767];
    case DataType.UINT16:
      return [0, 65535];
    case DataType.INT32:
      return [-2147483648, 2147483647];
    default:
      return [-128, 127];
  }
}

/** Round half to even, as QuantizeLinear specifies. */
function roundEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function quantize(
  x: ConstTensor,
  scale: ConstTensor,
  zeroPoint: ConstTensor | undefined,
  axis: number,
): ConstTensor {
  const zdtype = zeroPoint?.dtype ?? DataType.UINT8;
  const [lo, hi] = quantRange(zdtype);
  if (!x.data) return { dims: x.dims, dtype: zdtype, data: null };
  const s = perAxis(x, scale, axis);
  const z = zeroPoint?.data ? perAxis(x, zeroPoint, axis) : () => 0;
  return makeConst(
    x.dims,
    zdtype,
    Array.from(x.data, (v, i) => Math.min(hi, Math.max(lo, roundEven(v / s(i)) + z(i)))),
  );
}
