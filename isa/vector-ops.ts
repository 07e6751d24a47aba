// Functional semantics of the vector unit's instructions (vop.*), as isa/semantics.ts describes them: pure
// functions over the machine state, no timing. int8 arithmetic of the newer ones:
//   vop.act     the par block is a 256-entry table of output codes: y = par[x + 128] (nothing computed)
//   vop.mul     clamp(roundShift(a · b · mult, shift), lo, hi)
//   vop.resize  clamp(roundShift(Σ wy·wx·x · mult, shift), lo, hi), integer weights of isa/resize.ts
// fp32: vop.act evaluates fn (isa/activation.ts) and clamps to par lo, hi; the others use real weights and
// multipliers.

import { activate, type ActivationFn } from "./activation.js";
import {
  check,
  clamp,
  MemoryFault,
  num,
  outSize,
  parAt,
  roundShift,
  str,
  type Fields,
  type MachineState,
} from "./machine-state.js";
import { exactTap, fixedTap, type ResizeCoord, type ResizeMode } from "./resize.js";

export function requant(s: MachineState, f: Fields): void {
  const dst = num(f, "dst"),
    src = num(f, "src"),
    par = num(f, "par");
  const c = num(f, "c"),
    hw = num(f, "h") * num(f, "w");
  const act = s.sram.act,
    acc = s.sram.acc;
  check(acc, "acc", src, src + c * hw * 4);
  check(act, "act", dst, dst + c * hw);
  check(s.sram.par, "par", par, par + 4 * (2 + 3 * c));
  const lo = parAt(s, par, 0),
    hi = parAt(s, par, 1);
  const isInt = s.dtype === "int8";
  for (let ci = 0; ci < c; ci++) {
    const bias = parAt(s, par, 2 + 3 * ci),
      mult = parAt(s, par, 3 + 3 * ci),
      shift = parAt(s, par, 4 + 3 * ci);
    for (let p = 0; p < hw; p++) {
      const v = (acc[src + (ci * hw + p) * 4]! + bias) * mult;
      act[dst + ci * hw + p] = clamp(isInt ? roundShift(v, shift) : v, lo, hi);
    }
  }
}

export function vadd(s: MachineState, f: Fields): void {
  const dst = num(f, "dst"),
    a = num(f, "a"),
    b = num(f, "b"),
    par = num(f, "par");
  const c = num(f, "c"),
    h = num(f, "h"),
    w = num(f, "w"),
    bs = num(f, "bs"),
    nob = num(f, "nob") === 1;
  const act = s.sram.act;
  check(act, "act", a, a + c * h * w);
  check(act, "act", dst, dst + c * h * w);
  if (!nob) check(act, "act", b, b + c * h * bs * w * bs);
  check(s.sram.par, "par", par, par + 20);
  const lo = parAt(s, par, 0),
    hi = parAt(s, par, 1),
    ma = parAt(s, par, 2),
    mb = parAt(s, par, 3),
    shift = parAt(s, par, 4);
  const isInt = s.dtype === "int8";
  for (let ci = 0; ci < c; ci++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = (ci * h + y) * w + x;
        let v = act[a + i]! * ma;
        if (!nob) v += act[b + (ci * h * bs + y * bs) * w * bs + x * bs]! * mb;
        act[dst + i] = clamp(isInt ? roundShift(v, shift) : v, lo, hi);
      }
}

export function vpool(s: MachineState, f: Fields): void {
  const dst = num(f, "dst"),
    src = num(f, "src"),
    par = num(f, "par");
  const c = num(f, "c"),
    h = num(f, "h"),
    w = num(f, "w");
  const isMax = str(f, "op") === "max";
  const win = num(f, "win"),
    stride = num(f, "stride"),
    pad = num(f, "pad");
  const ho = outSize(h + 2 * pad, win, stride, 1),
    wo = outSize(w + 2 * pad, win, stride, 1);
  const act = s.sram.act;
  check(act, "act", src, src + c * h * w);
  check(act, "act", dst, dst + c * ho * wo);
  const isInt = s.dtype === "int8";
  let lo = 0,
    hi = 0,
    mult = 0,
    shift = 0;
  if (!isMax) {
    check(s.sram.par, "par", par, par + 16);
    [lo, hi, mult, shift] = [parAt(s, par, 0), parAt(s, par, 1), parAt(s, par, 2), parAt(s, par, 3)];
  }
  for (let ci = 0; ci < c; ci++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        let acc = isMax ? -Infinity : 0;
        for (let j = 0; j < win; j++) {
          const y = oy * stride + j - pad;
          if (y < 0 || y >= h) continue;
          for (let k = 0; k < win; k++) {
            const x = ox * stride + k - pad;
            if (x < 0 || x >= w) continue;
            const v = act[src + (ci * h + y) * w + x]!;
            acc = isMax ? (v > acc ? v : acc) : acc + v;
          }
        }
        const o = dst + (ci * ho + oy) * wo + ox;
        if (isMax) act[o] = acc;
        else act[o] = clamp(isInt ? roundShift(acc * mult, shift) : acc * mult, lo, hi);
      }
}

export function gap(s: MachineState, f: Fields): void {
  const dst = num(f, "dst"),
    src = num(f, "src"),
    par = num(f, "par");
  const c = num(f, "c"),
    hw = num(f, "h") * num(f, "w");
  const act = s.sram.act;
  check(act, "act", src, src + c * hw);
  check(act, "act", dst, dst + c);
  check(s.sram.par, "par", par, par + 16);
  const lo = parAt(s, par, 0),
    hi = parAt(s, par, 1),
    mult = parAt(s, par, 2),
    shift = parAt(s, par, 3);
  const isInt = s.dtype === "int8";
  for (let ci = 0; ci < c; ci++) {
    let sum = 0;
    for (let p = 0; p < hw; p++) sum += act[src + ci * hw + p]!;
    act[dst + ci] = clamp(isInt ? roundShift(sum * mult, shift) : sum * mult, lo, hi);
  }
}

/** Entries of vop.act's int8 lookup table: one per int8 code, indexed by code + 128. */
export const ACT_TABLE_ENTRIES = 256;

export function vact(s: MachineState, f: Fields): void {
  const dst = num(f, "dst"),
    src = num(f, "src"),
    par = num(f, "par");
  const n = num(f, "c") * num(f, "h") * num(f, "w");
  const fn = str(f, "fn") as ActivationFn;
  const act = s.sram.act;
  check(act, "act", src, src + n);
  check(act, "act", dst, dst + n);
  if (s.dtype === "int8") {
    check(s.sram.par, "par", par, par + 4 * ACT_TABLE_ENTRIES);
    for (let i = 0; i < n; i++) {
      const x = act[src + i]!;
      if (x < -128 || x > 127)
        throw new MemoryFault(`vop.act: act[0x${(src + i).toString(16)}] = ${x} is not an int8 code`);
      act[dst + i] = parAt(s, par, x + 128);
    }
    return;
  }
  check(s.sram.par, "par", par, par + 16);
  const lo = parAt(s, par, 0),
    hi = parAt(s, par, 1),
    alpha = parAt(s, par, 2),
    beta = parAt(s, par, 3);
  for (let i = 0; i < n; i++) act[dst + i] = clamp(activate(fn, act[src + i]!, alpha, beta), lo, hi);
}

export function vmul(s: MachineState, f: Fields): void {
  const dst = num(f, "dst"),
    a = num(f, "a"),
    b = num(f, "b"),
    par = num(f, "par");
  const c = num(f, "c"),
    plane = num(f, "h") * num(f, "w"),
    bc = num(f, "bc") === 1;
  const n = c * plane;
  const act = s.sram.act;
  check(act, "act", a, a + n);
  check(act, "act", b, b + (bc ? c : n));
  check(act, "act", dst, dst + n);
  check(s.sram.par, "par", par, par + 16);
  const lo = parAt(s, par, 0),
    hi = parAt(s, par, 1),
    mult = parAt(s, par, 2),
    shift = parAt(s, par, 3);
  const isInt = s.dtype === "int8";
  // Operands are read before anything is written (the result may overlap them at another offset).
  const xa = act.slice(a, a + n);
  const xb = act.slice(b, b + (bc ? c : n));
  for (let ci = 0; ci < c; ci++)
    for (let p = 0; p < plane; p++) {
      const i = ci * plane + p;
      const v = xa[i]! * xb[bc ? ci : i]! * mult;
      act[dst + i] = clamp(isInt ? roundShift(v, shift) : v, lo, hi);
    }
}

export function vresize(s: MachineState, f: Fields): void {
  const dst = num(f, "dst"),
    src = num(f, "src"),
    par = num(f, "par");
  const c = num(f, "c"),
    h = num(f, "h"),
    w = num(f, "w"),
    sh = num(f, "sh"),
    sw = num(f, "sw");
  const mode = str(f, "mode") as ResizeMode,
    coord = str(f, "coord") as ResizeCoord;
  const ho = h * sh,
    wo = w * sw;
  const act = s.sram.act;
  check(act, "act", src, src + c * h * w);
  check(act, "act", dst, dst + c * ho * wo);
  check(s.sram.par, "par", par, par + 16);
  const lo = parAt(s, par, 0),
    hi = parAt(s, par, 1),
    mult = parAt(s, par, 2),
    shift = parAt(s, par, 3);
  const isInt = s.dtype === "int8";
  // int8: integer weights summing to 2^11 per axis; fp32: the real ones.
  const tap = isInt ? fixedTap : exactTap;
  const rows = Array.from({ length: ho }, (_, o) => tap(mode, coord, o, h, sh));
  const cols = Array.from({ length: wo }, (_, o) => tap(mode, coord, o, w, sw));
  const x = act.slice(src, src + c * h * w);
  for (let ci = 0; ci < c; ci++)
    for (let oy = 0; oy < ho; oy++) {
      const r = rows[oy]!;
      const top = (ci * h + r.i0) * w,
        bottom = (ci * h + r.i1) * w;
      for (let ox = 0; ox < wo; ox++) {
        const k = cols[ox]!;
        const sum =
          r.w0 * (k.w0 * x[top + k.i0]! + k.w1 * x[top + k.i1]!) +
          r.w1 * (k.w0 * x[bottom + k.i0]! + k.w1 * x[bottom + k.i1]!);
        act[dst + (ci * ho + oy) * wo + ox] = clamp(isInt ? roundShift(sum * mult, shift) : sum * mult, lo, hi);
      }
    }
}
