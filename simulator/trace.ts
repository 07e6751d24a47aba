// Chrome / Perfetto trace (chrome://tracing, ui.perfetto.dev): one "X" (complete) event per instruction on the
// track (tid) of its queue, plus the DRAM port as its own track; ph "M" metadata names the process and tracks.
// Timestamps are microseconds: cycles / clock_MHz.

import { QUEUES } from "../isa/instructions.js";
import type { SimResult } from "./simulate.js";
import { CTL } from "./work.js";

export interface TraceEvent {
  name: string;
  ph: "X" | "M";
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

const TRACK_NAMES = [
  ...QUEUES.map(
    (q) => ({ ld: "DMA load", st: "DMA store", pool: "sum-pool unit", mac: "MAC array", vec: "vector unit" })[q],
  ),
  "control",
  "DRAM port",
];

export function chromeTrace(r: SimResult): {
  traceEvents: TraceEvent[];
  displayTimeUnit: "ns";
  otherData: Record<string, unknown>;
} {
  const us = (cycles: number) => cycles / r.hw.clock_mhz;
  const ev: TraceEvent[] = [
    {
      name: "process_name",
      ph: "M",
      pid: 1,
      tid: 0,
      args: { name: `sumac ${r.program.manifest.model} on ${r.hw.id}` },
    },
  ];
  TRACK_NAMES.forEach((name, tid) => {
    ev.push({ name: "thread_name", ph: "M", pid: 1, tid, args: { name } });
    ev.push({ name: "thread_sort_index", ph: "M", pid: 1, tid, args: { sort_index: tid } });
  });
  const layerOf = new Array<string>(r.analysis.n).fill("");
  for (const l of r.program.manifest.layers)
    for (let i = l.begin; i < l.end && i < layerOf.length; i++) layerOf[i] = l.name;
  const port = TRACK_NAMES.length - 1;
  for (let i = 0; i < r.analysis.n; i++) {
    const q = r.analysis.queue[i]!;
    const s = r.schedule.start[i]!,
      e = r.schedule.end[i]!;
    const op = r.program.instructions[i]!.op;
    ev.push({
      name: op,
      cat: layerOf[i] || "program",
      ph: "X",
      pid: 1,
      tid: q === CTL ? CTL : q,
      ts: us(s),
      dur: us(e - s),
      args: { instr: i, layer: layerOf[i], start_cycle: s, end_cycle: e },
    });
    const pc = r.analysis.portCycles[i]!;
    if (pc > 0)
      ev.push({
        name: op,
        cat: "dram",
        ph: "X",
        pid: 1,
        tid: port,
        ts: us(r.schedule.portStart[i]!),
        dur: us(pc),
        args: { instr: i },
      });
  }
  return {
    traceEvents: ev,
    displayTimeUnit: "ns",
    otherData: { hw: r.hw.id, cycles: r.schedule.cycles, clock_mhz: r.hw.clock_mhz },
  };
}
