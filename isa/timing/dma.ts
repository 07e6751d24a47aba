// The DMA engines (load queue, store queue) share ONE DRAM port.
// A transfer of B DRAM bytes occupies the port for ceil(B / bytesPerCycle) cycles; the port serves transfers in
// the order they start (ties: program order), so loads and stores contend for bandwidth; the DRAM latency
// follows the data phase and overlaps with the next transfer on the port:
//   port start P = max(start, port free), end = P + ceil(B / bytesPerCycle) + latency.
// dram.ideal (every tensor already on chip, compute timing alone): a transfer takes 1 cycle and no port.
//
// A load with src=act (a padded copy from the act SRAM into an SRAM buffer) never touches the DRAM port: the
// load engine writes one destination SRAM row per cycle (zero padding included; the source rows are read on
// the other banks in the same cycles), plus one cycle to fill the read -> write pipeline:
//   duration = ceil(bytes written / destination row bytes) + LOCAL_COPY_LATENCY.
// It occupies the load queue for that time (so it is DMA busy time) but never the DRAM port.

import type { HwConfig } from "../hw/types.js";

export interface DmaTiming {
  /** Cycles the transfer holds the shared DRAM port (0 when ideal). */
  readonly portCycles: number;
  /** Cycles after the data phase until the transfer completes. */
  readonly latency: number;
}

export function dmaTiming(dramBytes: number, hw: Pick<HwConfig, "dram">): DmaTiming {
  if (hw.dram.ideal) return { portCycles: 0, latency: 1 };
  return { portCycles: Math.max(1, Math.ceil(dramBytes / hw.dram.bytesPerCycle)), latency: hw.dram.latency };
}

/** Cycles between the first SRAM read of a local copy and its first write (one pipeline stage). */
export const LOCAL_COPY_LATENCY = 1;

/** Duration of a src=act load writing `bytesWritten` bytes (zero padding included) into the act-like buffer. */
export function localCopyCycles(bytesWritten: number, hw: Pick<HwConfig, "sram">): number {
  const rowBytes = hw.sram.act.rowBits / 8;
  return Math.ceil(bytesWritten / rowBytes) + LOCAL_COPY_LATENCY;
}
