// Bit layout of instruction words, derived from the instruction table (isa/instructions.ts) and nothing else.
//
// A word is 128 bits held as four uint32 limbs (limb 0 = bits 0..31). Fields are packed LSB-first: the header
// (opcode, wait, signal) then the row's fields in listed order. Every field is at most 32 bits wide, so a field
// touches at most two limbs; this keeps encode/decode free of BigInt in the hot loop.

import { InputError } from "./errors.js";
import { HEADER, INSTRUCTIONS, QUEUES, WORD_BITS } from "./instructions.js";
import type { FieldSpec, InstrSpec } from "./types.js";

export const WORD_BYTES = WORD_BITS / 8;

export interface FieldLayout {
  readonly name: string;
  readonly kind: "uint" | "enum" | "flag" | "queues";
  /** Bit position of the field's least significant bit in the word. */
  readonly lsb: number;
  readonly bits: number;
  readonly offset: number;
  readonly scale: number;
  /** Largest encoded value (2^bits - 1, or values.length - 1 for enums). */
  readonly maxCode: number;
  readonly values: readonly string[];
  /** enum value → code */
  readonly codeOf: ReadonlyMap<string, number>;
  readonly spec: FieldSpec;
}

export interface RowLayout {
  readonly spec: InstrSpec;
  readonly mnemonic: string;
  readonly opcode: number;
  readonly fields: readonly FieldLayout[];
  readonly byName: ReadonlyMap<string, FieldLayout>;
  /** Bits used by header + fields; every bit at or above this must be zero. */
  readonly usedBits: number;
}

function layoutFields(specs: readonly FieldSpec[], start: number): FieldLayout[] {
  let lsb = start;
  return specs.map((spec) => {
    const kind = spec.kind ?? "uint";
    const values = spec.values ?? [];
    if (spec.bits < 1 || spec.bits > 32)
      throw new Error(`isa table: field '${spec.name}' has ${spec.bits} bits (1..32 supported)`);
    const f: FieldLayout = {
      name: spec.name,
      kind,
      lsb,
      bits: spec.bits,
      offset: spec.offset ?? 0,
      scale: spec.scale ?? 1,
      maxCode: kind === "enum" ? values.length - 1 : kind === "flag" ? 1 : 2 ** spec.bits - 1,
      values,
      codeOf: new Map(values.map((v, i) => [v, i])),
      spec,
    };
    lsb += spec.bits;
    return f;
  });
}

export const HEADER_LAYOUT = layoutFields(HEADER, 0);
export const HEADER_BITS = HEADER.reduce((s, f) => s + f.bits, 0);
const [OPCODE_FIELD, WAIT_FIELD, SIGNAL_FIELD] = HEADER_LAYOUT as [FieldLayout, FieldLayout, FieldLayout];
export { OPCODE_FIELD, WAIT_FIELD, SIGNAL_FIELD };

export const ROWS: readonly RowLayout[] = INSTRUCTIONS.map((spec: InstrSpec) => {
  const fields = layoutFields(spec.fields, HEADER_BITS);
  const last = fields[fields.length - 1];
  return {
    spec,
    mnemonic: spec.mnemonic,
    opcode: spec.opcode,
    fields,
    byName: new Map(fields.map((f) => [f.name, f])),
    usedBits: last ? last.lsb + last.bits : HEADER_BITS,
  };
});

export const ROW_BY_MNEMONIC: ReadonlyMap<string, RowLayout> = new Map(ROWS.map((r) => [r.mnemonic, r]));
export const ROW_BY_OPCODE: readonly (RowLayout | undefined)[] = (() => {
  const t: (RowLayout | undefined)[] = new Array<RowLayout | undefined>(2 ** OPCODE_FIELD.bits).fill(undefined);
  for (const r of ROWS) t[r.opcode] = r;
  return t;
})();

/** Writes `value` (0 ≤ value < 2^bits) into the limbs; the target bits must be zero beforehand. */
export function writeBits(limbs: Uint32Array, lsb: number, bits: number, value: number): void {
  const i = lsb >>> 5;
  const sh = lsb & 31;
  limbs[i] = (limbs[i]! | (value << sh)) >>> 0;
  if (sh + bits > 32) limbs[i + 1] = (limbs[i + 1]! | (value >>> (32 - sh))) >>> 0;
}

export function readBits(limbs: Uint32Array, lsb: number, bits: number): number {
  const i = lsb >>> 5;
  const sh = lsb & 31;
  let v = limbs[i]! >>> sh;
  if (sh + bits > 32) v |= limbs[i + 1]! << (32 - sh);
  return bits === 32 ? v >>> 0 : (v & (((1 << bits) >>> 0) - 1)) >>> 0;
}

/** Human range of a numeric field, e.g. "1..4096" or "0..1048560, multiples of 16". */
export function fieldRange(f: FieldLayout): string {
  const hi = f.offset + f.scale * f.maxCode;
  return f.scale === 1 ? `${f.offset}..${hi}` : `${f.offset}..${hi}, multiples of ${f.scale}`;
}

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function badField(op: string, f: FieldLayout, value: unknown, shown: string | undefined, why: string): never {
  throw new InputError(`${op}: field '${f.name}'=${shown ?? show(value)} ${why}`);
}

/**
 * The code stored for an architectural field value; throws InputError naming the instruction and field.
 * `shown` is how the value appears in the message (the assembler passes the source text, e.g. a hex literal).
 */
export function fieldCode(op: string, f: FieldLayout, value: unknown, shown?: string): number {
  // The hot path (a valid value) builds no strings and no closures; messages are made only on failure.
  switch (f.kind) {
    case "enum": {
      const code = typeof value === "string" ? f.codeOf.get(value) : undefined;
      return code ?? badField(op, f, value, shown, `is not one of ${f.values.join(", ")}`);
    }
    case "flag":
      return value === 0 || value === 1 ? value : badField(op, f, value, shown, "is not a flag (0 or 1)");
    case "queues":
      throw new InputError(`${op}: field '${f.name}' is a queue set and only the header has those`);
    case "uint": {
      if (typeof value !== "number") return badField(op, f, value, shown, "is not a number");
      if (!Number.isInteger(value)) return badField(op, f, value, shown, "is not an integer");
      const rel = value - f.offset;
      if (rel < 0 || rel > f.scale * f.maxCode)
        return badField(op, f, value, shown, `does not fit ${f.bits} bits (${fieldRange(f)})`);
      if (rel % f.scale !== 0) return badField(op, f, value, shown, `is not a multiple of ${f.scale}`);
      return rel / f.scale;
    }
  }
}

/** The architectural value of a stored code (enum codes past the value list are the caller's to reject). */
export function fieldValue(f: FieldLayout, code: number): number | string | undefined {
  if (f.kind === "enum") return f.values[code];
  return f.offset + f.scale * code;
}

const QUEUE_BIT: ReadonlyMap<string, number> = new Map(QUEUES.map((q, i) => [q, i]));

/** Bit mask of a queue list (bit i = QUEUES[i]); throws on an unknown or repeated queue. */
export function queueMask(op: string, what: string, queues: readonly string[]): number {
  let mask = 0;
  for (const q of queues) {
    const b = QUEUE_BIT.get(q);
    if (b === undefined)
      throw new InputError(`${op}: ${what} names unknown queue ${show(q)} (queues: ${QUEUES.join(", ")})`);
    if (mask & (1 << b)) throw new InputError(`${op}: ${what} names queue '${q}' twice`);
    mask |= 1 << b;
  }
  return mask;
}

// Every possible queue list, frozen and shared: decoding a program allocates no arrays for wait/signal.
const QUEUE_LISTS: readonly (readonly string[])[] = Array.from({ length: 2 ** QUEUES.length }, (_, mask) =>
  Object.freeze(QUEUES.filter((_q, i) => mask & (1 << i))),
);

/** Queue names of a mask, in QUEUES order (the canonical order). The array is shared and frozen. */
export function queueList(mask: number): readonly string[] {
  const list = QUEUE_LISTS[mask];
  if (list === undefined) throw new Error(`queue mask ${mask} out of range`);
  return list;
}
