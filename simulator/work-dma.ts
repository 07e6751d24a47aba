// Counting rules of the DMA engines (load and store queues).
// - DRAM bytes = c*h*w*element size; SRAM bytes written include the zero padding.
// - A load with src=act reads c*h*w bytes of the act buffer instead of DRAM (sram.act.read) and moves no DRAM bytes.
// - A load of parameters (weights, alpha, tables) that sit in the machine's on-chip weight store reads the store
//   (wstore.read) instead of DRAM: no DRAM bytes, no DRAM port, one store row per cycle plus one pipeline cycle.
// - Address generation (dma.addr): one address per tile row on the strided side (c*h) and one per SRAM row on the
//   SRAM side (ceil(bytes / row bytes)).
// - Clock (clock.dma): the cycles the engine moves data (port cycles, or the local copy's cycles).
// - Wires: SRAM bytes travel between the buffer and the engine; a local copy also from the act buffer.

import type { Instr } from "../isa/types.js";
import { ELEMENT_BYTES } from "../isa/instructions.js";
import { bufferOf, num, str } from "../isa/semantics.js";
import { dmaTiming, localCopyCycles, LOCAL_COPY_LATENCY } from "../isa/timing/dma.js";
import type { CountContext } from "./work.js";

function inRanges(addr: number, ranges: readonly (readonly [number, number])[] | undefined): boolean {
  if (ranges === undefined) return false;
  for (const [lo, hi] of ranges) if (addr >= lo && addr < hi) return true;
  return false;
}

export function countDma(ins: Instr, ctx: CountContext): void {
  const { hw, add } = ctx;
  const f = ins.f;
  const buf = bufferOf(str(f, "buf"));
  const es = buf === "pool" ? ctx.widths.get(num(f, "sram")) : ELEMENT_BYTES[buf];
  const c = num(f, "c"),
    h = num(f, "h"),
    w = num(f, "w");
  const bytes = c * h * w * es;
  const rowBytes = hw.sram[buf].rowBits / 8;
  if (ins.op === "store") {
    add("dram.write", bytes);
    ctx.sram(buf, "read", bytes, "dma");
    add("dma.addr", c * h + Math.ceil(bytes / rowBytes));
    const t = dmaTiming(bytes, hw);
    add("clock.dma", Math.max(1, t.portCycles));
    ctx.setTiming(t.portCycles + t.latency, t.portCycles, t.latency);
    return;
  }
  const H = h + num(f, "pt") + num(f, "pb"),
    W = w + num(f, "pl") + num(f, "pr");
  const written = c * H * W * es;
  ctx.sram(buf, "write", written, "dma");
  add("dma.addr", c * h + Math.ceil(written / rowBytes));
  if (f["src"] === "act") {
    // A local padded copy: no DRAM bytes and no DRAM port (isa/timing/dma.ts localCopyCycles).
    ctx.sram("act", "read", c * h * w, "dma");
    const d = localCopyCycles(written, hw);
    add("clock.dma", d);
    ctx.setTiming(d, 0, 0);
    return;
  }
  if (inRanges(num(f, "dram"), ctx.opts.onChipParams)) {
    // Parameters from the on-chip weight store: its rows stream into the buffer like a local copy.
    add("wstore.read", bytes);
    ctx.wire(bytes, "wstore", "dma");
    const d = Math.ceil(bytes / (hw.wstore.rowBits / 8)) + LOCAL_COPY_LATENCY;
    add("clock.dma", d);
    ctx.setTiming(d, 0, 0);
    return;
  }
  add("dram.read", bytes);
  const t = dmaTiming(bytes, hw);
  add("clock.dma", Math.max(1, t.portCycles));
  ctx.setTiming(t.portCycles + t.latency, t.portCycles, t.latency);
}
