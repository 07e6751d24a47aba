// The event-driven engine: time jumps from one instruction boundary (an end or a dispatch) to the next, so its
// cost is proportional to the number of instructions, not cycles. Rules: simulator/schedule.ts.

import type { Instr } from "../isa/types.js";
import { deadlock, dispatchCycle, NQ, queueLists, type Schedule, tooLong } from "./schedule.js";
import { CTL, type StaticAnalysis } from "./work.js";

export function runEventEngine(
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
  const nq = CTL + 1;
  const head = new Int32Array(nq);
  const queueFree = new Float64Array(nq);
  // producer[i*NQ + p]: the instruction whose signal supplies i's token from queue p (FIFO pairing), -1 if none.
  const producer = new Int32Array(n * NQ).fill(-1);
  {
    const pending: number[][] = Array.from({ length: NQ * NQ }, () => []);
    const readPos = new Int32Array(NQ * NQ);
    // Pair the k-th signal p->q with the k-th wait p->q; both sides are in queue (= program) order.
    for (let i = 0; i < n; i++) {
      const q = a.queue[i]!;
      if (q === CTL) continue;
      for (let p = 0; p < NQ; p++) if (a.signalMask[i]! & (1 << p)) pending[q * NQ + p]!.push(i);
    }
    for (let i = 0; i < n; i++) {
      const q = a.queue[i]!;
      if (q === CTL) continue;
      for (let p = 0; p < NQ; p++)
        if (a.waitMask[i]! & (1 << p)) {
          const ch = p * NQ + q;
          producer[i * NQ + p] = pending[ch]![readPos[ch]!++] ?? -1;
        }
    }
  }
  let portFree = 0,
    maxEnd = 0,
    remaining = n,
    t = 0;
  const order = new Int32Array(nq);
  const nextOf = new Int32Array(nq);

  const canStart = (i: number, q: number): boolean => {
    if (dispatchCycle(i, issueCycles) > t || queueFree[q]! > t) return false;
    if (q === CTL) {
      for (let k = 0; k < CTL; k++) if (head[k]! < lists[k]!.length && lists[k]![head[k]!]! < i) return false;
      return maxEnd <= t;
    }
    const m = a.waitMask[i]!;
    if (m === 0) return true;
    for (let p = 0; p < NQ; p++)
      if (m & (1 << p)) {
        const pr = producer[i * NQ + p]!;
        if (pr < 0 || !(end[pr]! <= t)) return false;
      }
    return true;
  };

  while (remaining > 0) {
    let started = true;
    while (started) {
      started = false;
      // Queue heads in program order (insertion sort: at most six, and no comparator calls).
      let k = 0;
      for (let q = 0; q < nq; q++) {
        if (head[q]! >= lists[q]!.length) continue;
        const i = lists[q]![head[q]!]!;
        let j = k++;
        for (; j > 0 && nextOf[j - 1]! > i; j--) {
          order[j] = order[j - 1]!;
          nextOf[j] = nextOf[j - 1]!;
        }
        order[j] = q;
        nextOf[j] = i;
      }
      for (let h = 0; h < k; h++) {
        const q = order[h]!;
        const i = nextOf[h]!;
        if (!canStart(i, q)) continue;
        start[i] = t;
        const pc = a.portCycles[i]!;
        let e: number;
        if (pc > 0) {
          const p = Math.max(t, portFree);
          portStart[i] = p;
          portFree = p + pc;
          e = p + pc + a.latency[i]!;
        } else e = t + a.duration[i]!;
        end[i] = e;
        queueFree[q] = e;
        if (e > maxEnd) maxEnd = e;
        head[q]!++;
        remaining--;
        started = true;
      }
    }
    if (remaining === 0) break;
    let next = Infinity;
    for (let q = 0; q < nq; q++) {
      if (queueFree[q]! > t && queueFree[q]! < next) next = queueFree[q]!;
      if (head[q]! < lists[q]!.length) {
        const d = dispatchCycle(lists[q]![head[q]!]!, issueCycles);
        if (d > t && d < next) next = d;
      }
    }
    if (maxEnd > t && maxEnd < next) next = maxEnd;
    if (next === Infinity) {
      const heads = Array.from({ length: nq }, (_, q) => (head[q]! < lists[q]!.length ? lists[q]![head[q]!]! : -1));
      throw deadlock(instrs, a, { start, end }, heads, t);
    }
    if (next > maxCycles) throw tooLong(maxCycles);
    t = next;
  }
  return { engine: "event", start, end, portStart, cycles: maxEnd };
}
