// Self-checks of the instruction table: it must be consistent before anything can derive from it.
import { expect } from "chai";
import { BUFFERS, HEADER, INSTRUCTIONS, QUEUES, WORD_BITS } from "../../isa/instructions.js";
import type { InstrSpec, SyntaxItem } from "../../isa/types.js";

const rows: readonly InstrSpec[] = INSTRUCTIONS;
const headerBits = HEADER.reduce((s, f) => s + f.bits, 0);

function mentioned(item: SyntaxItem, row: InstrSpec): string[] {
  if (item === "<-") return [];
  if ("flag" in item) return [item.flag];
  // `mem` names an enum field that selects the buffer only when such an enum field exists; otherwise it is the
  // buffer itself (conv's `w=wgt[…]` has a buffer "wgt" and an address field "wgt").
  if ("mem" in item)
    return row.fields.some((f) => f.name === item.mem && f.kind === "enum") ? [item.mem, item.addr] : [item.addr];
  return [...item.fields];
}

describe("isa table", () => {
  it("header is opcode(5) wait(5) signal(5), queue masks have one bit per queue", () => {
    expect(HEADER.map((f) => [f.name, f.bits])).to.deep.equal([
      ["opcode", 5],
      ["wait", 5],
      ["signal", 5],
    ]);
    expect(QUEUES).to.have.length(5);
  });

  for (const row of rows) {
    describe(row.mnemonic, () => {
      it(`fits in ${WORD_BITS} bits with the header`, () => {
        const bits = headerBits + row.fields.reduce((s, f) => s + f.bits, 0);
        expect(bits).to.be.at.most(WORD_BITS);
      });

      it("opcode fits the opcode field, fields are 1..32 bits with unique names", () => {
        expect(row.opcode).to.be.within(1, 31);
        const names = row.fields.map((f) => f.name);
        expect(new Set(names).size).to.equal(names.length);
        for (const f of row.fields) expect(f.bits, f.name).to.be.within(1, 32);
      });

      it("enum widths hold their values; flags are 1 bit; scales and offsets are sane; no queue-set fields", () => {
        for (const f of row.fields) {
          const kind = f.kind ?? "uint";
          expect(kind, f.name).to.not.equal("queues");
          if (kind === "enum") {
            expect(f.values?.length ?? 0, f.name).to.be.above(0);
            expect(f.values!.length, f.name).to.be.at.most(2 ** f.bits);
            expect(new Set(f.values).size, f.name).to.equal(f.values!.length);
          } else expect(f.values, f.name).to.equal(undefined);
          if (kind === "flag") expect(f.bits, f.name).to.equal(1);
          expect(f.scale ?? 1, f.name).to.be.at.least(1);
          expect(f.offset ?? 0, f.name).to.be.at.least(0);
        }
      });

      it("syntax mentions every field exactly once and only existing fields", () => {
        const fieldNames = row.fields.map((f) => f.name).sort();
        const seen = row.syntax.flatMap((item) => mentioned(item, row)).sort();
        expect(seen).to.deep.equal(fieldNames);
      });

      it("syntax: memory operands name a buffer, dram, or an enum field of buffer names (and dram); keys are unique", () => {
        const keys: string[] = [];
        for (const item of row.syntax) {
          if (item === "<-") continue;
          if ("mem" in item) {
            const sel = row.fields.find((f) => f.name === item.mem && f.kind === "enum");
            if (sel) expect([...BUFFERS, "dram"]).to.include.members([...(sel.values ?? ["?"])]);
            else expect([...BUFFERS, "dram"]).to.include(item.mem);
            const addr = row.fields.find((f) => f.name === item.addr);
            expect(addr?.kind ?? "uint", item.addr).to.equal("uint");
            if (item.key) keys.push(item.key);
          } else if ("flag" in item) {
            expect(row.fields.find((f) => f.name === item.flag)?.kind, item.flag).to.equal("flag");
            keys.push(item.flag);
          } else {
            expect(item.fields.length).to.be.at.least(1);
            for (const n of item.fields)
              expect(row.fields.find((f) => f.name === n)?.kind ?? "uint", n).to.not.equal("flag");
            keys.push(item.key);
          }
        }
        expect(new Set(keys).size).to.equal(keys.length);
        expect(keys).to.not.include.oneOf(["wait", "signal"]);
      });

      it("positional operands (memory operands without a key, and the arrow) come before keyed ones", () => {
        const positional = row.syntax.map((i) => i === "<-" || ("mem" in i && i.key === undefined));
        const firstKeyed = positional.indexOf(false);
        if (firstKeyed >= 0) expect(positional.slice(firstKeyed)).to.not.include(true);
      });
    });
  }

  it("opcodes and mnemonics are unique", () => {
    expect(new Set(rows.map((r) => r.opcode)).size).to.equal(rows.length);
    expect(new Set(rows.map((r) => r.mnemonic)).size).to.equal(rows.length);
  });
});
