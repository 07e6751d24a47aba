// Encoder/decoder: hand-computed words, a property test against a separate BigInt reference packer, and errors.
import { expect } from "chai";
import { decode, decodeProgram } from "../../isa/decode.js";
import { encode, encodeProgram } from "../../isa/encode.js";
import { InputError } from "../../isa/errors.js";
import { HEADER, INSTRUCTIONS, QUEUES } from "../../isa/instructions.js";
import { instr } from "../../isa/build.js";
import type { Instr, InstrSpec } from "../../isa/types.js";
import { mulberry32, randomInstr } from "./random.js";

const rows: readonly InstrSpec[] = INSTRUCTIONS;

/** Independent reference: one BigInt, fields shifted in one after another, then 16 little-endian bytes. */
function referenceWord(row: InstrSpec, i: Instr): Uint8Array {
  let word = 0n;
  let pos = 0n;
  const put = (bits: number, v: bigint) => {
    word |= v << pos;
    pos += BigInt(bits);
  };
  const mask = (qs: readonly string[]) => qs.reduce((m, q) => m | (1n << BigInt(QUEUES.indexOf(q as never))), 0n);
  put(HEADER[0].bits, BigInt(row.opcode));
  put(HEADER[1].bits, mask(i.wait));
  put(HEADER[2].bits, mask(i.signal));
  for (const f of row.fields) {
    const v = i.f[f.name]!;
    const code =
      f.kind === "enum" ? f.values!.indexOf(v as string) : ((v as number) - (f.offset ?? 0)) / (f.scale ?? 1);
    put(f.bits, BigInt(code));
  }
  const out = new Uint8Array(16);
  for (let b = 0; b < 16; b++) out[b] = Number((word >> BigInt(8 * b)) & 0xffn);
  return out;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

const conv = instr(
  "conv",
  {
    dst: 0,
    sbuf: "pool",
    src: 0x40,
    wgt: 0x200,
    c: 8,
    h: 34,
    w: 34,
    kh: 3,
    kw: 3,
    stride: 1,
    dil: 1,
    cout: 16,
    dw: 0,
    accum: 0,
  },
  { wait: ["pool"], signal: ["vec"] },
);

describe("isa codec", () => {
  it("halt is opcode 31 in bits 0..4 and nothing else", () => {
    expect(hex(encode(instr("halt", {})))).to.equal("1f" + "00".repeat(15));
  });

  it("sync q=vec wait=ld signal=mac: 10 | 1<<5 | 8<<10 | 4<<15 = 0x2202a", () => {
    const w = encode(instr("sync", { q: "vec" }, { wait: ["ld"], signal: ["mac"] }));
    expect(hex(w)).to.equal("2a2002" + "00".repeat(13));
  });

  it("load act[0x10] <- dram[1]: buf code 0 at bit 15, sram 0x10/16 = 1 at bit 18, dram 1 at bit 34", () => {
    const w = encode(
      instr("load", {
        buf: "act",
        sram: 16,
        dram: 1,
        c: 0,
        h: 0,
        w: 0,
        rstride: 0,
        prows: 0,
        pt: 0,
        pb: 0,
        pl: 0,
        pr: 0,
        src: "dram",
      }),
    );
    // bits: 0 opcode 1; 18 → byte 2 bit 2 (0x04); 34 → byte 4 bit 2 (0x04)
    expect(hex(w)).to.equal("010004000400000000000000" + "00000000");
  });

  it("decode returns architectural values: offsets, scales and enum strings", () => {
    expect(decode(encode(conv))).to.deep.equal(conv);
  });

  describe("property: 200 random in-range instructions per row round-trip and match the reference packer", () => {
    for (const [r, row] of rows.entries()) {
      it(row.mnemonic, () => {
        const rnd = mulberry32(0x5eed + r);
        for (let k = 0; k < 200; k++) {
          const i = randomInstr(row, rnd);
          const w = encode(i);
          expect(hex(w)).to.equal(hex(referenceWord(row, i)));
          const back = decode(w, k);
          expect(back).to.deep.equal(i);
          expect(hex(encode(back))).to.equal(hex(w));
        }
      });
    }
  });

  it("encodeProgram/decodeProgram: concatenated words, 10k instructions round-trip", () => {
    const rnd = mulberry32(7);
    const prog = Array.from({ length: 10_000 }, () => randomInstr(rows[Math.floor(rnd() * rows.length)]!, rnd));
    const bin = encodeProgram(prog);
    const back = decodeProgram(bin);
    expect(bin.length).to.equal(16 * prog.length);
    expect(hex(bin.subarray(16 * 123, 16 * 124))).to.equal(hex(encode(prog[123]!)));
    expect(back).to.deep.equal(prog);
  });

  describe("encode errors name the instruction and field", () => {
    it("out of range (offset field)", () => {
      expect(errorOf(() => encode({ ...conv, f: { ...conv.f, cout: 5000 } })).message).to.equal(
        "conv: field 'cout'=5000 does not fit 12 bits (1..4096)",
      );
      expect(errorOf(() => encode({ ...conv, f: { ...conv.f, cout: 0 } })).message).to.equal(
        "conv: field 'cout'=0 does not fit 12 bits (1..4096)",
      );
    });
    it("scaled field: range and multiple", () => {
      expect(errorOf(() => encode({ ...conv, f: { ...conv.f, src: 0x41 } })).message).to.equal(
        "conv: field 'src'=65 is not a multiple of 16",
      );
      expect(errorOf(() => encode({ ...conv, f: { ...conv.f, src: 16 * 65536 } })).message).to.equal(
        "conv: field 'src'=1048576 does not fit 16 bits (0..1048560, multiples of 16)",
      );
    });
    it("missing, unknown, wrong type, bad enum, bad flag, unknown op, bad queue", () => {
      const noCout: Record<string, number | string> = { ...conv.f };
      delete noCout["cout"];
      expect(errorOf(() => encode({ ...conv, f: noCout })).message).to.equal("conv: missing field 'cout'");
      expect(errorOf(() => encode({ ...conv, f: { ...conv.f, groups: 2 } })).message).to.equal(
        "conv: unknown field 'groups'",
      );
      expect(errorOf(() => encode({ ...conv, f: { ...conv.f, c: "8" } })).message).to.equal(
        `conv: field 'c'="8" is not a number`,
      );
      expect(errorOf(() => encode({ ...conv, f: { ...conv.f, c: 1.5 } })).message).to.equal(
        "conv: field 'c'=1.5 is not an integer",
      );
      expect(errorOf(() => encode({ ...conv, f: { ...conv.f, sbuf: "wgt" } })).message).to.equal(
        `conv: field 'sbuf'="wgt" is not one of act, pool`,
      );
      expect(errorOf(() => encode({ ...conv, f: { ...conv.f, dw: 2 } })).message).to.equal(
        "conv: field 'dw'=2 is not a flag (0 or 1)",
      );
      expect(errorOf(() => encode({ ...conv, op: "conv2" })).message).to.equal("unknown instruction 'conv2'");
      expect(errorOf(() => encode({ ...conv, wait: ["dma"] })).message).to.match(
        /^conv: wait names unknown queue "dma"/,
      );
      expect(errorOf(() => encode({ ...conv, signal: ["vec", "vec"] })).message).to.equal(
        "conv: signal names queue 'vec' twice",
      );
    });
    it("encodeProgram prefixes the instruction index", () => {
      expect(errorOf(() => encodeProgram([conv, { ...conv, f: { ...conv.f, cout: 5000 } }])).message).to.equal(
        "instruction 1: conv: field 'cout'=5000 does not fit 12 bits (1..4096)",
      );
    });
  });

  describe("decode errors", () => {
    it("unknown opcode names the word", () => {
      const bin = encodeProgram(Array.from({ length: 13 }, () => conv));
      bin[16 * 12] = (bin[16 * 12]! & ~0x1f) | 17;
      expect(errorOf(() => decodeProgram(bin)).message).to.equal("word 12: unknown opcode 17");
      expect(errorOf(() => decode(new Uint8Array(16), 3)).message).to.equal("word 3: unknown opcode 0");
    });
    it("a length that is not a multiple of 16 names the byte length", () => {
      expect(errorOf(() => decodeProgram(new Uint8Array(40))).message).to.equal(
        "program is 40 bytes, not a multiple of the 16-byte word",
      );
      expect(errorOf(() => decode(new Uint8Array(8))).message).to.match(/8/);
    });
    it("nonzero bits above the last field are rejected", () => {
      const w = encode(instr("halt", {}));
      w[15] = 0x80;
      expect(errorOf(() => decode(w, 5)).message).to.equal("word 5: halt: bits 15..127 are unused and must be zero");
      const c = encode(conv);
      c[15] = 0x01; // bit 120: conv uses bits 0..119
      expect(errorOf(() => decode(c)).message).to.equal("word 0: conv: bits 120..127 are unused and must be zero");
    });
    it("an enum code past its value list is rejected", () => {
      const p = instr("pool", {
        dst: 0,
        src: 0,
        c: 1,
        h: 1,
        w: 1,
        kc: 1,
        kh: 1,
        kw: 1,
        dil: 1,
        mode: "direct",
        bits: "32",
        shift: 0,
      });
      const w = encode(p);
      // bits field: header 15 + dst 16 + src 16 + c 12 + h 10 + w 10 + kc 12 + kh 3 + kw 3 + dil 2 + mode 1 = bit 100
      expect((w[12]! >> 4) & 3).to.equal(2);
      w[12] = w[12]! | (3 << 4);
      expect(errorOf(() => decode(w, 2)).message).to.equal(
        "word 2: pool: field 'bits' has code 3, which means nothing",
      );
    });
  });
});
