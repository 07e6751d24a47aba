// Instruction → 128-bit word. The word is stored as 16 bytes, little-endian (byte 0 holds bits 0..7);
// a program binary is the words concatenated, nothing else (no header).

import { InputError } from "./errors.js";
import {
  OPCODE_FIELD,
  ROW_BY_MNEMONIC,
  SIGNAL_FIELD,
  WAIT_FIELD,
  WORD_BYTES,
  fieldCode,
  queueMask,
  writeBits,
} from "./bits.js";
import type { Instr } from "./types.js";

function packInto(instr: Instr, limbs: Uint32Array): void {
  const row = ROW_BY_MNEMONIC.get(instr.op);
  if (row === undefined) throw new InputError(`unknown instruction '${instr.op}'`);
  const op = row.mnemonic;
  limbs.fill(0);
  writeBits(limbs, OPCODE_FIELD.lsb, OPCODE_FIELD.bits, row.opcode);
  writeBits(limbs, WAIT_FIELD.lsb, WAIT_FIELD.bits, queueMask(op, "wait", instr.wait));
  writeBits(limbs, SIGNAL_FIELD.lsb, SIGNAL_FIELD.bits, queueMask(op, "signal", instr.signal));
  const f = instr.f;
  for (const field of row.fields) {
    const v = f[field.name];
    if (v === undefined) throw new InputError(`${op}: missing field '${field.name}'`);
    writeBits(limbs, field.lsb, field.bits, fieldCode(op, field, v));
  }
  let n = 0;
  for (const k in f) if (Object.hasOwn(f, k)) n++;
  if (n !== row.fields.length)
    for (const k of Object.keys(f)) if (!row.byName.has(k)) throw new InputError(`${op}: unknown field '${k}'`);
}

function storeLimbs(limbs: Uint32Array, out: Uint8Array, at: number): void {
  for (let i = 0; i < 4; i++) {
    const w = limbs[i]!;
    out[at + 4 * i] = w & 0xff;
    out[at + 4 * i + 1] = (w >>> 8) & 0xff;
    out[at + 4 * i + 2] = (w >>> 16) & 0xff;
    out[at + 4 * i + 3] = w >>> 24;
  }
}

/** One instruction as its 16-byte word. Throws InputError naming the instruction and field on any bad value. */
export function encode(instr: Instr): Uint8Array {
  const limbs = new Uint32Array(4);
  packInto(instr, limbs);
  const out = new Uint8Array(WORD_BYTES);
  storeLimbs(limbs, out, 0);
  return out;
}

/** A whole program: the words back to back. Errors are prefixed with the instruction index. */
export function encodeProgram(instrs: readonly Instr[]): Uint8Array {
  const limbs = new Uint32Array(4);
  const out = new Uint8Array(instrs.length * WORD_BYTES);
  for (let i = 0; i < instrs.length; i++) {
    try {
      packInto(instrs[i]!, limbs);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`instruction ${i}: ${e.message}`, e.details);
      throw e;
    }
    storeLimbs(limbs, out, i * WORD_BYTES);
  }
  return out;
}
