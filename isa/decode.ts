// 128-bit word → instruction. Rejects unknown opcodes, enum codes with no value and any set bit the
// instruction does not use, so a corrupt binary is an error rather than a silently different program.

import { InputError } from "./errors.js";
import {
  OPCODE_FIELD,
  ROW_BY_OPCODE,
  SIGNAL_FIELD,
  WAIT_FIELD,
  WORD_BYTES,
  fieldValue,
  queueList,
  readBits,
} from "./bits.js";
import { WORD_BITS } from "./instructions.js";
import type { Instr } from "./types.js";

function loadLimbs(bytes: Uint8Array, at: number, limbs: Uint32Array): void {
  for (let i = 0; i < 4; i++) {
    const b = at + 4 * i;
    limbs[i] = (bytes[b]! | (bytes[b + 1]! << 8) | (bytes[b + 2]! << 16) | (bytes[b + 3]! << 24)) >>> 0;
  }
}

function unpack(limbs: Uint32Array, index: number): Instr {
  const opcode = readBits(limbs, OPCODE_FIELD.lsb, OPCODE_FIELD.bits);
  const row = ROW_BY_OPCODE[opcode];
  if (row === undefined) throw new InputError(`word ${index}: unknown opcode ${opcode}`);
  const f: Record<string, number | string> = {};
  for (const field of row.fields) {
    const code = readBits(limbs, field.lsb, field.bits);
    const v = fieldValue(field, code);
    if (v === undefined || code > field.maxCode)
      throw new InputError(
        `word ${index}: ${row.mnemonic}: field '${field.name}' has code ${code}, which means nothing`,
      );
    f[field.name] = v;
  }
  for (let bit = row.usedBits; bit < WORD_BITS; bit = (bit | 31) + 1) {
    const width = Math.min(32 - (bit & 31), WORD_BITS - bit);
    if (readBits(limbs, bit, width) !== 0)
      throw new InputError(
        `word ${index}: ${row.mnemonic}: bits ${row.usedBits}..${WORD_BITS - 1} are unused and must be zero`,
      );
  }
  return {
    op: row.mnemonic,
    wait: queueList(readBits(limbs, WAIT_FIELD.lsb, WAIT_FIELD.bits)),
    signal: queueList(readBits(limbs, SIGNAL_FIELD.lsb, SIGNAL_FIELD.bits)),
    f,
  };
}

/** One 16-byte word; `index` is only used in error messages (the word's position in its program). */
export function decode(word: Uint8Array, index = 0): Instr {
  if (word.length !== WORD_BYTES)
    throw new InputError(`word ${index}: a word is ${WORD_BYTES} bytes, got ${word.length}`);
  const limbs = new Uint32Array(4);
  loadLimbs(word, 0, limbs);
  return unpack(limbs, index);
}

/** A program binary: concatenated 16-byte words. */
export function decodeProgram(bytes: Uint8Array): Instr[] {
  if (bytes.length % WORD_BYTES !== 0)
    throw new InputError(`program is ${bytes.length} bytes, not a multiple of the ${WORD_BYTES}-byte word`);
  const limbs = new Uint32Array(4);
  const out = new Array<Instr>(bytes.length / WORD_BYTES);
  for (let i = 0; i < out.length; i++) {
    loadLimbs(bytes, i * WORD_BYTES, limbs);
    out[i] = unpack(limbs, i);
  }
  return out;
}
