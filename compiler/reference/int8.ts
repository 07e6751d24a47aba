// int8 reference executor: the oracle the simulator's int8 output must equal bit for bit. Plain loops over
// the layers doing exactly the machine's integer arithmetic (compiler/layers.ts header, isa/instructions.ts):
//   conv/fc   int8 x int8 products summed exactly (int32 range is guaranteed by the quantise pass),
//             then requant per output channel: clamp(roundShift((acc + bias) * mult, shift), lo, hi)
//   structured  E = saturate_eBits(roundShift(exact int window sum of the zero-padded int8 input, eShift)),
//             then the small conv / gemm of E with the int8 alpha, then requant
//   add       clamp(roundShift(a*ma + b'*mb, shift), lo, hi), b' = b, or b subsampled and channel-padded
//   avgpool   clamp(roundShift(window sum (zeros in the padding) * mult, shift), lo, hi)
//   maxpool   clamp(roundShift(window max (padding ignored) * mult, shift), lo, hi)   (mult 1, shift 0, -127..127:
//             the identity on int8 codes, so it equals a plain max)
//   gap       clamp(roundShift(channel sum * mult, shift), lo, hi)
//   sumpool   saturate_eBits(roundShift(window sum, eShift))
//   act       lut[x + 128]
//   mul       clamp(roundShift(a * b' * mult, shift), lo, hi), b' = b or b[c] over channel c's plane
//   concat    the inputs' codes stacked along channels (quantise gives every input the output's scale)
//   resize    clamp(roundShift(Σ wy·wx·x * mult, shift), lo, hi), fixed-point tap weights (reference/vector.ts)

import type { AnyLayer, ConvLayer, FcLayer, FrontProgram, Requant } from "../layers.js";
import { clampInt, roundShift, saturate } from "../intmath.js";
import { shapeToFmap, type RunHooks } from "./fp32.js";
import {
  channelSums,
  conv2d,
  type Fmap,
  matVec,
  maxPool,
  pad,
  shortcutA,
  sumPool1d,
  sumPool3d,
  windowSum,
} from "./kernels.js";
import { concatChannels, multiply, resize } from "./vector.js";

function need<T>(l: AnyLayer, q: T | undefined): T {
  if (q === undefined) throw new Error(`runInt8: layer '${l.name}' (${l.kind}) has no quantisation parameters`);
  return q;
}

function requantInPlace(acc: Fmap, r: Requant): void {
  const plane = acc.h * acc.w;
  for (let c = 0; c < acc.c; c++) {
    const bias = r.bias[c]!;
    const mult = r.mult[c]!;
    const shift = r.shift[c]!;
    for (let p = c * plane; p < (c + 1) * plane; p++)
      acc.data[p] = clampInt(roundShift((acc.data[p]! + bias) * mult, shift), r.lo, r.hi);
  }
}

function shiftSaturateInPlace(d: Float64Array, shift: number, bits: number): void {
  for (let i = 0; i < d.length; i++) d[i] = saturate(roundShift(d[i]!, shift), bits);
}

function scaleClampInPlace(d: Float64Array, mult: number, shift: number, lo: number, hi: number): void {
  for (let i = 0; i < d.length; i++) d[i] = clampInt(roundShift(d[i]! * mult, shift), lo, hi);
}

function convInt8(l: ConvLayer, x: Fmap): Fmap {
  const q = need(l, l.q);
  const xp = pad(x, l.pads);
  let acc: Fmap;
  if (l.structured) {
    const { c, n } = l.structured;
    const depthwise = l.groups > 1;
    const e = sumPool3d(xp, depthwise ? 1 : l.cin - c + 1, l.kh - n + 1, l.kw - n + 1, l.dilation);
    shiftSaturateInPlace(e.data, need(l, q.eShift), need(l, q.eBits));
    acc = conv2d(e, q.weight, l.cout, n, n, l.stride, l.dilation, depthwise ? l.groups : 1);
  } else {
    acc = conv2d(xp, q.weight, l.cout, l.kh, l.kw, l.stride, l.dilation, l.groups);
  }
  requantInPlace(acc, q.requant);
  return acc;
}

function fcInt8(l: FcLayer, x: Fmap): Fmap {
  const q = need(l, l.q);
  let acc: Float64Array;
  if (l.structured) {
    const e = sumPool1d(x.data, l.Q - l.structured.R + 1);
    shiftSaturateInPlace(e, need(l, q.eShift), need(l, q.eBits));
    acc = matVec(e, q.weight, l.P);
  } else {
    acc = matVec(x.data, q.weight, l.P);
  }
  const y = { data: acc, c: l.P, h: 1, w: 1 };
  requantInPlace(y, q.requant);
  return y;
}

function layerInt8(l: AnyLayer, ins: readonly Fmap[]): Fmap {
  const x = ins[0]!;
  switch (l.kind) {
    case "conv":
      return convInt8(l, x);
    case "fc":
      return fcInt8(l, x);
    case "add": {
      const q = need(l, l.q);
      const b = l.shortcut ? shortcutA(ins[1]!, l.shortcut.stride, l.shortcut.before, x.c) : ins[1]!;
      const out = new Float64Array(x.data.length);
      for (let i = 0; i < out.length; i++)
        out[i] = clampInt(roundShift(x.data[i]! * q.ma + b.data[i]! * q.mb, q.shift), q.lo, q.hi);
      return { ...x, data: out };
    }
    case "maxpool":
    case "avgpool": {
      const q = need(l, l.q);
      const y = l.kind === "maxpool" ? maxPool(x, l.k, l.stride, l.pad) : windowSum(x, l.k, l.stride, l.pad);
      scaleClampInPlace(y.data, q.mult, q.shift, q.lo, q.hi);
      return y;
    }
    case "gap": {
      const q = need(l, l.q);
      const s = channelSums(x);
      scaleClampInPlace(s, q.mult, q.shift, q.lo, q.hi);
      return { data: s, c: x.c, h: 1, w: 1 };
    }
    case "sumpool": {
      const q = need(l, l.q);
      const e = sumPool3d(pad(x, l.pads), l.kc, l.kh, l.kw, l.dilation);
      shiftSaturateInPlace(e.data, q.eShift, q.eBits);
      return e;
    }
    case "act": {
      const lut = need(l, l.q).lut;
      return { ...x, data: x.data.map((v) => lut[v + 128]!) };
    }
    case "mul": {
      const q = need(l, l.q);
      const y = multiply(x, ins[1]!, l.broadcast);
      scaleClampInPlace(y.data, q.mult, q.shift, q.lo, q.hi);
      return y;
    }
    case "concat":
      return concatChannels(ins);
    case "resize": {
      const q = need(l, l.q);
      const y = resize(l, x, true);
      scaleClampInPlace(y.data, q.mult, q.shift, q.lo, q.hi);
      return y;
    }
  }
}

/** Runs every layer on one int8 image; returns all tensors by name (integer codes held in Float64Arrays). */
export function runInt8Tensors(lp: FrontProgram, inputQ: Int8Array, hooks: RunHooks = {}): Map<string, Fmap> {
  if (lp.dtype !== "int8") throw new Error(`runInt8: program '${lp.model}' is not quantised (dtype ${lp.dtype})`);
  const want = lp.input.shape.reduce((a, b) => a * b, 1);
  if (inputQ.length !== want) throw new Error(`runInt8: input has ${inputQ.length} values, the model wants ${want}`);
  const x0 = shapeToFmap(inputQ, lp.input.shape);
  const tensors = new Map<string, Fmap>([[lp.input.name, x0]]);
  hooks.onTensor?.(lp.input.name, x0.data, null);
  for (const l of lp.layers) {
    const ins = l.inputs.map((t) => {
      const v = tensors.get(t);
      if (!v) throw new Error(`runInt8: layer '${l.name}' reads '${t}' before it is computed`);
      return v;
    });
    const y = layerInt8(l, ins);
    tensors.set(l.output, y);
    hooks.onTensor?.(l.output, y.data, l);
  }
  return tensors;
}

/** int8 output codes of the program for one int8 image. */
export function runInt8(lp: FrontProgram, inputQ: Int8Array, hooks: RunHooks = {}): Int8Array {
  const out = runInt8Tensors(lp, inputQ, hooks).get(lp.output);
  if (!out) throw new Error(`runInt8: output '${lp.output}' is never computed`);
  return Int8Array.from(out.data);
}
