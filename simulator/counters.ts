// Aggregates per-instruction work and the schedule into per-unit and per-layer counters.
//
// - busy (per queue): cycles an instruction occupied the queue (start..end); for the DMA as a whole, `dma`
//   busy = cycles the shared DRAM port moved data (with dram.ideal: the transfers' 1-cycle occupancy).
// - stalls (per queue): cycles between "ready to go" (dispatched and queue free) and start, blamed on the
//   waited channel whose token arrived last (ties: lowest queue); DRAM-port stalls = port start - start.
// - layer cycles = last end - first start of its instructions (layers may overlap in time);
//   bound_cycles = max(MACs / (rows*cols), SPU adds / pool.lanes, DRAM bytes / bytesPerCycle) (DESIGN §6).

import { QUEUES } from "../isa/instructions.js";
import type { HwConfig } from "../isa/hw/types.js";
import type { LayerInfo } from "../isa/program.js";
import { dispatchCycle, NQ, type Schedule } from "./schedule.js";
import { COL, CTL, NW, WORK_COLUMNS, type StaticAnalysis, type WorkColumn } from "./work.js";

export const REPORT_UNITS = ["mac", "sumpool", "vector", "dma"] as const;
export type ReportUnit = (typeof REPORT_UNITS)[number];

export type WorkTotals = Record<WorkColumn, number>;

export interface QueueStats {
  busy: number;
  instructions: number;
  /** Token-wait cycles by producing queue. */
  tokenStall: Record<string, number>;
  dramStall: number;
}

export interface LayerCounters {
  readonly info: LayerInfo;
  readonly firstStart: number;
  readonly lastEnd: number;
  readonly cycles: number;
  readonly boundCycles: number;
  readonly work: WorkTotals;
  readonly busy: Record<ReportUnit, number>;
}

export interface Counters {
  readonly cycles: number;
  readonly work: WorkTotals;
  readonly busy: Record<ReportUnit, number>;
  readonly queues: Record<string, QueueStats>;
  readonly layers: readonly LayerCounters[];
  readonly boundCycles: number;
  /** Work of each queue's instructions (ld, st, pool, mac, vec, ctl): the per-stage energy. */
  readonly byQueue: Readonly<Record<string, WorkTotals>>;
}

function sumRows(a: StaticAnalysis, from: number, to: number): WorkTotals {
  const acc = new Float64Array(NW);
  for (let i = from; i < to; i++) for (let k = 0; k < NW; k++) acc[k]! += a.work[i * NW + k]!;
  return Object.fromEntries(WORK_COLUMNS.map((k, j) => [k, acc[j]!])) as WorkTotals;
}

export function boundCycles(w: WorkTotals, hw: HwConfig): number {
  const dram = hw.dram.ideal ? 0 : w.dram_bytes / hw.dram.bytesPerCycle;
  const spu = hw.pool.lanes > 0 ? w.spu_adds / hw.pool.lanes : 0;
  return Math.max(w.macs / (hw.mac.rows * hw.mac.cols), spu, dram);
}

const UNIT_OF_QUEUE: Record<string, ReportUnit | undefined> = { mac: "mac", pool: "sumpool", vec: "vector" };

function unitBusy(a: StaticAnalysis, s: Schedule, from: number, to: number): Record<ReportUnit, number> {
  const busy: Record<ReportUnit, number> = { mac: 0, sumpool: 0, vector: 0, dma: 0 };
  for (let i = from; i < to; i++) {
    const q = a.queue[i]!;
    if (q === CTL) continue;
    const pc = a.portCycles[i]!;
    if (pc >= 0) busy.dma += pc > 0 ? pc : a.duration[i]!;
    else {
      const u = UNIT_OF_QUEUE[QUEUES[q]!];
      if (u) busy[u] += s.end[i]! - s.start[i]!;
    }
  }
  return busy;
}

export function collectCounters(a: StaticAnalysis, s: Schedule, layers: readonly LayerInfo[], hw: HwConfig): Counters {
  const queues: Record<string, QueueStats> = {};
  for (const q of [...QUEUES, "ctl"]) queues[q] = { busy: 0, instructions: 0, tokenStall: {}, dramStall: 0 };
  // Stalls, walking each queue in order.
  const prevEnd = new Float64Array(CTL + 1);
  const producerEnd = buildProducerEnds(a, s);
  for (let i = 0; i < a.n; i++) {
    const q = a.queue[i]!;
    const st = queues[q === CTL ? "ctl" : QUEUES[q]!]!;
    st.instructions++;
    st.busy += s.end[i]! - s.start[i]!;
    const ready = Math.max(prevEnd[q]!, dispatchCycle(i, hw.issueCycles));
    const wait = s.start[i]! - ready;
    if (wait > 0 && q !== CTL) {
      let blame = -1,
        latest = -Infinity;
      for (let p = 0; p < NQ; p++)
        if (a.waitMask[i]! & (1 << p)) {
          const e = producerEnd[i * NQ + p]!;
          if (e > latest) [latest, blame] = [e, p];
        }
      const key = blame >= 0 ? QUEUES[blame]! : "other";
      st.tokenStall[key] = (st.tokenStall[key] ?? 0) + wait;
    }
    if (a.portCycles[i]! > 0) st.dramStall += s.portStart[i]! - s.start[i]!;
    prevEnd[q] = s.end[i]!;
  }
  const work = sumRows(a, 0, a.n);
  const layerCounters = layers.map((info): LayerCounters => {
    let first = Infinity,
      last = -Infinity;
    for (let i = info.begin; i < info.end; i++) {
      if (a.queue[i] === CTL) continue;
      first = Math.min(first, s.start[i]!);
      last = Math.max(last, s.end[i]!);
    }
    if (first === Infinity) [first, last] = [0, 0];
    const w = sumRows(a, info.begin, info.end);
    return {
      info,
      firstStart: first,
      lastEnd: last,
      cycles: last - first,
      boundCycles: boundCycles(w, hw),
      work: w,
      busy: unitBusy(a, s, info.begin, info.end),
    };
  });
  return {
    cycles: s.cycles,
    work,
    byQueue: workByQueue(a),
    busy: unitBusy(a, s, 0, a.n),
    queues,
    layers: layerCounters,
    boundCycles: boundCycles(work, hw),
  };
}

function workByQueue(a: StaticAnalysis): Record<string, WorkTotals> {
  const names = [...QUEUES, "ctl"];
  const acc = names.map(() => new Float64Array(NW));
  for (let i = 0; i < a.n; i++) {
    const row = acc[a.queue[i]!]!;
    for (let k = 0; k < NW; k++) row[k]! += a.work[i * NW + k]!;
  }
  return Object.fromEntries(
    names.map((q, j) => [q, Object.fromEntries(WORK_COLUMNS.map((k, c) => [k, acc[j]![c]!])) as WorkTotals]),
  );
}

/** End cycle of the instruction that gave each waited token (FIFO pairing per channel), NaN if none. */
function buildProducerEnds(a: StaticAnalysis, s: Schedule): Float64Array {
  const out = new Float64Array(a.n * NQ).fill(NaN);
  const given: number[][] = Array.from({ length: NQ * NQ }, () => []);
  const pos = new Int32Array(NQ * NQ);
  for (let i = 0; i < a.n; i++) {
    const q = a.queue[i]!;
    if (q === CTL) continue;
    for (let p = 0; p < NQ; p++) if (a.signalMask[i]! & (1 << p)) given[q * NQ + p]!.push(s.end[i]!);
  }
  for (let i = 0; i < a.n; i++) {
    const q = a.queue[i]!;
    if (q === CTL) continue;
    for (let p = 0; p < NQ; p++)
      if (a.waitMask[i]! & (1 << p)) {
        const ch = p * NQ + q;
        out[i * NQ + p] = given[ch]![pos[ch]!++] ?? NaN;
      }
  }
  return out;
}

export { COL };
