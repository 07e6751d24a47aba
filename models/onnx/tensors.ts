// TensorProto → numbers: typed fields (float_data, int32_data, int64_data, double_data, uint64_data), raw_data
// (little-endian, fixed width) and external data files. Integer tensors become Float64Array (exact below 2^53,
// which is all that shapes, indices and int8/int32 quantised weights need); float tensors become Float32Array.
import { InputError } from "../../isa/errors.js";
import { DATA_LOCATION_EXTERNAL, DataType, type TensorProtoObj } from "./schema.js";

export type TensorData = Float32Array | Float64Array;

/** A constant tensor. `data` is null when its bytes live in an external file that is absent (shapes only). */
export interface ConstTensor {
  readonly dims: readonly number[];
  readonly dtype: number;
  readonly data: TensorData | null;
}

/** Where external data comes from: the model path and a reader for files next to it (null when absent). */
export interface ExternalDataContext {
  readonly modelPath: string;
  readonly readFile: (path: string) => Uint8Array | null;
  /** Cache of external files by resolved path (null: absent). */
  readonly cache: Map<string, Uint8Array | null>;
  /** External files that were referenced but absent (location as written in the model). */
  readonly missing: Set<string>;
}

const BYTES_PER_ELEMENT: Partial<Record<number, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
};

export function isFloatType(dtype: number): boolean {
  return dtype === DataType.FLOAT || dtype === DataType.DOUBLE || dtype === DataType.FLOAT16;
}

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function dirnameOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i < 0 ? "" : path.slice(0, i + 1);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Decodes little-endian fixed-width elements. */
function fromRaw(bytes: Uint8Array, dtype: number, count: number, where: string): TensorData {
  const width = BYTES_PER_ELEMENT[dtype];
  if (width === undefined) throw new InputError(`${where}: tensor data type ${dtype} is not supported`);
  if (bytes.length < count * width) {
    throw new InputError(`${where}: tensor data has ${bytes.length} bytes, ${count * width} expected`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === DataType.FLOAT) {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = v.getFloat32(4 * i, true);
    return out;
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case DataType.UINT8:
      case DataType.BOOL:
        out[i] = v.getUint8(i);
        break;
      case DataType.INT8:
        out[i] = v.getInt8(i);
        break;
      case DataType.UINT16:
        out[i] = v.getUint16(2 * i, true);
        break;
      case DataType.INT16:
        out[i] = v.getInt16(2 * i, true);
        break;
      case DataType.INT32:
        out[i] = v.getInt32(4 * i, true);
        break;
      case DataType.UINT32:
        out[i] = v.getUint32(4 * i, true);
        break;
      case DataType.INT64:
        out[i] = Number(v.getBigInt64(8 * i, true));
        break;
      case DataType.UINT64:
        out[i] = Number(v.getBigUint64(8 * i, true));
        break;
      case DataType.FLOAT16:
        out[i] = halfToFloat(v.getUint16(2 * i, true));
        break;
      case DataType.DOUBLE:
        out[i] = v.getFloat64(8 * i, true);
        break;
    }
  }
  return out;
}

function readExternal(t: TensorProtoObj, where: string, ctx: ExternalDataContext): Uint8Array | null {
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? "", e.value ?? ""]));
  const location = entries.get("location");
  if (!location) throw new InputError(`${where}: external data without a 'location'`);
  const full = dirnameOf(ctx.modelPath) + location;
  let file = ctx.cache.get(full);
  if (file === undefined) {
    file = ctx.readFile(full);
    ctx.cache.set(full, file);
  }
  if (file === null) {
    ctx.missing.add(location);
    return null;
  }
  const offset = Number(entries.get("offset") ?? "0");
  const length = entries.has("length") ? Number(entries.get("length")) : file.length - offset;
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > file.length
  ) {
    throw new InputError(
      `${where}: external data range offset=${offset} length=${length} is outside '${location}' (${file.length} bytes)`,
    );
  }
  return file.subarray(offset, offset + length);
}

/** Reads a TensorProto's values; `where` names it in errors (e.g. "model.onnx: initializer 'W'"). */
export function readTensor(t: TensorProtoObj, where: string, ctx: ExternalDataContext): ConstTensor {
  const dims = (t.dims ?? []).map(Number);
  const dtype = t.dataType ?? 0;
  const count = elementCount(dims);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new InputError(`${where}: bad dims [${dims.join(",")}]`);
  if (t.dataLocation === DATA_LOCATION_EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    const bytes = readExternal(t, where, ctx);
    return { dims, dtype, data: bytes === null ? null : fromRaw(bytes, dtype, count, where) };
  }
  if (t.rawData && t.rawData.length > 0) return { dims, dtype, data: fromRaw(t.rawData, dtype, count, where) };
  const typed =
    dtype === DataType.FLOAT
      ? t.floatData
      : dtype === DataType.DOUBLE
        ? t.doubleData
        : dtype === DataType.INT64
          ? t.int64Data
          : dtype === DataType.UINT32 || dtype === DataType.UINT64
            ? t.uint64Data
            : t.int32Data;
  const values = typed ?? [];
  if (values.length !== count && !(count === 0 && values.length === 0)) {
    throw new InputError(
      `${where}: tensor has ${values.length} values, ${count} expected for dims [${dims.join(",")}]`,
    );
  }
  if (dtype === DataType.FLOAT) return { dims, dtype, data: Float32Array.from(values) };
  if (dtype === DataType.FLOAT16) return { dims, dtype, data: Float64Array.from(values, (h) => halfToFloat(h)) };
  if (BYTES_PER_ELEMENT[dtype] === undefined)
    throw new InputError(`${where}: tensor data type ${dtype} is not supported`);
  return { dims, dtype, data: Float64Array.from(values, Number) };
}
