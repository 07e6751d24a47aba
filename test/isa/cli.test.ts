// `sumac asm` and `sumac disasm` run in-process through main(argv, memoryIo()).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

const EVERY = readFileSync(new URL("../fixtures/isa/every.s", import.meta.url), "utf8");
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe("cli: asm / disasm", () => {
  it("asm writes the binary next to the source and prints a one-line summary", async () => {
    const io = memoryIo({ "mem/every.s": EVERY });
    expect(await main(["asm", "mem/every.s"], io)).to.equal(0);
    const bin = io.files.get("mem/every.bin");
    expect(bin?.length).to.equal(27 * 16); // every.s has 27 instructions
    expect(io.out).to.equal("mem/every.s: 27 instructions, 432 bytes → mem/every.bin\n");
  });

  it("disasm prints canonical text; asm -o of that text gives the same bytes", async () => {
    const io = memoryIo({ "mem/every.s": EVERY });
    expect(await main(["asm", "mem/every.s", "-o", "mem/a.bin"], io)).to.equal(0);
    io.out = "";
    expect(await main(["disasm", "mem/a.bin"], io)).to.equal(0);
    const canon = io.out;
    expect(canon.split("\n")[0]).to.equal(
      "load        act[0x0000] <- dram[0x00100000] shape=(16,34,34) rstride=32 prows=32 pad=(1,1,1,1) signal=pool",
    );
    io.files.set("mem/canon.s", new TextEncoder().encode(canon));
    expect(await main(["asm", "mem/canon.s", "-o", "mem/b.bin"], io)).to.equal(0);
    expect(Buffer.from(io.files.get("mem/b.bin")!).equals(Buffer.from(io.files.get("mem/a.bin")!))).to.equal(true);
    expect(await main(["disasm", "mem/b.bin", "-o", "mem/b.s"], io)).to.equal(0);
    expect(text(io.files.get("mem/b.s"))).to.equal(canon);
  });

  it("a bad source exits 2 and lists every error with its caret", async () => {
    const io = memoryIo({ "mem/bad.s": "lod act[0]\nhalt\nsync q=ld wait=dma\n" });
    expect(await main(["asm", "mem/bad.s"], io)).to.equal(2);
    const lines = io.err.trimEnd().split("\n");
    expect(lines[0]).to.equal("sumac: error: mem/bad.s: 2 errors");
    expect(lines[1]).to.equal("mem/bad.s:1:1: unknown mnemonic 'lod'");
    expect(lines[2]).to.equal("lod act[0]");
    expect(lines[3]).to.equal("^~~");
    expect(lines[4]).to.match(/^mem\/bad\.s:3:16: sync: wait= names unknown queue 'dma'/);
    expect(io.files.has("mem/bad.bin")).to.equal(false);
  });

  it("a missing file exits 2 with one line", async () => {
    const io = memoryIo();
    expect(await main(["asm", "mem/nope.s"], io)).to.equal(2);
    expect(io.err).to.equal("sumac: error: mem/nope.s: no such file\n");
    const io2 = memoryIo();
    expect(await main(["disasm", "mem/nope.bin"], io2)).to.equal(2);
    expect(io2.err).to.equal("sumac: error: mem/nope.bin: no such file\n");
  });

  it("a corrupt binary exits 2 listing every bad word", async () => {
    const bin = new Uint8Array(48);
    bin[0] = 31; // halt
    bin[16] = 17; // unknown opcode
    bin[32] = 0; // opcode 0 is not an instruction either
    const io = memoryIo({ "mem/bad.bin": bin });
    expect(await main(["disasm", "mem/bad.bin"], io)).to.equal(2);
    expect(io.err.trimEnd().split("\n")).to.deep.equal([
      "sumac: error: mem/bad.bin: 2 bad words",
      "mem/bad.bin: word 1: unknown opcode 17",
      "mem/bad.bin: word 2: unknown opcode 0",
    ]);
    const io2 = memoryIo({ "mem/short.bin": new Uint8Array(20) });
    expect(await main(["disasm", "mem/short.bin"], io2)).to.equal(2);
    expect(io2.err).to.equal("sumac: error: mem/short.bin: 20 bytes is not a whole number of 16-byte words\n");
  });
});
