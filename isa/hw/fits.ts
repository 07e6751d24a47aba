// Does a configuration fit the instruction set? SRAM addresses are 16-bit fields counted in 16-byte units
// (isa/instructions.ts), so no buffer may exceed 1 MiB, and a buffer must hold a whole number of bank rows.

import { InputError } from "../errors.js";
import { INSTRUCTIONS, SRAM_ADDR_UNIT } from "../instructions.js";
import type { HwConfig } from "./types.js";

/** Width of the SRAM address fields, read from the instruction table. */
export const SRAM_ADDR_BITS: number = Math.max(
  ...INSTRUCTIONS.flatMap((row) =>
    row.fields.filter((f) => "scale" in f && f.scale === SRAM_ADDR_UNIT).map((f) => f.bits),
  ),
);

/** The largest SRAM the ISA can address, in bytes (2^16 x 16 B = 1 MiB). */
export const MAX_SRAM_BYTES = 2 ** SRAM_ADDR_BITS * SRAM_ADDR_UNIT;

/** Every way the config exceeds what the ISA can express, one line each naming the key. */
export function isaFitViolations(hw: HwConfig): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(hw.sram)) {
    if (s.bytes > MAX_SRAM_BYTES)
      out.push(
        `sram.${name}.kib = ${s.kib} exceeds what the ISA addresses: ${SRAM_ADDR_BITS}-bit SRAM addresses x ${SRAM_ADDR_UNIT} B = ${MAX_SRAM_BYTES / 1024} KiB`,
      );
    const stripe = (s.rowBits / 8) * s.banks;
    if (s.bytes % stripe !== 0)
      out.push(
        `sram.${name}.kib = ${s.kib} is not a whole number of rows across banks (${s.banks} banks x ${s.rowBits / 8} B)`,
      );
  }
  return out;
}

/** Throws an InputError naming the first offending key (all of them in the details) unless the config fits the ISA. */
export function configFitsIsa(hw: HwConfig): void {
  const v = isaFitViolations(hw);
  if (v.length > 0) throw new InputError(`hardware config ${hw.id}: ${v[0]!}`, v.slice(1));
}
