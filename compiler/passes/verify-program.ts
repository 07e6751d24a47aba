// Verify pass: checks a lowered program before it leaves the compiler.
//   fields     every field encodes (the ISA encoder's own range checks)
//   memory     every SRAM access inside its buffer, every DRAM access inside the program's DRAM
//   tokens     signals == waits on every channel, no queue waits on or signals itself
//   deadlock   an untimed abstract machine of the in-order queues with token counters runs to the end
// A failure is a compiler bug, so it throws a plain Error carrying the details (not an InputError).
// Exported for the simulator's tests, which may build programs by hand.

import { encode } from "../../isa/encode.js";
import { ELEMENT_BYTES, QUEUES, type Buffer, type Queue } from "../../isa/instructions.js";
import type { Program } from "../../isa/program.js";
import type { Instr } from "../../isa/types.js";
import type { HwConfig } from "../../isa/hw/types.js";

const QI = new Map<string, number>(QUEUES.map((q, i) => [q, i]));
const NQ = QUEUES.length;

const num = (ins: Instr, name: string): number => {
  const v = ins.f[name];
  if (typeof v !== "number") throw new Error(`verify: ${ins.op} has no numeric field '${name}'`);
  return v;
};
const outSize = (n: number, k: number, s: number, d: number) => Math.floor((n - d * (k - 1) - 1) / s) + 1;

/** The queue that executes an instruction, or "ctl" for halt. */
export function queueOf(ins: Instr): Queue | "ctl" {
  switch (ins.op) {
    case "load":
      return "ld";
    case "store":
      return "st";
    case "pool":
      return "pool";
    case "conv":
    case "gemm":
      return "mac";
    case "sync":
      return String(ins.f.q) as Queue;
    case "halt":
      return "ctl";
    default:
      if (ins.op.startsWith("vop.")) return "vec";
      throw new Error(`verify: unknown instruction '${ins.op}'`);
  }
}

interface Access {
  readonly mem: Buffer | "dram";
  readonly lo: number;
  readonly hi: number;
}

/** Byte ranges an instruction touches (bounding ranges for strided DRAM tiles). */
export function accessesOf(ins: Instr, poolBytes: number): Access[] {
  const f = (n: string) => num(ins, n);
  // A load with src=act reads its strided source tile from the act buffer (1-byte elements), not DRAM.
  const dramSpan = (es: number, mem: "dram" | "act" = "dram") => {
    const [c, h, w] = [f("c"), f("h"), f("w")];
    if (c * h * w === 0) return [];
    return [{ mem, lo: f("dram"), hi: f("dram") + (((c - 1) * f("prows") + h - 1) * f("rstride") + w) * es }];
  };
  const eb = (b: Buffer) => (b === "pool" ? poolBytes : ELEMENT_BYTES[b]);
  switch (ins.op) {
    case "load": {
      const b = String(ins.f.buf) as Buffer;
      const n = f("c") * (f("h") + f("pt") + f("pb")) * (f("w") + f("pl") + f("pr"));
      const local = ins.f.src === "act";
      return [
        { mem: b, lo: f("sram"), hi: f("sram") + n * eb(b) },
        ...(local ? dramSpan(ELEMENT_BYTES.act, "act") : dramSpan(eb(b))),
      ];
    }
    case "store": {
      const b = String(ins.f.buf) as Buffer;
      return [{ mem: b, lo: f("sram"), hi: f("sram") + f("c") * f("h") * f("w") * eb(b) }, ...dramSpan(eb(b))];
    }
    case "pool": {
      const [c, h, w] = [f("c"), f("h"), f("w")];
      const out = (c - f("kc") + 1) * (h - f("dil") * (f("kh") - 1)) * (w - f("dil") * (f("kw") - 1));
      return [
        { mem: "act", lo: f("src"), hi: f("src") + c * h * w },
        { mem: "pool", lo: f("dst"), hi: f("dst") + Math.max(0, out) * (Number(ins.f.bits) / 8) },
      ];
    }
    case "conv": {
      const sb = String(ins.f.sbuf) as Buffer;
      const [c, h, w] = [f("c"), f("h"), f("w")];
      const ho = outSize(h, f("kh"), f("stride"), f("dil"));
      const wo = outSize(w, f("kw"), f("stride"), f("dil"));
      const cin = f("dw") === 1 ? 1 : c;
      return [
        { mem: sb, lo: f("src"), hi: f("src") + c * h * w * eb(sb) },
        { mem: "wgt", lo: f("wgt"), hi: f("wgt") + f("cout") * cin * f("kh") * f("kw") },
        { mem: "acc", lo: f("dst"), hi: f("dst") + f("cout") * Math.max(0, ho) * Math.max(0, wo) * 4 },
      ];
    }
    case "gemm": {
      const sb = String(ins.f.sbuf) as Buffer;
      return [
        { mem: sb, lo: f("src"), hi: f("src") + f("m") * f("k") * eb(sb) },
        { mem: "wgt", lo: f("wgt"), hi: f("wgt") + f("n") * f("k") },
        { mem: "acc", lo: f("dst"), hi: f("dst") + f("m") * f("n") * 4 },
      ];
    }
    case "vop.requant": {
      const n = f("c") * f("h") * f("w");
      return [
        { mem: "acc", lo: f("src"), hi: f("src") + n * 4 },
        { mem: "act", lo: f("dst"), hi: f("dst") + n },
        { mem: "par", lo: f("par"), hi: f("par") + (2 + 3 * f("c")) * 4 },
      ];
    }
    case "vop.add": {
      const n = f("c") * f("h") * f("w");
      const bs = f("bs");
      return [
        { mem: "act", lo: f("a"), hi: f("a") + n },
        ...(f("nob") === 1 ? [] : [{ mem: "act" as const, lo: f("b"), hi: f("b") + n * bs * bs }]),
        { mem: "act", lo: f("dst"), hi: f("dst") + n },
        { mem: "par", lo: f("par"), hi: f("par") + 20 },
      ];
    }
    case "vop.pool": {
      const [c, h, w, p] = [f("c"), f("h"), f("w"), f("pad")];
      const ho = outSize(h + 2 * p, f("win"), f("stride"), 1);
      const wo = outSize(w + 2 * p, f("win"), f("stride"), 1);
      return [
        { mem: "act", lo: f("src"), hi: f("src") + c * h * w },
        { mem: "act", lo: f("dst"), hi: f("dst") + c * ho * wo },
        ...(ins.f.op === "avg" ? [{ mem: "par" as const, lo: f("par"), hi: f("par") + 16 }] : []),
      ];
    }
    case "vop.gap":
      return [
        { mem: "act", lo: f("src"), hi: f("src") + f("c") * f("h") * f("w") },
        { mem: "act", lo: f("dst"), hi: f("dst") + f("c") },
        { mem: "par", lo: f("par"), hi: f("par") + 16 },
      ];
    default:
      return [];
  }
}

/** Checks signals == waits per channel and that no instruction names its own queue. Returns problems. */
export function tokenBalance(instrs: readonly Instr[]): string[] {
  const problems: string[] = [];
  const sig = new Array<number>(NQ * NQ).fill(0);
  const wt = new Array<number>(NQ * NQ).fill(0);
  instrs.forEach((ins, i) => {
    const q = queueOf(ins);
    if (q === "ctl") {
      if (ins.wait.length || ins.signal.length) problems.push(`#${i} halt carries tokens`);
      return;
    }
    const y = QI.get(q)!;
    for (const w of ins.wait) {
      const x = QI.get(w);
      if (x === undefined || x === y) problems.push(`#${i} ${ins.op} waits on ${w}`);
      else wt[x * NQ + y]!++;
    }
    for (const s of ins.signal) {
      const x = QI.get(s);
      if (x === undefined || x === y) problems.push(`#${i} ${ins.op} signals ${s}`);
      else sig[y * NQ + x]!++;
    }
  });
  for (let x = 0; x < NQ; x++)
    for (let y = 0; y < NQ; y++) {
      const s = sig[x * NQ + y]!;
      const w = wt[x * NQ + y]!;
      if (s !== w) problems.push(`channel ${QUEUES[x]}->${QUEUES[y]}: ${s} signals, ${w} waits`);
    }
  return problems;
}

/**
 * Runs the queues as an untimed abstract machine (every instruction takes zero time once its tokens are there).
 * Returns null when every instruction retires, otherwise a description of the head of each stuck queue.
 */
export function findDeadlock(instrs: readonly Instr[]): string | null {
  const queues: number[][] = QUEUES.map(() => []);
  instrs.forEach((ins, i) => {
    const q = queueOf(ins);
    if (q !== "ctl") queues[QI.get(q)!]!.push(i);
  });
  const tokens = new Int32Array(NQ * NQ);
  const head = new Array<number>(NQ).fill(0);
  let progress = true;
  while (progress) {
    progress = false;
    for (let y = 0; y < NQ; y++) {
      const list = queues[y]!;
      while (head[y]! < list.length) {
        const ins = instrs[list[head[y]!]!]!;
        const from = ins.wait.map((w) => QI.get(w)!);
        if (!from.every((x) => tokens[x * NQ + y]! > 0)) break;
        for (const x of from) tokens[x * NQ + y]!--;
        for (const s of ins.signal) tokens[y * NQ + QI.get(s)!]!++;
        head[y]!++;
        progress = true;
      }
    }
  }
  const stuck: string[] = [];
  for (let y = 0; y < NQ; y++) {
    const list = queues[y]!;
    if (head[y]! < list.length) {
      const i = list[head[y]!]!;
      const ins = instrs[i]!;
      const missing = ins.wait.filter((w) => tokens[QI.get(w)! * NQ + y]! === 0);
      stuck.push(
        `${QUEUES[y]}: #${i} ${ins.op} waits for a token from ${missing.join(", ")} (${list.length - head[y]!} left)`,
      );
    }
  }
  return stuck.length ? `deadlock: ${stuck.join("; ")}` : null;
}

/** Full check of a program against a machine. Throws an Error listing every problem found. */
export function verifyProgram(program: Program, hw: HwConfig): void {
  const problems: string[] = [];
  const instrs = program.instructions;
  const dramBytes = program.manifest.dramBytes;
  let poolBytes = hw.pool.outBits / 8;
  const MAX = 20;
  instrs.forEach((ins, i) => {
    if (problems.length > MAX) return;
    try {
      encode(ins);
    } catch (e) {
      problems.push(`#${i} ${ins.op}: ${(e as Error).message}`);
      return;
    }
    if (ins.op === "halt" && i !== instrs.length - 1) problems.push(`#${i} halt before the end of the program`);
    // The pool buffer's element width is the one the latest pool instruction wrote.
    if (ins.op === "pool") poolBytes = Number(ins.f.bits) / 8;
    for (const a of accessesOf(ins, poolBytes)) {
      const cap = a.mem === "dram" ? dramBytes : hw.sram[a.mem].bytes;
      if (a.lo < 0 || a.hi > cap)
        problems.push(`#${i} ${ins.op}: ${a.mem}[${a.lo}..${a.hi}) is outside the ${cap}-byte ${a.mem}`);
    }
  });
  if (instrs.length === 0 || instrs[instrs.length - 1]!.op !== "halt")
    problems.push("the program does not end with halt");
  for (const seg of program.image) {
    if (seg.addr < 0 || seg.addr + seg.data.length * seg.esize > dramBytes)
      problems.push(`segment '${seg.name}' lies outside the ${dramBytes}-byte DRAM`);
  }
  problems.push(...tokenBalance(instrs));
  if (problems.length === 0) {
    const dl = findDeadlock(instrs);
    if (dl) problems.push(dl);
  }
  if (problems.length)
    throw new Error(
      `program verification failed (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n  ${problems.slice(0, MAX).join("\n  ")}`,
    );
}
