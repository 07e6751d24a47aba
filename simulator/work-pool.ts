// Counting rules of the sum-pool unit: everything the stage spends is charged to it.
// - Adds per isa/timing/pool.ts, at the adder width max(E bits, pool.outBits) (the exact sum is formed before any
//   requantising shift, so a narrower E does not make the adders narrower).
// - SRAM: the int8 input tile is read once (c*h*w bytes of act), E written once (outputs x E bytes of pool).
// - Line buffers (lbuf.*): separable mode runs a running sum per axis, adding the new tap and subtracting the one
//   k places back: the first active pass keeps its int8 input in a delay line (written and read once), and every
//   plane between two active passes is written once and read twice (new tap, old tap) at the adder width.
//   Direct mode keeps the input in a line buffer (written once) and its adder trees take a new column of kc x kh
//   values per output from it.
// - Wires: input from the act SRAM and E to the pool SRAM. Clock (clock.pool): every cycle of the instruction.

import { num, str, type Fields } from "../isa/machine-state.js";
import { poolCycles, poolOutputs, poolPassAdds, type PoolShape } from "../isa/timing/pool.js";
import type { ActionCounter } from "../isa/counters.js";
import type { CountContext } from "./work.js";

export function countPool(f: Fields, ctx: CountContext): void {
  const { hw, add } = ctx;
  const bits = Number(str(f, "bits"));
  const eBytes = bits / 8;
  const shape: PoolShape = {
    c: num(f, "c"),
    h: num(f, "h"),
    w: num(f, "w"),
    kc: num(f, "kc"),
    kh: num(f, "kh"),
    kw: num(f, "kw"),
    dil: num(f, "dil"),
    separable: str(f, "mode") === "separable",
    eBytes,
  };
  const { co, ho, outputs } = poolOutputs(shape);
  ctx.widths.set(num(f, "dst"), outputs * eBytes, eBytes);
  const passAdds = poolPassAdds(shape);
  const adds = passAdds.reduce((x, y) => x + y, 0);
  const adderBits = Math.max(bits, hw.pool.outBits);
  add(`pool.add${adderBits}` as ActionCounter, adds);
  add("spu_adds", adds);
  const inBytes = shape.c * shape.h * shape.w;
  ctx.sram("act", "read", inBytes, "pool");
  ctx.sram("pool", "write", outputs * eBytes, "pool");

  const aBytes = adderBits / 8;
  if (shape.separable) {
    // planes after each pass: channel (co, h, w), row (co, ho, w), column (co, ho, wo) = E
    const planes = [co * shape.h * shape.w, co * ho * shape.w, outputs];
    const active = passAdds.map((a, j) => (a > 0 ? j : -1)).filter((j) => j >= 0);
    if (active.length > 0) {
      add("lbuf.write", inBytes);
      add("lbuf.read", inBytes);
    }
    for (const j of active.slice(0, -1)) {
      add("lbuf.write", planes[j]! * aBytes);
      add("lbuf.read", 2 * planes[j]! * aBytes);
    }
  } else if (shape.kc * shape.kh * shape.kw > 1) {
    add("lbuf.write", inBytes);
    add("lbuf.read", outputs * shape.kc * shape.kh);
  }
  const cycles = poolCycles(shape, hw);
  add("clock.pool", cycles);
  ctx.setTiming(cycles);
}
