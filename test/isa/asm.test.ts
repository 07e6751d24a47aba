// Assembler and disassembler: the every-instruction fixture round-trips byte for byte, the canonical text is a
// fixed point, hand-written expectations for values and text, and every kind of error with its line:column.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { assemble, assembleDetailed } from "../../isa/asm/assemble.js";
import { decodeProgram } from "../../isa/decode.js";
import { disassemble } from "../../isa/disasm.js";
import { encodeProgram } from "../../isa/encode.js";
import { InputError } from "../../isa/errors.js";
import { INSTRUCTIONS } from "../../isa/instructions.js";
import { mulberry32, randomInstr } from "./random.js";

const EVERY = readFileSync(new URL("../fixtures/isa/every.s", import.meta.url), "utf8");

function errorsOf(text: string, file = "bad.s"): InputError {
  try {
    assemble(text, file);
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected the assembly to fail");
}

/** The `file:line:col: message` lines of an assembly failure. */
function firstLines(e: InputError): string[] {
  return e.details.map((d) => d.split("\n")[0]!);
}

const CONV = "conv acc[0x0000] <- pool[0x0000] w=wgt[0x0200] in=(8,34,34) k=(3,3) stride=1 dil=1 cout=16";

describe("assembler", () => {
  it("every.s uses every instruction", () => {
    const ops = new Set(assemble(EVERY, "every.s").map((i) => i.op));
    expect([...ops].sort()).to.deep.equal(INSTRUCTIONS.map((r) => r.mnemonic as string).sort());
  });

  it("every.s: asm → disasm → asm is byte-identical and the canonical text is a fixed point", () => {
    const bin = encodeProgram(assemble(EVERY, "every.s"));
    const text = disassemble(decodeProgram(bin));
    const bin2 = encodeProgram(assemble(text, "canon.s"));
    expect(Buffer.from(bin2).equals(Buffer.from(bin))).to.equal(true);
    expect(disassemble(assemble(text, "canon.s"))).to.equal(text);
  });

  it("assembled values follow the source text (hex, decimal, enums, flags, queue lists, defaults)", () => {
    const p = assembleDetailed(EVERY, "every.s");
    expect(p.instrs[0]).to.deep.equal({
      op: "load",
      wait: [],
      signal: ["pool"],
      f: {
        buf: "act",
        sram: 0,
        dram: 0x100000,
        c: 16,
        h: 34,
        w: 34,
        rstride: 32,
        prows: 32,
        pt: 1,
        pb: 1,
        pl: 1,
        pr: 1,
        src: "dram",
      },
    });
    expect(p.instrs[2]!.f).to.include({ buf: "par", sram: 0x1000, dram: 0xff00, rstride: 64, c: 1, h: 1, w: 64 });
    expect(p.instrs[5]).to.deep.include({ wait: ["ld", "pool"], signal: ["vec"] }); // canonical queue order
    expect(p.instrs[6]!.f).to.include({ sbuf: "act", stride: 2, dw: 1, accum: 1 });
    expect(p.instrs[5]!.f).to.include({ sbuf: "pool", dw: 0, accum: 0 });
    expect(p.instrs[3]!.f).to.include({ mode: "separable", bits: "16" });
    // labels are recorded: index of the instruction that follows
    expect([...p.labels]).to.deep.equal([
      ["start", 0],
      ["body", 5],
      ["end", 26],
    ]);
    expect(p.lines[0]).to.equal(7);
  });

  it("canonical text: padded mnemonic, hex SRAM 0x%04x / DRAM 0x%08x, decimal elsewhere, flags bare, wait/signal last", () => {
    const text = disassemble(
      assemble(
        `load act[64] <- dram[1048576] shape=(16,34,34) rstride=32 prows=32 pad=(1,1,1,1) signal=pool
         conv acc[0] <- act[0x40] w=wgt[1024] dw in=(32,10,10) k=(3,3) stride=2 dil=1 cout=32 accum wait=vec,ld
         sync q=vec
         halt`,
        "x.s",
      ),
      { comments: new Map([[1, "layer conv1 (3x3, 32)"]]) },
    );
    expect(text).to.equal(
      "load        act[0x0040] <- dram[0x00100000] shape=(16,34,34) rstride=32 prows=32 pad=(1,1,1,1) signal=pool\n" +
        "; layer conv1 (3x3, 32)\n" +
        "conv        acc[0x0000] <- act[0x0040] w=wgt[0x0400] in=(32,10,10) k=(3,3) stride=2 dil=1 cout=32 dw accum wait=ld,vec\n" +
        "sync        q=vec\n" +
        "halt\n",
    );
  });

  it("load src=act: the source buffer is written act[...], DRAM text unchanged, both canonical", () => {
    const text = disassemble(
      assemble(
        `load act[256] <- act[0x12000] shape=(16,8,32) rstride=32 prows=32 pad=(1,1,1,1)
         load act[0] <- dram[16] shape=(1,1,1) rstride=1 prows=1 pad=(0,0,0,0)`,
        "x.s",
      ),
    );
    expect(text).to.equal(
      "load        act[0x0100] <- act[0x12000] shape=(16,8,32) rstride=32 prows=32 pad=(1,1,1,1)\n" +
        "load        act[0x0000] <- dram[0x00000010] shape=(1,1,1) rstride=1 prows=1 pad=(0,0,0,0)\n",
    );
    const [local, remote] = assemble(text, "canon.s");
    expect(local!.f).to.include({ src: "act", dram: 0x12000, sram: 0x100 });
    expect(remote!.f).to.include({ src: "dram", dram: 16 });
    // The new field is the last one: bit 126 of the word, so bytes 0..14 of a dram load are unchanged.
    const bin = encodeProgram([local!, { ...local!, f: { ...local!.f, src: "dram" } }]);
    expect(bin[15]! ^ bin[31]!).to.equal(0x40);
    expect(Buffer.from(bin.subarray(0, 15)).equals(Buffer.from(bin.subarray(16, 31)))).to.equal(true);
    expect(firstLines(errorsOf("load act[0] <- wgt[0] shape=(1,1,1) rstride=1 prows=1 pad=(0,0,0,0)\n"))).to.deep.equal(
      ["bad.s:1:16: load: bad buffer 'wgt' for the source (expected dram or act)"],
    );
  });

  it("random programs of every row: disasm → asm gives the same bytes", () => {
    const rnd = mulberry32(99);
    const prog = Array.from({ length: 500 }, (_, k) => randomInstr(INSTRUCTIONS[k % INSTRUCTIONS.length]!, rnd));
    const bin = encodeProgram(prog);
    const text = disassemble(prog);
    expect(Buffer.from(encodeProgram(assemble(text, "r.s"))).equals(Buffer.from(bin))).to.equal(true);
  });

  it("accepts CRLF line ends, no final newline, empty and comment-only files", () => {
    expect(assemble("sync q=ld\r\nhalt", "x.s").map((i) => i.op)).to.deep.equal(["sync", "halt"]);
    expect(assemble("", "x.s")).to.deep.equal([]);
    expect(assemble("; nothing\n\n  ; more\n", "x.s")).to.deep.equal([]);
  });

  describe("errors: each with file:line:col, the source line and a caret", () => {
    const cases: [string, string, string][] = [
      ["unknown mnemonic", "halt\n  lod act[0x0000]\n", "bad.s:2:3: unknown mnemonic 'lod'"],
      [
        "unknown mnemonic with a known prefix",
        "vop.div act[0] <- act[0]\n",
        "bad.s:1:1: unknown mnemonic 'vop.div' (did you mean",
      ],
      ["missing field", CONV.replace(" cout=16", ""), "bad.s:1:1: conv: missing cout=…"],
      ["unknown field", `${CONV} groups=2`, "bad.s:1:92: conv: unknown field 'groups'"],
      [
        "out-of-range value",
        CONV.replace("cout=16", "cout=5000"),
        "bad.s:1:89: conv: field 'cout'=5000 does not fit 12 bits (1..4096)",
      ],
      [
        "out-of-range below the offset",
        CONV.replace("k=(3,3)", "k=(0,3)"),
        "bad.s:1:64: conv: field 'kh'=0 does not fit 3 bits (1..8)",
      ],
      [
        "negative value",
        CONV.replace("in=(8,", "in=(-8,"),
        "bad.s:1:52: conv: field 'c'=-8 does not fit 12 bits (0..4095)",
      ],
      [
        "SRAM address not a multiple of 16",
        CONV.replace("pool[0x0000]", "pool[0x0041]"),
        "bad.s:1:26: conv: field 'src'=0x0041 is not a multiple of 16",
      ],
      [
        "SRAM address too large",
        CONV.replace("wgt[0x0200]", "wgt[0x100000]"),
        "bad.s:1:40: conv: field 'wgt'=0x100000 does not fit 16 bits (0..1048560, multiples of 16)",
      ],
      [
        "unterminated tuple",
        CONV.replace("in=(8,34,34)", "in=(8,34,34"),
        "bad.s:1:60: unterminated tuple: expected ')' but found 'k'",
      ],
      [
        "unterminated tuple at the end of the line",
        "sync q=ld\nload act[0] <- dram[0] shape=(1,1,1) rstride=1 prows=1 pad=(0,0,0,0\n",
        "bad.s:2:68: unterminated tuple: expected ')' but found end of line",
      ],
      [
        "too few tuple elements",
        CONV.replace("in=(8,34,34)", "in=(8,34)"),
        "bad.s:1:51: conv: in=(c,h,w) takes 3 values, got 2",
      ],
      [
        "too many tuple elements",
        CONV.replace("k=(3,3)", "k=(3,3,3)"),
        "bad.s:1:63: conv: k=(kh,kw) takes 2 values, got 3",
      ],
      [
        "tuple without parentheses",
        CONV.replace("k=(3,3)", "k=3"),
        "bad.s:1:63: conv: k=(kh,kw) takes 2 values, got 1 (no parentheses)",
      ],
      [
        "bad buffer name (selector)",
        CONV.replace("pool[0x0000]", "wgt[0x0000]"),
        "bad.s:1:21: conv: bad buffer 'wgt' for the source (expected act or pool)",
      ],
      [
        "bad buffer name (fixed)",
        CONV.replace("acc[0x0000]", "act[0x0000]"),
        "bad.s:1:6: conv: bad buffer 'act' for the destination (expected acc)",
      ],
      [
        "bad buffer name (keyed)",
        CONV.replace("w=wgt", "w=act"),
        "bad.s:1:36: conv: bad buffer 'act' for w= (expected wgt)",
      ],
      [
        "bad buffer name (load)",
        "load sram[0] <- dram[0] shape=(1,1,1) rstride=1 prows=1 pad=(0,0,0,0)",
        "bad.s:1:6: load: bad buffer 'sram' for the destination (expected act or pool or wgt or acc or par)",
      ],
      ["duplicate field", `${CONV} stride=2`, "bad.s:1:92: conv: duplicate 'stride' (first given at column 69)"],
      ["duplicate flag", `${CONV} accum accum`, "bad.s:1:98: conv: duplicate 'accum' (first given at column 92)"],
      [
        "bad enum value",
        "pool pool[0] <- act[0] in=(1,1,1) win=(1,1,1) dil=1 mode=fast bits=16 shift=0",
        "bad.s:1:58: pool: field 'mode'=fast is not one of direct, separable",
      ],
      [
        "number where a name is needed",
        "sync q=3",
        "bad.s:1:8: sync: field 'q'=3 is not one of ld, st, pool, mac, vec",
      ],
      [
        "name where a number is needed",
        CONV.replace("cout=16", "cout=many"),
        "bad.s:1:89: conv: field 'cout' expects a number, got 'many'",
      ],
      ["unknown queue", "sync q=ld wait=ld,dma", "bad.s:1:19: sync: wait= names unknown queue 'dma'"],
      ["flag with a value", `${CONV} dw=1`, "bad.s:1:92: conv: 'dw' is a flag: write it bare, without a value"],
      [
        "missing arrow",
        "vop.gap act[0] act[0] in=(1,1,1) par=par[0]",
        "bad.s:1:16: vop.gap: expected '<-' here, found 'act'",
      ],
      ["missing operands", "vop.gap", "bad.s:1:8: vop.gap: expected act[…]"],
      ["stray character", "sync q=ld $", "bad.s:1:11: unexpected character '$'"],
      ["stray token", "halt )", "bad.s:1:6: unexpected ')'"],
      [
        "unterminated memory operand",
        "vop.gap act[0 <- act[0] in=(1,1,1) par=par[0]",
        "bad.s:1:15: unterminated memory operand: expected ']' but found '<-'",
      ],
      ["duplicate label", "a: halt\na:\n", "bad.s:2:1: duplicate label 'a' (first at line 1)"],
    ];
    for (const [what, text, first] of cases) {
      it(what, () => {
        const e = errorsOf(text);
        expect(e.message).to.equal("bad.s: 1 error");
        expect(e.details).to.have.length(1);
        expect(firstLines(e)[0]).to.satisfy((s: string) => s.startsWith(first), `got: ${firstLines(e)[0]}`);
      });
    }

    it("the caret sits under the column of the error", () => {
      const e = errorsOf(`sync q=ld\n\t${CONV.replace("cout=16", "cout=0")}\n`);
      const [head, src, caret] = e.details[0]!.split("\n");
      expect(head).to.equal("bad.s:2:90: conv: field 'cout'=0 does not fit 12 bits (1..4096)");
      expect(src).to.equal(`\t${CONV.replace("cout=16", "cout=0")}`);
      expect(caret).to.equal(`\t${" ".repeat(88)}^`);
    });

    it("a file with 3 separate errors reports all 3 in one run, in line order", () => {
      const text = [
        "; three mistakes",
        "lod act[0x0000] <- dram[0x0] shape=(1,1,1) rstride=1 prows=1 pad=(0,0,0,0)",
        CONV,
        CONV.replace("in=(8,34,34)", "in=(8,34,34"),
        "halt",
        "sync q=ld wait=ld signal=vec bogus",
      ].join("\n");
      const e = errorsOf(text, "three.s");
      expect(e.message).to.equal("three.s: 3 errors");
      expect(firstLines(e).map((l) => l.split(": ")[0])).to.deep.equal(["three.s:2:1", "three.s:4:60", "three.s:6:30"]);
    });

    it("several errors on one checked line are all reported", () => {
      const e = errorsOf(CONV.replace("cout=16", "cout=0").replace("stride=1", "stride=9"));
      expect(e.message).to.equal("bad.s: 2 errors");
    });
  });
});
