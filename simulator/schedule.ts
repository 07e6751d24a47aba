// What an engine produces: the start and end cycle of every instruction (the same for both engines), plus the
// rules both engines share: dispatch times and the deadlock report.
//
// Timing rules (DESIGN §5): instructions are dispatched in program order, one every `issueCycles` (instruction
// i reaches its queue at (i + 1) * issueCycles). An instruction starts at the first cycle t at which
//   - it has been dispatched,
//   - its queue is free (the previous instruction of the queue has ended; queues are in order),
//   - every channel it waits on holds a token (a token is given at the producer's END cycle),
//   - halt only: every earlier instruction has ended.
// Instructions that become ready in the same cycle start in program order (this orders DRAM-port requests).
// Every unit instruction lasts >= 1 cycle; halt lasts 0.

import { QUEUES } from "../isa/instructions.js";
import type { Instr } from "../isa/types.js";
import { SimulationError } from "./errors.js";
import { CTL, type StaticAnalysis } from "./work.js";

export type EngineName = "event" | "stepped";

export interface Schedule {
  readonly engine: EngineName;
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** DMA: cycle the transfer got the DRAM port (NaN for others). */
  readonly portStart: Float64Array;
  /** Cycle the last instruction ended. */
  readonly cycles: number;
}

export const NQ = QUEUES.length;

export function dispatchCycle(i: number, issueCycles: number): number {
  return (i + 1) * issueCycles;
}

/** Instruction indices of each queue (0..4 = QUEUES, 5 = control), in program order. */
export function queueLists(a: StaticAnalysis): Int32Array[] {
  const counts = new Int32Array(CTL + 1);
  for (let i = 0; i < a.n; i++) counts[a.queue[i]!]!++;
  const lists = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(CTL + 1);
  for (let i = 0; i < a.n; i++) {
    const q = a.queue[i]!;
    lists[q]![fill[q]!++] = i;
  }
  return lists;
}

/** The 1-based position of the channel's last token given/taken, for the deadlock report. */
function tokenCounts(a: StaticAnalysis, s: { start: Float64Array; end: Float64Array }, t: number) {
  const given = new Int32Array(NQ * NQ),
    taken = new Int32Array(NQ * NQ);
  for (let i = 0; i < a.n; i++) {
    const q = a.queue[i]!;
    if (q === CTL) continue;
    if (s.end[i]! <= t) for (let p = 0; p < NQ; p++) if (a.signalMask[i]! & (1 << p)) given[q * NQ + p]!++;
    if (s.start[i]! <= t) for (let p = 0; p < NQ; p++) if (a.waitMask[i]! & (1 << p)) taken[p * NQ + q]!++;
  }
  return { given, taken };
}

/** Builds the error for a program in which nothing can progress at cycle t. */
export function deadlock(
  instrs: readonly Instr[],
  a: StaticAnalysis,
  s: { start: Float64Array; end: Float64Array },
  heads: readonly number[],
  t: number,
): SimulationError {
  const { given, taken } = tokenCounts(a, s, t);
  const lines: string[] = [];
  for (const i of heads) {
    if (i < 0) continue;
    const q = a.queue[i]!;
    const qn = q === CTL ? "ctl" : QUEUES[q]!;
    const why: string[] = [];
    if (q === CTL) why.push("waits for every earlier instruction to end");
    else
      for (let p = 0; p < NQ; p++)
        if (a.waitMask[i]! & (1 << p)) {
          const ch = p * NQ + q;
          if (given[ch]! <= taken[ch]!)
            why.push(`waits for a token on ${QUEUES[p]}->${qn} (${given[ch]} given, ${taken[ch]} taken)`);
        }
    lines.push(`  ${qn}: #${i} ${instrs[i]!.op} ${why.join("; ") || "(ready)"}`);
  }
  return new SimulationError(`deadlock at cycle ${t}: no queue can make progress; blocked instructions:`, lines);
}

export function tooLong(maxCycles: number): SimulationError {
  return new SimulationError(`the program did not finish within --max-cycles ${maxCycles}`, [], true);
}
