// The program verifier on hand-made programs: deadlock, token imbalance, out-of-range fields and memory.
import { expect } from "chai";
import { instr } from "../../isa/build.js";
import { resolveHw } from "../../isa/hw/config.js";
import type { Program } from "../../isa/program.js";
import type { Instr } from "../../isa/types.js";
import { findDeadlock, tokenBalance, verifyProgram } from "../../compiler/passes/verify-program.js";

const hw = resolveHw({ preset: "tiny" });

const load = (sram: number, sync: { wait?: ("mac" | "vec" | "st")[]; signal?: ("mac" | "vec" | "st")[] } = {}): Instr =>
  instr(
    "load",
    { buf: "act", sram, dram: 0, c: 1, h: 4, w: 16, rstride: 16, prows: 4, pt: 0, pb: 0, pl: 0, pr: 0, src: "dram" },
    sync,
  );
const convI = (sync: { wait?: ("ld" | "vec")[]; signal?: ("ld" | "vec")[] } = {}): Instr =>
  instr(
    "conv",
    {
      dst: 0,
      sbuf: "act",
      src: 0,
      wgt: 0,
      c: 1,
      h: 4,
      w: 16,
      kh: 1,
      kw: 1,
      stride: 1,
      dil: 1,
      cout: 1,
      dw: 0,
      accum: 0,
    },
    sync,
  );
const requant = (sync: { wait?: ("mac" | "st")[]; signal?: ("mac" | "st")[] } = {}): Instr =>
  instr("vop.requant", { dst: 256, src: 0, c: 1, h: 4, w: 16, par: 0 }, sync);
const store = (sync: { wait?: ("vec" | "ld")[]; signal?: ("vec" | "ld")[] } = {}): Instr =>
  instr("store", { buf: "act", sram: 256, dram: 64, c: 1, h: 4, w: 16, rstride: 16, prows: 4 }, sync);
const halt = instr("halt", {});

function program(instructions: Instr[], dramBytes = 4096): Program {
  return {
    instructions,
    image: [],
    manifest: {
      format: "sumac-program-1",
      model: "hand",
      mode: "dense",
      dtype: "int8",
      batch: 1,
      hw: { id: hw.id, hash: hw.hash },
      dramBytes,
      inputs: [],
      outputs: [],
      layers: [],
      tensors: [],
    },
  };
}

describe("verify-program", () => {
  it("accepts a well-formed load -> conv -> requant -> store chain", () => {
    const p = program([
      load(0, { signal: ["mac"] }),
      convI({ wait: ["ld"], signal: ["vec"] }),
      requant({ wait: ["mac"], signal: ["st"] }),
      store({ wait: ["vec"] }),
      halt,
    ]);
    expect(() => verifyProgram(p, hw)).not.to.throw();
    expect(findDeadlock(p.instructions)).to.equal(null);
  });

  it("catches a deadlock: two queues each waiting for the other first, and names both blocked heads", () => {
    // mac waits for vec before its conv; vec waits for mac before its requant: a cycle, balanced counts.
    const instrs = [
      load(0, { signal: ["mac"] }),
      convI({ wait: ["ld", "vec"], signal: ["vec"] }),
      requant({ wait: ["mac"], signal: ["mac"] }),
      halt,
    ];
    expect(tokenBalance(instrs)).to.deep.equal([]);
    const dl = findDeadlock(instrs);
    expect(dl).to.be.a("string");
    expect(dl).to.contain("mac: #1 conv waits for a token from vec");
    expect(dl).to.contain("vec: #2 vop.requant waits for a token from mac");
    expect(() => verifyProgram(program(instrs), hw)).to.throw(/deadlock/);
  });

  it("catches a deadlock caused by in-order queues (a wait behind an instruction that never gets its token)", () => {
    // ld's second load waits for mac, but mac's only conv waits for the *second* ld signal: ld's first load gives none.
    const instrs = [
      load(0),
      load(512, { wait: ["mac"], signal: ["mac"] }),
      convI({ wait: ["ld"], signal: ["ld"] }),
      halt,
    ];
    expect(tokenBalance(instrs)).to.deep.equal([]);
    expect(findDeadlock(instrs)).to.match(
      /ld: #1 load waits for a token from mac.*mac: #2 conv waits for a token from ld/,
    );
  });

  it("catches a token imbalance and names the channel", () => {
    const instrs = [load(0, { signal: ["mac", "vec"] }), convI({ wait: ["ld"] }), halt];
    expect(tokenBalance(instrs)).to.deep.equal(["channel ld->vec: 1 signals, 0 waits"]);
    expect(() => verifyProgram(program(instrs), hw)).to.throw(/channel ld->vec: 1 signals, 0 waits/);
  });

  it("rejects waits on the own queue, out-of-range fields, SRAM and DRAM overruns, and a missing halt", () => {
    expect(tokenBalance([load(0, { wait: ["ld" as never] })])).to.deep.include("#0 load waits on ld");
    // 16 KiB acc: a 4096-channel conv output of 4x16 int32 is 1 MiB.
    const big = instr("conv", {
      dst: 0,
      sbuf: "act",
      src: 0,
      wgt: 0,
      c: 1,
      h: 4,
      w: 16,
      kh: 1,
      kw: 1,
      stride: 1,
      dil: 1,
      cout: 4096,
      dw: 0,
      accum: 0,
    });
    expect(() => verifyProgram(program([big, halt]), hw)).to.throw(/acc\[0\.\.1048576\) is outside the 16384-byte acc/);
    expect(() => verifyProgram(program([load(0), halt], 32), hw)).to.throw(
      /dram\[0\.\.64\) is outside the 32-byte dram/,
    );
    const wide = instr("load", {
      buf: "act",
      sram: 0,
      dram: 0,
      c: 1,
      h: 1,
      w: 2000,
      rstride: 2000,
      prows: 1,
      pt: 0,
      pb: 0,
      pl: 0,
      pr: 0,
      src: "dram",
    });
    expect(() => verifyProgram(program([wide, halt]), hw)).to.throw(/#0 load/);
    expect(() => verifyProgram(program([load(0)]), hw)).to.throw(/does not end with halt/);
  });
});
