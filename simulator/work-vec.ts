// Counting rules of the vector unit.
// - requant = bias add + multiply + shift + two compares (clamp) per element; add = one multiply per operand, one
//   add, shift, clamp; avg pool / gap = window sums, one multiply + shift + clamp per output; max pool = one
//   compare per in-bounds tap beyond the first.
// - vop.act: the int8 lookup table is read from the par SRAM, one 4-byte entry per element (sram.par.read); its
//   index x + 128 is the code with the sign bit flipped, so no adder; no multiply or compare either (the table
//   holds the clamped result). fp32 programs are counted as the int8 machine does the same instruction.
//   vop.mul: two multiplies per element (a·b, then the rescale), a shift and two compares (clamp); a broadcast gate
//   is read once per channel. vop.resize per output: bilinear reads 4 taps and does 6 multiplies and 3 adds
//   (wy·(wx·a + wx·b) + wy·(wx·c + wx·d)), nearest reads 1 tap; both then rescale (multiply, shift, two
//   compares). Weights come from an address generator, not SRAM (isa/resize.ts).
// - SRAM traffic as the instruction reads and writes it; wires between each buffer and the unit.
// - Clock (clock.vec): every cycle of the instruction.

import { num, outSize, str, type Fields } from "../isa/machine-state.js";
import { resizeTaps, vecCycles } from "../isa/timing/vec.js";
import type { CountContext } from "./work.js";

type VecOp = "vop.requant" | "vop.add" | "vop.pool" | "vop.gap" | "vop.act" | "vop.mul" | "vop.resize";

export function countVec(op: VecOp, f: Fields, ctx: CountContext): void {
  const { hw, add } = ctx;
  let elements: number;
  switch (op) {
    case "vop.requant": {
      const c = num(f, "c"),
        E = c * num(f, "h") * num(f, "w");
      add("vec.add32", E);
      add("vec.mult32", E);
      add("vec.shift32", E);
      add("vec.cmp8", 2 * E);
      ctx.sram("acc", "read", 4 * E, "vec");
      ctx.sram("act", "write", E, "vec");
      ctx.sram("par", "read", 4 * (2 + 3 * c), "vec");
      elements = E;
      break;
    }
    case "vop.add": {
      const E = num(f, "c") * num(f, "h") * num(f, "w");
      const ops = num(f, "nob") === 1 ? 1 : 2;
      add("vec.mult32", ops * E);
      add("vec.add32", (ops - 1) * E);
      add("vec.shift32", E);
      add("vec.cmp8", 2 * E);
      ctx.sram("act", "read", ops * E, "vec");
      ctx.sram("act", "write", E, "vec");
      ctx.sram("par", "read", 20, "vec");
      elements = E;
      break;
    }
    case "vop.pool": {
      const c = num(f, "c"),
        h = num(f, "h"),
        w = num(f, "w");
      const win = num(f, "win"),
        stride = num(f, "stride"),
        pad = num(f, "pad");
      const ho = outSize(h + 2 * pad, win, stride, 1),
        wo = outSize(w + 2 * pad, win, stride, 1);
      const taps = c * inBounds(ho, h, win, stride, pad) * inBounds(wo, w, win, stride, pad);
      const O = c * ho * wo;
      if (str(f, "op") === "max") add("vec.cmp8", taps - O);
      else {
        add("vec.add32", taps - O);
        add("vec.mult32", O);
        add("vec.shift32", O);
        add("vec.cmp8", 2 * O);
        ctx.sram("par", "read", 16, "vec");
      }
      ctx.sram("act", "read", taps, "vec");
      ctx.sram("act", "write", O, "vec");
      elements = Math.max(taps, O);
      break;
    }
    case "vop.gap": {
      const c = num(f, "c"),
        hw2 = num(f, "h") * num(f, "w");
      add("vec.add32", c * (hw2 - 1));
      add("vec.mult32", c);
      add("vec.shift32", c);
      add("vec.cmp8", 2 * c);
      ctx.sram("act", "read", c * hw2, "vec");
      ctx.sram("act", "write", c, "vec");
      ctx.sram("par", "read", 16, "vec");
      elements = c * hw2;
      break;
    }
    case "vop.act": {
      const E = num(f, "c") * num(f, "h") * num(f, "w");
      ctx.sram("act", "read", E, "vec");
      ctx.sram("par", "read", 4 * E, "vec");
      ctx.sram("act", "write", E, "vec");
      elements = E;
      break;
    }
    case "vop.mul": {
      const c = num(f, "c"),
        E = c * num(f, "h") * num(f, "w");
      add("vec.mult32", 2 * E);
      add("vec.shift32", E);
      add("vec.cmp8", 2 * E);
      ctx.sram("act", "read", E + (num(f, "bc") === 1 ? c : E), "vec");
      ctx.sram("act", "write", E, "vec");
      ctx.sram("par", "read", 16, "vec");
      elements = E;
      break;
    }
    case "vop.resize": {
      const O = num(f, "c") * num(f, "h") * num(f, "sh") * num(f, "w") * num(f, "sw");
      const bilinear = str(f, "mode") === "bilinear";
      const taps = resizeTaps(bilinear ? "bilinear" : "nearest");
      add("vec.mult32", (bilinear ? 7 : 1) * O);
      if (bilinear) add("vec.add32", 3 * O);
      add("vec.shift32", O);
      add("vec.cmp8", 2 * O);
      ctx.sram("act", "read", taps * O, "vec");
      ctx.sram("act", "write", O, "vec");
      ctx.sram("par", "read", 16, "vec");
      elements = taps * O;
      break;
    }
  }
  const cycles = vecCycles(elements, hw);
  add("clock.vec", cycles);
  ctx.setTiming(cycles);
}

/** Sum over output positions of the in-bounds taps along one axis of a padded window. */
function inBounds(outs: number, n: number, win: number, stride: number, pad: number): number {
  let t = 0;
  for (let o = 0; o < outs; o++) {
    const lo = Math.max(0, o * stride - pad),
      hi = Math.min(n, o * stride - pad + win);
    if (hi > lo) t += hi - lo;
  }
  return t;
}
