// Reading and writing tensors given on the command line: raw little-endian float32 (.f32) or NumPy .npy
// (float32, C order), batch first.
import { InputError } from "../isa/errors.js";
import type { Io } from "./io.js";

function parseNpy(bytes: Uint8Array, path: string): { data: Float32Array; shape: number[] } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m))
    throw new InputError(`${path}: not a .npy file (bad magic)`);
  const major = bytes[6]!;
  const headerLen =
    major >= 2 ? new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true) : bytes[8]! | (bytes[9]! << 8);
  const start = major >= 2 ? 12 : 10;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new InputError(`${path}: malformed .npy header`);
  if (descr !== "<f4") throw new InputError(`${path}: .npy dtype '${descr}' is not supported (use float32, '<f4')`);
  if (fortran === "True") throw new InputError(`${path}: Fortran-order .npy is not supported (save with C order)`);
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  const body = bytes.slice(start + headerLen);
  const count = shape.reduce((a, b) => a * b, 1);
  if (body.length !== count * 4)
    throw new InputError(
      `${path}: .npy holds ${body.length} data bytes, its shape (${shape.join(", ")}) needs ${count * 4}`,
    );
  return { data: new Float32Array(body.buffer, body.byteOffset, count), shape };
}

/** Reads a tensor of exactly `elements` float32 values (`what` names the expected shape in errors). */
export function readTensorFile(path: string, elements: number, what: string, io: Io): Float32Array {
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(path);
  } catch {
    throw new InputError(`${path}: no such file`);
  }
  if (/\.npy$/i.test(path)) {
    const { data, shape } = parseNpy(bytes, path);
    if (data.length !== elements)
      throw new InputError(
        `${path}: shape (${shape.join(", ")}) has ${data.length} values, the model input ${what} needs ${elements}`,
      );
    return data;
  }
  if (bytes.length !== elements * 4)
    throw new InputError(
      `${path}: ${bytes.length} bytes, but the model input ${what} as float32 needs ${elements * 4} bytes`,
    );
  const copy = bytes.slice();
  return new Float32Array(copy.buffer, copy.byteOffset, elements);
}

/** Writes a float32 tensor as raw .f32 or as .npy with the given shape. */
export function writeTensorFile(path: string, data: Float32Array, shape: readonly number[], io: Io): void {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!/\.npy$/i.test(path)) return io.writeFile(path, raw.slice());
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + " ".repeat(pad % 64) + "\n";
  const out = new Uint8Array(10 + header.length + raw.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(raw, 10 + header.length);
  io.writeFile(path, out);
}
