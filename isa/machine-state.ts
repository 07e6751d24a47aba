// The machine-state view that every instruction's semantics works on, and the small helpers they share: field
// readers, bounds checks, the integer rounding of int8 programs (isa/semantics.ts header).

import { InputError } from "./errors.js";
import { BUFFERS, ELEMENT_BYTES, type Buffer } from "./instructions.js";
import type { Dtype } from "./program.js";
import type { Instr } from "./types.js";

export type Storage = Int32Array | Float32Array;
export type Fields = Instr["f"];

/** Which element width (bytes) the pool buffer holds where: set by `pool`, read by whoever reads the pool buffer. */
export class PoolWidths {
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];
  private readonly width: number[] = [];
  constructor(readonly defaultBytes: number) {}
  set(addr: number, bytes: number, width: number): void {
    this.lo.push(addr);
    this.hi.push(addr + bytes);
    this.width.push(width);
  }
  /** Width of the element at `addr`: the most recent pool write covering it, else the default. */
  get(addr: number): number {
    for (let i = this.width.length - 1; i >= 0; i--)
      if (addr >= this.lo[i]! && addr < this.hi[i]!) return this.width[i]!;
    return this.defaultBytes;
  }
}

export interface MachineState {
  readonly dtype: Dtype;
  readonly dram: Storage;
  readonly sram: Readonly<Record<Buffer, Storage>>;
  readonly poolWidths: PoolWidths;
}

export type ExecFn = (s: MachineState, f: Fields) => void;

/** Thrown when an instruction touches memory outside a buffer; the simulator adds the instruction index. */
export class MemoryFault extends InputError {}

export function roundShift(v: number, s: number): number {
  if (s <= 0) return v;
  const p = 2 ** s;
  return Math.floor((v + p / 2) / p);
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Signed saturation to `bits` bits. */
export function saturate(v: number, bits: number): number {
  const m = 2 ** (bits - 1);
  return v < -m ? -m : v > m - 1 ? m - 1 : v;
}

export function num(f: Fields, name: string): number {
  const v = f[name];
  if (typeof v !== "number") throw new InputError(`instruction field '${name}' is missing or not a number`);
  return v;
}

export function str(f: Fields, name: string): string {
  const v = f[name];
  if (v === undefined) throw new InputError(`instruction field '${name}' is missing`);
  return String(v);
}

/** Element width in bytes of buffer `buf` at `addr`. */
export function elementBytes(s: { readonly poolWidths: PoolWidths }, buf: Buffer, addr: number): number {
  return buf === "pool" ? s.poolWidths.get(addr) : ELEMENT_BYTES[buf];
}

export function bufferOf(v: string): Buffer {
  if (!(BUFFERS as readonly string[]).includes(v)) throw new InputError(`unknown buffer '${v}'`);
  return v as Buffer;
}

/** Checks that byte range [lo, hi) lies inside `mem`. */
export function check(mem: Storage, name: string, lo: number, hi: number): void {
  if (lo < 0 || hi > mem.length)
    throw new MemoryFault(
      `${name}[0x${lo.toString(16)}..0x${hi.toString(16)}) is outside the ${mem.length}-byte ${name}`,
    );
}

/** Output size of a window of `k` taps with dilation `d` and stride `s` over `n` inputs. */
export function outSize(n: number, k: number, s: number, d: number): number {
  return Math.floor((n - d * (k - 1) - 1) / s) + 1;
}

/** Reads the 4-byte element `i` of a par block at `par`. */
export const parAt = (s: MachineState, par: number, i: number): number => s.sram.par[par + 4 * i]!;
