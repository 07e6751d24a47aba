// What every instruction does, counted from its fields alone (never from data), and how long its unit takes.
// The same numbers come out with and without --timing-only, because nothing here looks at values.
// The counting rules of each unit live beside it: work-dma.ts, work-pool.ts, work-mac.ts, work-vec.ts; every
// counter is priced by the energy table (isa/counters.ts, isa/hw/pricing.ts).

import { ACTION_COUNTER_NAMES, type ActionCounter } from "../isa/counters.js";
import type { HwConfig } from "../isa/hw/types.js";
import { QUEUES, type Buffer } from "../isa/instructions.js";
import { PoolWidths, str } from "../isa/semantics.js";
import type { Instr } from "../isa/types.js";
import { SimulationError } from "./errors.js";
import { countDma } from "./work-dma.js";
import { countMac } from "./work-mac.js";
import { countPool } from "./work-pool.js";
import { countVec } from "./work-vec.js";

/** Columns of a work row: every action counter, then derived work. */
export const WORK_COLUMNS = [...ACTION_COUNTER_NAMES, "macs", "spu_adds", "dram_bytes"] as const;
export type WorkColumn = (typeof WORK_COLUMNS)[number];
export const NW = WORK_COLUMNS.length;
export const COL = Object.fromEntries(WORK_COLUMNS.map((k, i) => [k, i])) as Record<WorkColumn, number>;

/** Queue index of the control "unit" (halt). Queues 0..4 follow isa QUEUES. */
export const CTL = QUEUES.length;

export interface StaticAnalysis {
  readonly n: number;
  /** Work rows, n x NW. */
  readonly work: Float64Array;
  /** Queue index per instruction (CTL for halt). */
  readonly queue: Int8Array;
  /** Busy cycles of the unit (DMA: port cycles + latency; halt 0). */
  readonly duration: Float64Array;
  /** DMA only: cycles on the shared DRAM port, and the latency after them; -1 port for non-DMA. */
  readonly portCycles: Float64Array;
  readonly latency: Float64Array;
  /** Bit masks (QUEUES order) of wait and signal sets. */
  readonly waitMask: Uint8Array;
  readonly signalMask: Uint8Array;
}

export interface AnalyseOptions {
  /**
   * DRAM byte ranges [start, end) of the program's parameters (weights, alpha, tables), when they all fit the
   * machine's on-chip weight store: loads from them read the store instead of DRAM.
   */
  readonly onChipParams?: readonly (readonly [number, number])[];
}

/** A unit that moves operands over wires (the DMA engines count as one block). */
export type WireUnit = "mac" | "pool" | "vec" | "dma";

/** What a per-unit counting rule sees: the machine, E widths so far, and adders for this instruction's row. */
export interface CountContext {
  readonly hw: HwConfig;
  readonly widths: PoolWidths;
  readonly opts: AnalyseOptions;
  readonly add: (k: WorkColumn, v: number) => void;
  /** Counts `bytes` of SRAM traffic of `unit` on buffer `b` and the wire bit-mm that carry them. */
  readonly sram: (b: Buffer, rw: "read" | "write", bytes: number, unit: WireUnit) => void;
  /** Wire bit-mm between a memory block (a LEAKING_UNITS name) and a unit. */
  readonly wire: (bytes: number, from: string, to: WireUnit) => void;
  readonly setTiming: (duration: number, portCycles?: number, latency?: number) => void;
}

/**
 * Length of the operand wires between a memory block and a unit, mm: an operand is distributed along the edge of
 * the unit that takes it, half the unit's side on average (the memory's own wires are in its CACTI energy); the DMA
 * engines are small, so their transfers run along half the memory's side instead (assumption).
 */
export function distanceMm(hw: HwConfig, memory: string, unit: WireUnit): number {
  const s = hw.floorplan.sideMm;
  return ((unit === "dma" ? s[memory] : s[unit]) ?? 0) / 2;
}

export function analyse(instrs: readonly Instr[], hw: HwConfig, opts: AnalyseOptions = {}): StaticAnalysis {
  const n = instrs.length;
  const a: StaticAnalysis = {
    n,
    work: new Float64Array(n * NW),
    queue: new Int8Array(n),
    duration: new Float64Array(n),
    portCycles: new Float64Array(n).fill(-1),
    latency: new Float64Array(n),
    waitMask: new Uint8Array(n),
    signalMask: new Uint8Array(n),
  };
  const widths = new PoolWidths(hw.pool.outBits / 8);
  // One context for the whole program (the loop moves `i` and `base`): no closures per instruction.
  let i = 0,
    base = 0;
  const add = (k: WorkColumn, v: number) => {
    a.work[base + COL[k]]! += v;
  };
  const wireMm = new Map<string, number>();
  const dist = (memory: string, unit: WireUnit): number => {
    const key = `${memory}|${unit}`;
    let d = wireMm.get(key);
    if (d === undefined) wireMm.set(key, (d = distanceMm(hw, memory, unit)));
    return d;
  };
  const ctx: CountContext = {
    hw,
    widths,
    opts,
    add,
    sram: (b, rw, bytes, unit) => {
      add(`sram.${b}.${rw}` as ActionCounter, bytes);
      add("wire.bitmm", bytes * 8 * dist(`sram.${b}`, unit));
    },
    wire: (bytes, from, to) => add("wire.bitmm", bytes * 8 * dist(from, to)),
    setTiming: (duration, portCycles = -1, latency = 0) => {
      a.duration[i] = duration;
      a.portCycles[i] = portCycles;
      a.latency[i] = latency;
    },
  };
  for (i = 0; i < n; i++) {
    const ins = instrs[i]!;
    base = i * NW;
    try {
      a.waitMask[i] = mask(ins.wait);
      a.signalMask[i] = mask(ins.signal);
      add("instr.issue", 1);
      const q = countOne(ins, ctx);
      a.queue[i] = q;
      // Every unit instruction occupies its queue for at least one cycle; only halt is instantaneous.
      if (q !== CTL && a.duration[i]! < 1) a.duration[i] = 1;
    } catch (e) {
      throw SimulationError.at(i, ins, e);
    }
    a.work[base + COL.dram_bytes] = a.work[base + COL["dram.read"]]! + a.work[base + COL["dram.write"]]!;
  }
  return a;
}

function mask(qs: readonly string[]): number {
  let m = 0;
  for (const q of qs) {
    const k = (QUEUES as readonly string[]).indexOf(q);
    if (k < 0) throw new SimulationError(`unknown queue '${q}' in wait/signal`);
    m |= 1 << k;
  }
  return m;
}

const Q = (name: (typeof QUEUES)[number]) => QUEUES.indexOf(name);

function countOne(ins: Instr, ctx: CountContext): number {
  switch (ins.op) {
    case "load":
    case "store":
      countDma(ins, ctx);
      return Q(ins.op === "load" ? "ld" : "st");
    case "pool":
      countPool(ins.f, ctx);
      return Q("pool");
    case "conv":
    case "gemm":
      countMac(ins.op, ins.f, ctx);
      return Q("mac");
    case "vop.requant":
    case "vop.add":
    case "vop.pool":
    case "vop.gap":
    case "vop.act":
    case "vop.mul":
    case "vop.resize":
      countVec(ins.op, ins.f, ctx);
      return Q("vec");
    case "sync": {
      const q = (QUEUES as readonly string[]).indexOf(str(ins.f, "q"));
      if (q < 0) throw new SimulationError(`sync names unknown queue '${str(ins.f, "q")}'`);
      ctx.setTiming(1);
      return q;
    }
    case "halt":
      ctx.setTiming(0);
      return CTL;
    default:
      throw new SimulationError(`unknown instruction '${ins.op}'`);
  }
}
