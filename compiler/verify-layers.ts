// The layer-list verifier, run after every layer-stage pass: a failure here is a compiler bug (plain Error),
// not bad input, so it names the layer and the broken invariant.

import type { Shape } from "../models/ir.js";
import { windowOut } from "../models/shapes.js";
import type { AnyLayer, FrontProgram, Requant, Rescale } from "./layers.js";
import { MAX_SHIFT, Q_MAX, Q_MIN } from "./intmath.js";

const fmt = (s: Shape | undefined): string => (s ? `[${s.join(",")}]` : "[?]");
const same = (a: Shape | undefined, b: Shape | undefined): boolean => fmt(a) === fmt(b);
const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

function expectedOut(l: AnyLayer, x: Shape, ins: readonly Shape[]): Shape {
  const [c = 1, h = 1, w = 1] = x;
  switch (l.kind) {
    case "conv":
      return [
        l.cout,
        windowOut(h, l.pads[0], l.pads[2], l.kh, l.stride, l.dilation),
        windowOut(w, l.pads[1], l.pads[3], l.kw, l.stride, l.dilation),
      ];
    case "fc":
      return [l.P];
    case "add":
      return x;
    case "maxpool":
    case "avgpool":
      return [c, windowOut(h, l.pad, l.pad, l.k, l.stride), windowOut(w, l.pad, l.pad, l.k, l.stride)];
    case "gap":
      return [c, 1, 1];
    case "sumpool":
      return [
        c - l.kc + 1,
        h + l.pads[0] + l.pads[2] - l.dilation * (l.kh - 1),
        w + l.pads[1] + l.pads[3] - l.dilation * (l.kw - 1),
      ];
    case "act":
    case "mul":
      return x;
    case "concat":
      return [ins.reduce((a, s) => a + (s[0] ?? 0), 0), h, w];
    case "resize":
      return [c, h * l.scaleH, w * l.scaleW];
  }
}

function checkRescale(bad: (m: string) => never, q: Rescale | undefined): void {
  const r = q ?? bad("int8 program but no quantisation");
  checkRange(bad, r.lo, r.hi);
  if (r.shift < 0 || r.shift > MAX_SHIFT) bad(`shift ${r.shift}`);
}

function checkRequant(bad: (m: string) => never, r: Requant, cout: number): void {
  if (r.bias.length !== cout || r.mult.length !== cout || r.shift.length !== cout)
    bad(`requant tables have ${r.bias.length}/${r.mult.length}/${r.shift.length} entries, want ${cout}`);
  for (let o = 0; o < cout; o++) {
    const m = r.mult[o]!;
    if (m !== 0 && (m < 1 << 14 || m >= 1 << 15)) bad(`channel ${o}: multiplier ${m} outside [2^14, 2^15)`);
    if (r.shift[o]! < 0 || r.shift[o]! > MAX_SHIFT) bad(`channel ${o}: shift ${r.shift[o]} outside 0..${MAX_SHIFT}`);
  }
  checkRange(bad, r.lo, r.hi);
}

function checkRange(bad: (m: string) => never, lo: number, hi: number): void {
  if (!(Q_MIN <= lo && lo <= hi && hi <= Q_MAX)) bad(`clamp ${lo}..${hi} is not within ${Q_MIN}..${Q_MAX}`);
}

export function verifyLayers(lp: FrontProgram): void {
  const defined = new Map<string, Shape>([[lp.input.name, lp.input.shape]]);
  const names = new Set<string>();
  for (const l of lp.layers) {
    const bad = (m: string): never => {
      throw new Error(`verify-layers: layer '${l.name}' (${l.kind}): ${m}`);
    };
    if (names.has(l.name)) bad("name is not unique");
    names.add(l.name);
    const arity = l.kind === "add" || l.kind === "mul" ? 2 : l.kind === "concat" ? null : 1;
    if (arity === null ? l.inputs.length < 1 : l.inputs.length !== arity) bad(`has ${l.inputs.length} inputs`);
    for (const t of l.inputs) if (!defined.has(t)) bad(`reads '${t}' before it is written`);
    if (defined.has(l.output)) bad(`output '${l.output}' is written twice`);
    const x = defined.get(l.inputs[0]!)!;
    if (!same(x, l.inShape)) bad(`inShape ${fmt(l.inShape)} but its input is ${fmt(x)}`);
    const want = expectedOut(
      l,
      x,
      l.inputs.map((t) => defined.get(t)!),
    );
    if (!same(want, l.outShape)) bad(`outShape ${fmt(l.outShape)}, its parameters give ${fmt(want)}`);
    if (!same(lp.shapes.get(l.output), l.outShape))
      bad(`program shape of '${l.output}' is ${fmt(lp.shapes.get(l.output))}`);
    if (!(l.clamp.lo <= l.clamp.hi)) bad(`clamp ${l.clamp.lo}..${l.clamp.hi}`);
    defined.set(l.output, l.outShape);

    switch (l.kind) {
      case "conv": {
        if (l.cin !== x[0]) bad(`cin ${l.cin} but input has ${x[0]} channels`);
        const C = l.cin / l.groups;
        if (l.weight.length !== l.cout * C * l.kh * l.kw) bad(`weight has ${l.weight.length} values`);
        if (l.bias.length !== l.cout) bad(`bias has ${l.bias.length} values`);
        const s = l.structured;
        if (s) {
          if (lp.mode !== "structured") bad("structured layer in a dense program");
          if (l.kh !== l.kw || s.c < 1 || s.c > C || s.n < 1 || s.n > l.kh)
            bad(`invalid structure (c=${s.c}, n=${s.n})`);
          if (l.groups > 1 && (C !== 1 || s.c !== 1)) bad("grouped structured conv must be depthwise with c = 1");
          if (s.alpha.length !== l.cout * s.c * s.n * s.n) bad(`alpha has ${s.alpha.length} values`);
        }
        if (lp.dtype === "int8") {
          const q = l.q ?? bad("int8 program but no quantisation");
          const wlen = s ? s.alpha.length : l.weight.length;
          if (q.weight.length !== wlen) bad(`int8 weight has ${q.weight.length} values, want ${wlen}`);
          if (q.wScale.length !== l.cout) bad(`wScale has ${q.wScale.length} values`);
          if (Boolean(s) !== (q.eBits !== undefined && q.eShift !== undefined))
            bad("eBits/eShift must be present exactly for structured layers");
          checkRequant(bad, q.requant, l.cout);
        } else if (l.q) bad("fp32 program carries int8 parameters");
        break;
      }
      case "fc": {
        if (size(x) !== l.Q) bad(`Q ${l.Q} but input ${fmt(x)} has ${size(x)} values`);
        if (l.weight.length !== l.P * l.Q || l.bias.length !== l.P) bad("weight/bias size");
        const s = l.structured;
        if (s && (s.R < 1 || s.R > l.Q || s.alpha.length !== l.P * s.R)) bad(`invalid structure R=${s.R}`);
        if (lp.dtype === "int8") {
          const q = l.q ?? bad("int8 program but no quantisation");
          if (q.weight.length !== (s ? s.alpha.length : l.weight.length)) bad("int8 weight size");
          if (Boolean(s) !== (q.eBits !== undefined && q.eShift !== undefined))
            bad("eBits/eShift must be present exactly for structured layers");
          checkRequant(bad, q.requant, l.P);
        } else if (l.q) bad("fp32 program carries int8 parameters");
        break;
      }
      case "add": {
        const b = defined.get(l.inputs[1]!)!;
        if (l.shortcut) {
          const [bc = 0, bh = 0, bw = 0] = b;
          const st = l.shortcut.stride;
          if (l.shortcut.before + bc > (x[0] ?? 0) || Math.ceil(bh / st) !== x[1] || Math.ceil(bw / st) !== x[2])
            bad(`shortcut of ${fmt(b)} does not give ${fmt(x)}`);
        } else if (!same(b, x)) bad(`adds ${fmt(x)} and ${fmt(b)}`);
        if (lp.dtype === "int8") {
          const q = l.q ?? bad("int8 program but no quantisation");
          checkRange(bad, q.lo, q.hi);
          if (q.shift < 0 || q.shift > MAX_SHIFT) bad(`shift ${q.shift}`);
        }
        break;
      }
      case "maxpool":
      case "avgpool":
      case "gap":
        if (lp.dtype === "int8") {
          const q = l.q ?? bad("int8 program but no quantisation");
          checkRange(bad, q.lo, q.hi);
          if (q.shift < 0 || q.shift > MAX_SHIFT) bad(`shift ${q.shift}`);
        }
        break;
      case "sumpool":
        if (lp.dtype === "int8") {
          const q = l.q ?? bad("int8 program but no quantisation");
          if (q.eShift < 0 || q.eShift > 31) bad(`eShift ${q.eShift}`);
        }
        break;
      case "act":
        if (lp.dtype === "int8") {
          const q = l.q ?? bad("int8 program but no quantisation");
          if (q.lut.length !== 256) bad(`lookup table has ${q.lut.length} entries, want 256`);
          for (const v of q.lut)
            if (!(Q_MIN <= v && v <= Q_MAX)) bad(`lookup table entry ${v} outside ${Q_MIN}..${Q_MAX}`);
        } else if (l.q) bad("fp32 program carries int8 parameters");
        break;
      case "mul": {
        const b = defined.get(l.inputs[1]!)!;
        const gate = [x[0] ?? 0, 1, 1];
        if (!same(b, l.broadcast ? gate : x)) bad(`multiplies ${fmt(x)} by ${fmt(b)} (broadcast ${l.broadcast})`);
        if (lp.dtype === "int8") checkRescale(bad, l.q);
        break;
      }
      case "concat":
        for (const t of l.inputs) {
          const s = defined.get(t)!;
          if (s.length !== 3 || s[1] !== x[1] || s[2] !== x[2]) bad(`concatenates ${fmt(x)} and ${fmt(s)}`);
          // Placement, not a copy with rescale: every input must already be at the output's scale.
          if (lp.dtype === "int8" && lp.scales.get(t) !== lp.scales.get(l.output))
            bad(`input '${t}' has scale ${lp.scales.get(t)}, the output ${lp.scales.get(l.output)}`);
        }
        break;
      case "resize":
        if (!Number.isInteger(l.scaleH) || !Number.isInteger(l.scaleW) || l.scaleH < 1 || l.scaleW < 1)
          bad(`scale ${l.scaleH}x${l.scaleW} is not a positive integer`);
        if (lp.dtype === "int8") checkRescale(bad, l.q);
        break;
    }
  }
  if (!defined.has(lp.output)) throw new Error(`verify-layers: output '${lp.output}' is never written`);
  if (lp.dtype === "int8")
    for (const t of defined.keys()) {
      const s = lp.scales.get(t);
      if (!(s !== undefined && s > 0 && Number.isFinite(s)))
        throw new Error(`verify-layers: tensor '${t}' has no valid scale (${s})`);
    }
}
