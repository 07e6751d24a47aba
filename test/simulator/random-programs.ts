// A generator of random small programs that cannot deadlock: every wait consumes a token that an instruction
// EARLIER in program order signalled, so executing in program order is always possible.
import { instr } from "../../isa/build.js";
import { QUEUES, type Queue } from "../../isa/instructions.js";
import type { Instr } from "../../isa/types.js";
import { randInt } from "./helpers.js";

export function randomProgram(r: () => number, length: number): Instr[] {
  const avail = new Map<string, number>();
  const out: Instr[] = [];
  for (let k = 0; k < length; k++) {
    const q = QUEUES[randInt(r, 0, QUEUES.length - 1)]!;
    const wait: Queue[] = [];
    for (const p of QUEUES) {
      const ch = `${p}>${q}`;
      if ((avail.get(ch) ?? 0) > 0 && r() < 0.6) {
        wait.push(p);
        avail.set(ch, avail.get(ch)! - 1);
      }
    }
    const signal: Queue[] = QUEUES.filter(() => r() < 0.3);
    for (const p of signal) avail.set(`${q}>${p}`, (avail.get(`${q}>${p}`) ?? 0) + 1);
    out.push(randomOp(r, q, { wait, signal }));
  }
  out.push(instr("halt", {}));
  return out;
}

function randomOp(r: () => number, q: Queue, sync: { wait: Queue[]; signal: Queue[] }): Instr {
  const c = randInt(r, 1, 8),
    h = randInt(r, 3, 9),
    w = randInt(r, 3, 9);
  if (r() < 0.1) return instr("sync", { q }, sync);
  switch (q) {
    case "ld":
      return instr(
        "load",
        {
          buf: r() < 0.7 ? "act" : "wgt",
          sram: 0,
          dram: 0,
          c,
          h,
          w,
          rstride: w,
          prows: h,
          pt: randInt(r, 0, 1),
          pb: 0,
          pl: randInt(r, 0, 1),
          pr: 0,
          src: "dram",
        },
        sync,
      );
    case "st":
      return instr("store", { buf: "act", sram: 0, dram: 0, c, h, w, rstride: w, prows: h }, sync);
    case "pool":
      return instr(
        "pool",
        {
          dst: 0,
          src: 0,
          c,
          h,
          w,
          kc: randInt(r, 1, c),
          kh: randInt(r, 1, 2),
          kw: randInt(r, 1, 2),
          dil: 1,
          mode: r() < 0.5 ? "direct" : "separable",
          bits: "16",
          shift: 0,
        },
        sync,
      );
    case "mac":
      if (r() < 0.2)
        return instr(
          "gemm",
          {
            dst: 0,
            sbuf: "act",
            src: 0,
            wgt: 0,
            m: randInt(r, 1, 4),
            k: randInt(r, 1, 40),
            n: randInt(r, 1, 20),
            accum: 0,
          },
          sync,
        );
      return instr(
        "conv",
        {
          dst: 0,
          sbuf: r() < 0.5 ? "act" : "pool",
          src: 0,
          wgt: 0,
          c,
          h,
          w,
          kh: randInt(r, 1, 3),
          kw: randInt(r, 1, 3),
          stride: randInt(r, 1, 2),
          dil: 1,
          cout: randInt(r, 1, 20),
          dw: 0,
          accum: 0,
        },
        sync,
      );
    case "vec": {
      const op = randInt(r, 0, 6);
      if (op === 4) return instr("vop.act", { dst: 0, src: 0, c, h, w, fn: "silu", par: 0 }, sync);
      if (op === 5) return instr("vop.mul", { dst: 0, a: 0, b: 0, c, h, w, bc: r() < 0.5 ? 1 : 0, par: 0 }, sync);
      if (op === 6)
        return instr(
          "vop.resize",
          {
            dst: 0,
            src: 0,
            c,
            h,
            w,
            mode: r() < 0.5 ? "nearest" : "bilinear",
            coord: "half_pixel",
            sh: 2,
            sw: 2,
            par: 0,
          },
          sync,
        );
      if (op === 0) return instr("vop.requant", { dst: 0, src: 0, c, h, w, par: 0 }, sync);
      if (op === 1) return instr("vop.add", { dst: 0, a: 0, b: 0, c, h, w, bs: 1, nob: 0, par: 0 }, sync);
      if (op === 2)
        return instr(
          "vop.pool",
          { dst: 0, src: 0, c, h, w, op: r() < 0.5 ? "max" : "avg", win: 3, stride: 2, pad: 1, par: 0 },
          sync,
        );
      return instr("vop.gap", { dst: 0, src: 0, c, h, w, par: 0 }, sync);
    }
  }
}
