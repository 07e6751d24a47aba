// Instructions → canonical assembly text: one instruction per line, the mnemonic padded to a column, operands
// in the row's syntax order, SRAM addresses as 0x%04x, DRAM addresses as 0x%08x, every other number in
// decimal, flags only when set, wait/signal last and only when non-empty. assemble() reads it back exactly.

import { ROW_BY_MNEMONIC, type RowLayout } from "./bits.js";
import { InputError } from "./errors.js";
import { INSTRUCTIONS } from "./instructions.js";
import type { Instr, SyntaxItem } from "./types.js";

/** Operands start in this column (0-based): one past the longest mnemonic. */
export const OPERAND_COLUMN = Math.max(...INSTRUCTIONS.map((r) => r.mnemonic.length)) + 1;

function hex(v: number, digits: number): string {
  return `0x${v.toString(16).padStart(digits, "0")}`;
}

function field(row: RowLayout, i: Instr, index: number, name: string): number | string {
  const v = i.f[name];
  if (v === undefined) throw new InputError(`instruction ${index}: ${row.mnemonic}: missing field '${name}'`);
  return v;
}

function operand(row: RowLayout, i: Instr, index: number, item: SyntaxItem): string | undefined {
  if (item === "<-") return "<-";
  if ("flag" in item) return field(row, i, index, item.flag) === 1 ? item.flag : undefined;
  if ("mem" in item) {
    const sel = row.byName.get(item.mem);
    const buf = sel?.kind === "enum" ? String(field(row, i, index, item.mem)) : item.mem;
    const addr = Number(field(row, i, index, item.addr));
    const text = `${buf}[${hex(addr, buf === "dram" ? 8 : 4)}]`;
    return item.key ? `${item.key}=${text}` : text;
  }
  const vals = item.fields.map((n) => String(field(row, i, index, n)));
  return `${item.key}=${vals.length === 1 ? vals[0] : `(${vals.join(",")})`}`;
}

/** One instruction as a line of canonical assembly (no newline). */
export function disassembleOne(i: Instr, index = 0): string {
  const row = ROW_BY_MNEMONIC.get(i.op);
  if (row === undefined) throw new InputError(`instruction ${index}: unknown instruction '${i.op}'`);
  const parts: string[] = [];
  for (const item of row.spec.syntax) {
    const s = operand(row, i, index, item);
    if (s !== undefined) parts.push(s);
  }
  if (i.wait.length) parts.push(`wait=${i.wait.join(",")}`);
  if (i.signal.length) parts.push(`signal=${i.signal.join(",")}`);
  return parts.length ? `${row.mnemonic.padEnd(OPERAND_COLUMN)}${parts.join(" ")}` : row.mnemonic;
}

export interface DisasmOptions {
  /** Comment text to put on its own line(s) before instruction i (each line gets a `; ` prefix). */
  readonly comments?: ReadonlyMap<number, string>;
}

export function disassemble(instrs: readonly Instr[], opts: DisasmOptions = {}): string {
  const out: string[] = [];
  for (let k = 0; k < instrs.length; k++) {
    const c = opts.comments?.get(k);
    if (c !== undefined) for (const line of c.split("\n")) out.push(line ? `; ${line}` : ";");
    out.push(disassembleOne(instrs[k]!, k));
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
