// The ISA reference (docs/isa.md), generated from the instruction table so it cannot go stale.
// Regenerate: npx tsx isa/doc.ts > docs/isa.md   (test/isa/doc.test.ts fails when the file differs)

import { assemble } from "./asm/assemble.js";
import { HEADER_BITS, HEADER_LAYOUT, ROWS, WORD_BYTES, fieldRange, type FieldLayout, type RowLayout } from "./bits.js";
import { disassemble } from "./disasm.js";
import { encode } from "./encode.js";
import { BUFFERS, ELEMENT_BYTES, QUEUES, SRAM_ADDR_UNIT, WORD_BITS } from "./instructions.js";
import type { SyntaxItem } from "./types.js";

export const REGENERATE_COMMAND = "npx tsx isa/doc.ts > docs/isa.md";

/** One example per instruction, written as assembly: assembling them here checks them against the table. */
const EXAMPLES: Readonly<Record<string, string>> = {
  load: "load act[0x0000] <- dram[0x00100000] shape=(16,34,34) rstride=32 prows=32 pad=(1,1,1,1) signal=pool",
  store: "store dram[0x00200000] <- act[0x4000] shape=(16,32,32) rstride=32 prows=32 wait=vec",
  pool: "pool pool[0x0000] <- act[0x0000] in=(16,34,34) win=(9,1,1) dil=1 mode=separable bits=16 shift=0 wait=ld signal=mac",
  conv: "conv acc[0x0000] <- pool[0x0000] w=wgt[0x0200] in=(8,34,34) k=(3,3) stride=1 dil=1 cout=16 wait=pool signal=vec",
  gemm: "gemm acc[0x0000] <- act[0x0100] w=wgt[0x2000] mkn=(1,64,10) accum",
  "vop.requant": "vop.requant act[0x4000] <- acc[0x0000] shape=(16,32,32) par=par[0x1000] wait=mac signal=st",
  "vop.add": "vop.add act[0x5000] <- act[0x4000] b=act[0x0000] shape=(16,32,32) bs=1 par=par[0x1010]",
  "vop.pool": "vop.pool act[0x6000] <- act[0x5000] in=(16,32,32) op=max win=3 stride=2 pad=1 par=par[0x1030]",
  "vop.gap": "vop.gap act[0x7000] <- act[0x6000] in=(64,8,8) par=par[0x1040]",
  "vop.act": "vop.act act[0x7000] <- act[0x6000] shape=(32,16,16) fn=silu par=par[0x1100]",
  "vop.mul": "vop.mul act[0x7000] <- act[0x6000] b=act[0x5000] shape=(32,16,16) bc par=par[0x1040]",
  "vop.resize":
    "vop.resize act[0x7000] <- act[0x6000] in=(18,8,16) mode=bilinear coord=half_pixel scale=(2,2) par=par[0x1040]",
  sync: "sync q=ld wait=st signal=mac",
  halt: "halt",
};

function bitRange(f: { lsb: number; bits: number }): string {
  return f.bits === 1 ? `${f.lsb}` : `${f.lsb}..${f.lsb + f.bits - 1}`;
}

function range(f: FieldLayout): string {
  if (f.kind === "enum") return f.values.map((v, i) => `${v} (${i})`).join(", ");
  if (f.kind === "flag") return "0, 1";
  if (f.kind === "queues") return `set of ${QUEUES.join(", ")}`;
  return fieldRange(f);
}

function encoding(f: FieldLayout): string {
  if (f.kind === "enum") return "index";
  if (f.kind === "flag") return "bit";
  if (f.kind === "queues") return "mask";
  const parts = [f.offset ? `− ${f.offset}` : "", f.scale !== 1 ? `÷ ${f.scale}` : ""].filter(Boolean);
  return parts.length ? `value ${parts.join(" ")}` : "value";
}

function templateOf(row: RowLayout, item: SyntaxItem): string {
  if (item === "<-") return "<-";
  if ("flag" in item) return item.flag;
  if ("mem" in item) {
    const sel = row.byName.get(item.mem);
    const buf = sel?.kind === "enum" ? `{${sel.values.join("|")}}` : item.mem;
    return `${item.key ? `${item.key}=` : ""}${buf}[${item.addr}]`;
  }
  return item.fields.length === 1 ? `${item.key}=${item.fields[0]}` : `${item.key}=(${item.fields.join(",")})`;
}

function writtenAs(row: RowLayout, f: FieldLayout): string {
  for (const item of row.spec.syntax) {
    if (item === "<-") continue;
    if ("flag" in item && item.flag === f.name) return `\`${item.flag}\` (bare word when 1)`;
    if ("mem" in item && item.mem === f.name && f.kind === "enum") return `buffer of \`${templateOf(row, item)}\``;
    if ("mem" in item && item.addr === f.name) return `address in \`${templateOf(row, item)}\``;
    if ("fields" in item && item.fields.includes(f.name)) return `\`${templateOf(row, item)}\``;
  }
  return "";
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, "\\|");
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(escapeCell).join(" | ")} |`),
  ];
}

function hexBytes(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");
}

function instructionSection(row: RowLayout): string[] {
  const src = EXAMPLES[row.mnemonic];
  if (src === undefined) throw new Error(`isa/doc.ts: no example for '${row.mnemonic}'`);
  const example = assemble(src, `example:${row.mnemonic}`);
  const [first] = example;
  if (example.length !== 1 || first === undefined || first.op !== row.mnemonic)
    throw new Error(`isa/doc.ts: the example for '${row.mnemonic}' must be exactly one '${row.mnemonic}'`);
  const optional = (i: SyntaxItem) => (i !== "<-" && "flag" in i ? `[${i.flag}]` : templateOf(row, i));
  const syntax = [row.mnemonic, ...row.spec.syntax.map(optional), "[wait=q,…]", "[signal=q,…]"].join(" ");
  const out = [
    `### \`${row.mnemonic}\``,
    "",
    `opcode ${row.opcode} · unit \`${row.spec.unit}\` · ${row.usedBits} of ${WORD_BITS} bits used`,
    "",
    `${row.spec.doc}.`,
    "",
    "```text",
    row.spec.semantics,
    "```",
    "",
    `Syntax: \`${syntax}\``,
    "",
  ];
  if (row.fields.length)
    out.push(
      ...table(
        ["bits", "field", "range", "encoded as", "written as", "meaning"],
        row.fields.map((f) => [bitRange(f), `\`${f.name}\``, range(f), encoding(f), writtenAs(row, f), f.spec.doc]),
      ),
      "",
    );
  else out.push("No fields beyond the header.", "");
  out.push(
    "Example (canonical form) and its word, bytes 0..15:",
    "",
    "```asm",
    disassemble(example).trimEnd(),
    "```",
    "",
    "```text",
    hexBytes(encode(first)),
    "```",
    "",
  );
  return out;
}

/** The whole reference as Markdown. */
export function isaReferenceMarkdown(): string {
  const out: string[] = [
    "# sumac instruction set reference",
    "",
    `<!-- Generated from isa/instructions.ts by isa/doc.ts: do not edit. Regenerate: ${REGENERATE_COMMAND} -->`,
    "",
    "## Words and program binaries",
    "",
    `- Every instruction is one ${WORD_BITS}-bit word. Fields are packed LSB-first: the header, then the instruction's fields in the order listed below, with no gaps. Bits above the last field must be zero (the decoder rejects a word otherwise).`,
    `- A word is stored as ${WORD_BYTES} bytes, little-endian: byte 0 holds bits 0..7, byte ${WORD_BYTES - 1} bits ${WORD_BITS - 8}..${WORD_BITS - 1}.`,
    `- A program binary (\`.bin\`) is the words concatenated in program order, with no header or padding; its length is a multiple of ${WORD_BYTES}.`,
    "- Field encoding: numbers are stored as `(value − offset) ÷ scale` (a value that is not a multiple of the scale, or does not fit, is an error, never truncated); enums as the index into their value list; flags as 0/1; queue sets as a bit mask (bit i = queue i below).",
    `- SRAM addresses are byte addresses stored in units of ${SRAM_ADDR_UNIT} bytes (one 128-bit row). DRAM addresses are byte addresses.`,
    "",
    "### Header (every word)",
    "",
    ...table(
      ["bits", "field", "range", "encoded as", "meaning"],
      HEADER_LAYOUT.map((f) => [
        bitRange(f),
        `\`${f.name}\``,
        f.name === "opcode" ? "see below" : range(f),
        encoding(f),
        f.spec.doc,
      ]),
    ),
    "",
    `Instruction fields start at bit ${HEADER_BITS}.`,
    "",
    "### Queues and buffers",
    "",
    ...table(
      ["bit", "queue"],
      QUEUES.map((q, i) => [`${i}`, `\`${q}\``]),
    ),
    "",
    ...table(
      ["code", "buffer", "bytes per element"],
      BUFFERS.map((b, i) => [
        `${i}`,
        `\`${b}\``,
        b === "pool" ? "bits of the pool instruction that wrote it ÷ 8" : `${ELEMENT_BYTES[b]}`,
      ]),
    ),
    "",
    "## Assembly language",
    "",
    "- One instruction per line: a mnemonic (case-sensitive), the positional operands (destination `<-` source), then named operands in any order.",
    "- `;` starts a comment that runs to the end of the line. `name:` at the start of a line is a label; labels are recorded and have no other meaning.",
    "- Numbers are decimal (`34`) or hexadecimal (`0x22`). A value that does not fit its field is an error.",
    "- Memory operands: `buffer[address]`, e.g. `act[0x0040]`, `dram[0x00100000]`; some are named, e.g. `w=wgt[0x0200]`.",
    "- Named operands: `key=value` for one field, `key=(v1,v2,…)` for several; a flag is a bare word, present when 1.",
    "- Every instruction may end with `wait=q1,q2` and `signal=q1,…` (queue lists); both default to empty.",
    "- Every named operand except flags is required; a repeated, unknown or missing one is an error. One run reports every error of a file as `file:line:col: message` with the source line and a caret.",
    "- Canonical form (what `sumac disasm` prints): operands in the order below, the mnemonic padded to a column, SRAM addresses as `0x%04x`, DRAM addresses as `0x%08x`, other numbers in decimal, flags only when set, wait/signal last and only when non-empty, queues in the order of the table above. Assembling the canonical text gives the same bytes.",
    "",
    "## Instructions",
    "",
    ...table(
      ["opcode", "mnemonic", "unit", "bits used", "does"],
      ROWS.map((r) => [
        `${r.opcode}`,
        `[\`${r.mnemonic}\`](#${r.mnemonic.replace(/\./g, "")})`,
        `\`${r.spec.unit}\``,
        `${r.usedBits}`,
        r.spec.doc,
      ]),
    ),
    "",
    "Units: `ld`/`st` the DMA load and store queues, `pool` the sum-pool adder array, `mac` the MAC array, `vec` the vector unit; `queue`: executed by the queue its `q` field names; `ctl`: the dispatcher.",
    "",
  ];
  for (const row of ROWS) out.push(...instructionSection(row));
  return `${out.join("\n").trimEnd()}\n`;
}

if (typeof process !== "undefined" && /[\\/]isa[\\/]doc\.[cm]?[jt]s$/.test(process.argv[1] ?? ""))
  process.stdout.write(isaReferenceMarkdown());
