// Counting rules of the MAC array (conv, gemm).
// - Passes: an operand element wider than the array's activation width (mac.actBits) takes
//   passes = ceil(element bits / actBits) passes over the array (lead's decision 2; cycles in isa/timing/mac.ts):
//   each pass multiplies one actBits-wide slice and accumulates it, so the shift-add that combines the slices is
//   the later passes' accumulation (the slice enters the accumulator shifted: wiring, no extra adder).
// - Multiplications are priced by the multiplier the array has, not by the operand: mac.mult8 on an 8-bit array,
//   mac.mult16 on a 16-bit one (an 8-bit activation on a 16x8 multiplier costs the 16x8 price). One 32-bit
//   accumulation per multiplication.
// - Operand SRAM traffic follows the dataflow (SCALE-Sim convention, every fold streams its operands again):
//     ws: weights read once, inputs once per output-channel fold, partial sums of each reduction fold written to
//         acc and read back by the next one (and by every later pass);
//     os: inputs once per output-channel fold, weights once per pixel fold, outputs written once per pass;
//     is: inputs read once, weights once per pixel fold, partial sums as in ws.
//   mac.inputReuse = window (default): a conv's inputs enter a line buffer once per fold (c*h*w elements, never
//   more than the im2col stream) and the window registers take a new column of kh values per channel per output
//   from it (lbuf.read); im2col: every tap reads SRAM (T*K elements per fold), no line buffer. A 1x1 conv or a
//   gemm has no window to reuse.
// - Pipeline registers (mac.reg, bits): per multiplication the two moving operands of the dataflow are written
//   into the next cell's registers (ws: activation + partial sum; os: activation + weight; is: weight + partial
//   sum), at the array's widths; the stationary operand is shifted in through (rows + 1) / 2 cells on average.
// - Wires: SRAM operands travel between each buffer and the array; inside it every register write above
//   travels one cell pitch.
// - Clock (clock.mac): every cycle of the instruction.

import { ELEMENT_BYTES } from "../isa/instructions.js";
import { bufferOf, num, outSize, str, type Fields } from "../isa/machine-state.js";
import { macMapping } from "../isa/timing/mac.js";
import type { CountContext } from "./work.js";

export function countMac(op: "conv" | "gemm", f: Fields, ctx: CountContext): void {
  const { hw, add } = ctx;
  const sbuf = bufferOf(str(f, "sbuf"));
  const es = sbuf === "pool" ? ctx.widths.get(num(f, "src")) : ELEMENT_BYTES[sbuf];
  let T: number, K: number, N: number, dw: boolean;
  let window: { inputs: number; newPerOutput: number } | undefined;
  if (op === "gemm") {
    [T, K, N, dw] = [num(f, "m"), num(f, "k"), num(f, "n"), false];
  } else {
    const c = num(f, "c"),
      h = num(f, "h"),
      w = num(f, "w"),
      kh = num(f, "kh"),
      kw = num(f, "kw");
    const stride = num(f, "stride"),
      dil = num(f, "dil");
    dw = num(f, "dw") === 1;
    T = outSize(h, kh, stride, dil) * outSize(w, kw, stride, dil);
    K = (dw ? 1 : c) * kh * kw;
    N = num(f, "cout");
    const channels = dw ? N : c;
    if (kh * kw > 1 && hw.mac.inputReuse === "window")
      window = { inputs: c * h * w, newPerOutput: channels * kh * Math.min(stride, kw) };
  }
  const macs = T * K * N;
  const m = macMapping({ T, K, N, dw, elementBits: es * 8 }, hw);
  const passes = m.passes;
  const outs = T * N;
  add("macs", macs);
  add(hw.mac.actBits === 8 ? "mac.mult8" : "mac.mult16", macs * passes);
  add("mac.add32", macs * passes);

  const flow = hw.mac.dataflow;
  const colFolds = dw ? 1 : Math.ceil(N / hw.mac.cols);
  const pixFolds = flow === "os" ? Math.ceil(T / hw.mac.rows) : Math.ceil(T / hw.mac.cols);
  const operandFolds = flow === "is" ? 1 : colFolds;
  const im2col = T * K * es * (dw ? N : 1); // bytes streamed per fold when every tap reads SRAM
  const perFold = window ? Math.min(im2col, window.inputs * es) : im2col;
  ctx.sram(sbuf, "read", perFold * operandFolds, "mac");
  if (window) {
    add("lbuf.write", perFold * operandFolds);
    add("lbuf.read", Math.min(im2col, T * window.newPerOutput * es) * operandFolds);
  }
  const wbytes = N * K;
  const weightReads = flow === "ws" ? wbytes : wbytes * pixFolds;
  ctx.sram("wgt", "read", weightReads, "mac");
  const rf = flow === "os" ? 1 : m.reductionFolds;
  const accum = num(f, "accum") === 1 ? 1 : 0;
  ctx.sram("acc", "write", outs * rf * passes * 4, "mac");
  ctx.sram("acc", "read", outs * (rf * passes - 1 + accum) * 4, "mac");

  const { actBits, weightBits, psumBits, rows } = hw.mac;
  const moving = flow === "ws" ? actBits + psumBits : flow === "os" ? actBits + weightBits : weightBits + psumBits;
  const hops = (rows + 1) / 2;
  const stationaryBits = flow === "ws" ? weightReads * 8 : flow === "os" ? outs * psumBits : perFold * 8;
  const regBits = macs * passes * moving + stationaryBits * hops;
  add("mac.reg", regBits);
  add("wire.bitmm", regBits * hw.floorplan.macPitchMm);

  add("clock.mac", m.cycles);
  ctx.setTiming(m.cycles);
}
