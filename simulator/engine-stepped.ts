// The stepped engine: advances one cycle at a time with explicit token counters, countdowns and a FIFO in front
// of the DRAM port. It shares no scheduling code with the event engine (only the rules of schedule.ts), so the
// two cross-check each other; it is meant for small programs and verification.

import type { Instr } from "../isa/types.js";
import { deadlock, dispatchCycle, NQ, queueLists, type Schedule, tooLong } from "./schedule.js";
import { CTL, type StaticAnalysis } from "./work.js";

const IDLE = 0,
  COMPUTE = 1,
  WAIT_PORT = 2,
  TRANSFER = 3,
  LATENCY = 4;

export function runSteppedEngine(
  instrs: readonly Instr[],
  a: StaticAnalysis,
  issueCycles: number,
  maxCycles: number,
): Schedule {
  const n = a.n;
  const start = new Float64Array(n).fill(NaN),
    end = new Float64Array(n).fill(NaN),
    portStart = new Float64Array(n).fill(NaN);
  const lists = queueLists(a);
  const head = new Int32Array(CTL + 1);
  const tokens = new Int32Array(NQ * NQ); // channel p->q at p*NQ + q
  const phase = new Uint8Array(NQ),
    rem = new Float64Array(NQ),
    current = new Int32Array(NQ).fill(-1);
  const portFifo: number[] = [];
  let portOwner = -1,
    done = 0,
    t = 0,
    lastEnd = 0;

  const finish = (q: number) => {
    const i = current[q]!;
    end[i] = t;
    lastEnd = t;
    for (let p = 0; p < NQ; p++) if (a.signalMask[i]! & (1 << p)) tokens[q * NQ + p]!++;
    phase[q] = IDLE;
    current[q] = -1;
    done++;
  };

  for (;;) {
    // 1. Completions at the start of cycle t.
    for (let q = 0; q < NQ; q++) {
      if (phase[q] === TRANSFER && rem[q] === 0) {
        portOwner = -1;
        phase[q] = LATENCY;
        rem[q] = a.latency[current[q]!]!;
      }
      if ((phase[q] === COMPUTE || phase[q] === LATENCY) && rem[q] === 0) finish(q);
    }
    if (done === n) break;
    // 2. Starts, in program order of the queue heads.
    const cands: number[] = [];
    for (let q = 0; q <= CTL; q++) if (head[q]! < lists[q]!.length) cands.push(lists[q]![head[q]!]!);
    cands.sort((x, y) => x - y);
    let startedAny = false,
      allDispatched = true;
    for (const i of cands) {
      const q = a.queue[i]!;
      if (dispatchCycle(i, issueCycles) > t) {
        allDispatched = false;
        continue;
      }
      if (q === CTL) {
        // Halt: every earlier instruction must have ended.
        let ok = true;
        for (let k = 0; k < NQ; k++)
          if (current[k]! >= 0 || (head[k]! < lists[k]!.length && lists[k]![head[k]!]! < i)) ok = false;
        if (!ok) continue;
        start[i] = end[i] = t;
        head[CTL]!++;
        done++;
        startedAny = true;
        continue;
      }
      if (phase[q] !== IDLE) continue;
      const m = a.waitMask[i]!;
      let ok = true;
      for (let p = 0; p < NQ; p++) if (m & (1 << p) && tokens[p * NQ + q]! < 1) ok = false;
      if (!ok) continue;
      for (let p = 0; p < NQ; p++) if (m & (1 << p)) tokens[p * NQ + q]!--;
      start[i] = t;
      current[q] = i;
      head[q]!++;
      startedAny = true;
      if (a.portCycles[i]! > 0) {
        phase[q] = WAIT_PORT;
        portFifo.push(q);
      } else {
        phase[q] = COMPUTE;
        rem[q] = a.duration[i]!;
      }
    }
    // 3. The DRAM port takes the oldest waiting transfer.
    if (portOwner < 0 && portFifo.length > 0) {
      const q = portFifo.shift()!;
      portOwner = q;
      portStart[current[q]!] = t;
      phase[q] = TRANSFER;
      rem[q] = a.portCycles[current[q]!]!;
    }
    if (done === n) break;
    let active = portOwner >= 0;
    for (let q = 0; q < NQ; q++) if (phase[q] !== IDLE) active = true;
    if (!active && !startedAny && allDispatched) {
      const heads = Array.from({ length: CTL + 1 }, (_, q) =>
        head[q]! < lists[q]!.length ? lists[q]![head[q]!]! : -1,
      );
      throw deadlock(instrs, a, { start, end }, heads, t);
    }
    // 4. The cycle passes.
    for (let q = 0; q < NQ; q++) if (phase[q] === COMPUTE || phase[q] === TRANSFER || phase[q] === LATENCY) rem[q]!--;
    t++;
    if (t > maxCycles) throw tooLong(maxCycles);
  }
  return { engine: "stepped", start, end, portStart, cycles: Math.max(lastEnd, t === 0 ? 0 : lastEnd) };
}
