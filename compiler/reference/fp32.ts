// fp32 reference executor: plain loops over the LAYERS (not the graph), so it checks what normalise and
// structure produced. Structured layers run as the hardware does them: pad -> sum-pool -> small conv (alpha).
// Sums are taken in doubles; every layer output is rounded to float32, as an fp32 machine stores it.

import { activate } from "../../isa/activation.js";
import type { Shape } from "../../models/ir.js";
import type { AnyLayer, ConvLayer, FcLayer, FrontProgram } from "../layers.js";
import {
  channelSums,
  conv2d,
  type Fmap,
  fmap,
  matVec,
  maxPool,
  pad,
  shortcutA,
  sumPool1d,
  sumPool3d,
  windowSum,
} from "./kernels.js";
import { concatChannels, multiply, resize } from "./vector.js";

export interface RunHooks {
  /** Called with every tensor as it is produced (the input first); the array must not be kept or modified. */
  readonly onTensor?: (name: string, data: Float64Array, layer: AnyLayer | null) => void;
  /** Called with the exact window sums E of a structured conv/fc layer (fp32 only: real units). */
  readonly onSumPool?: (layer: AnyLayer, e: Float64Array) => void;
  /** Drop each tensor after its last reader (the returned map then holds the input and the output only). */
  readonly release?: boolean;
}

export function shapeToFmap(data: ArrayLike<number>, shape: Shape): Fmap {
  if (shape.length === 3) return fmap(data, shape[0]!, shape[1]!, shape[2]!);
  const n = shape.reduce((a, b) => a * b, 1);
  return fmap(data, n, 1, 1);
}

/** Clamp to [lo, hi], then round to float32 (as an fp32 machine stores it), in place. */
function clampRoundInPlace(d: Float64Array, lo: number, hi: number): void {
  if (lo === -Infinity && hi === Infinity) {
    for (let i = 0; i < d.length; i++) d[i] = Math.fround(d[i]!);
    return;
  }
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    d[i] = Math.fround(v < lo ? lo : v > hi ? hi : v);
  }
}

function addBias(y: Fmap, bias: Float32Array): void {
  const plane = y.h * y.w;
  for (let c = 0; c < y.c; c++) {
    const b = bias[c]!;
    for (let p = c * plane; p < (c + 1) * plane; p++) y.data[p]! += b;
  }
}

function convFp32(l: ConvLayer, x: Fmap, hooks: RunHooks): Fmap {
  const xp = pad(x, l.pads);
  let y: Fmap;
  if (l.structured) {
    const { c, n, alpha } = l.structured;
    const depthwise = l.groups > 1;
    // Depthwise: C = c = 1 per group, so the window has depth 1 and the small conv keeps the groups.
    const kc = depthwise ? 1 : l.cin - c + 1;
    const e = sumPool3d(xp, kc, l.kh - n + 1, l.kw - n + 1, l.dilation);
    hooks.onSumPool?.(l, e.data);
    y = conv2d(e, alpha, l.cout, n, n, l.stride, l.dilation, depthwise ? l.groups : 1);
  } else {
    y = conv2d(xp, l.weight, l.cout, l.kh, l.kw, l.stride, l.dilation, l.groups);
  }
  addBias(y, l.bias);
  return y;
}

function fcFp32(l: FcLayer, x: Fmap, hooks: RunHooks): Fmap {
  let y: Float64Array;
  if (l.structured) {
    const e = sumPool1d(x.data, l.Q - l.structured.R + 1);
    hooks.onSumPool?.(l, e);
    y = matVec(e, l.structured.alpha, l.P);
  } else y = matVec(x.data, l.weight, l.P);
  for (let p = 0; p < l.P; p++) y[p]! += l.bias[p]!;
  return { data: y, c: l.P, h: 1, w: 1 };
}

function layerFp32(l: AnyLayer, ins: readonly Fmap[], hooks: RunHooks): Fmap {
  const x = ins[0]!;
  switch (l.kind) {
    case "conv":
      return convFp32(l, x, hooks);
    case "fc":
      return fcFp32(l, x, hooks);
    case "add": {
      const b = l.shortcut ? shortcutA(ins[1]!, l.shortcut.stride, l.shortcut.before, x.c) : ins[1]!;
      const out = new Float64Array(x.data.length);
      for (let i = 0; i < out.length; i++) out[i] = x.data[i]! + b.data[i]!;
      return { ...x, data: out };
    }
    case "maxpool":
      return maxPool(x, l.k, l.stride, l.pad);
    case "avgpool": {
      const s = windowSum(x, l.k, l.stride, l.pad);
      const inv = l.k * l.k;
      for (let i = 0; i < s.data.length; i++) s.data[i] = s.data[i]! / inv;
      return s;
    }
    case "gap": {
      const s = channelSums(x);
      const hw = x.h * x.w;
      for (let i = 0; i < s.length; i++) s[i] = s[i]! / hw;
      return { data: s, c: x.c, h: 1, w: 1 };
    }
    case "sumpool":
      return sumPool3d(pad(x, l.pads), l.kc, l.kh, l.kw, l.dilation);
    case "act":
      return { ...x, data: x.data.map((v) => activate(l.fn, v, l.alpha, l.beta)) };
    case "mul":
      return multiply(x, ins[1]!, l.broadcast);
    case "concat":
      return concatChannels(ins);
    case "resize":
      return resize(l, x, false);
  }
}

/** Runs every layer on one image; returns all tensors by name (Float64Array, values rounded to float32). */
export function runFp32Tensors(lp: FrontProgram, input: ArrayLike<number>, hooks: RunHooks = {}): Map<string, Fmap> {
  const want = lp.input.shape.reduce((a, b) => a * b, 1);
  if (input.length !== want)
    throw new Error(`runFp32: input has ${input.length} values, the model wants ${want} (${lp.input.shape.join("x")})`);
  const x0 = shapeToFmap(Float32Array.from(input), lp.input.shape);
  const tensors = new Map<string, Fmap>([[lp.input.name, x0]]);
  hooks.onTensor?.(lp.input.name, x0.data, null);
  const lastUse = new Map<string, number>();
  if (hooks.release) lp.layers.forEach((l, i) => l.inputs.forEach((t) => lastUse.set(t, i)));
  lp.layers.forEach((l, i) => {
    const ins = l.inputs.map((t) => {
      const v = tensors.get(t);
      if (!v) throw new Error(`runFp32: layer '${l.name}' reads '${t}' before it is computed`);
      return v;
    });
    const y = layerFp32(l, ins, hooks);
    // A layer may return one of its inputs unchanged (a 0-pad "pad", say): round a copy, never the input.
    const data = ins.some((t) => t.data === y.data) ? Float64Array.from(y.data) : y.data;
    clampRoundInPlace(data, l.clamp.lo, l.clamp.hi);
    const rounded = { ...y, data };
    tensors.set(l.output, rounded);
    hooks.onTensor?.(l.output, rounded.data, l);
    if (hooks.release)
      for (const t of l.inputs) if (lastUse.get(t) === i && t !== lp.output && t !== lp.input.name) tensors.delete(t);
  });
  return tensors;
}

/** fp32 output of the program for one image. */
export function runFp32(lp: FrontProgram, input: ArrayLike<number>, hooks: RunHooks = {}): Float32Array {
  const out = runFp32Tensors(lp, input, hooks).get(lp.output);
  if (!out) throw new Error(`runFp32: output '${lp.output}' is never computed`);
  return Float32Array.from(out.data);
}
