// A plain float32-storage / float64-accumulation executor of the graph IR, one image at a time.
// It is an independent oracle for other parts (ONNX Runtime comparisons, the compiler's reference executor),
// so every op is written out in obvious loops; only index arithmetic is hoisted for speed.
// Shapes are derived from the actual input shape (so a graph can run at another spatial size), by models/shapes.ts.

import { activate } from "../isa/activation.js";
import { exactTap } from "../isa/resize.js";
import { InputError } from "../isa/errors.js";
import type { Graph, Node, Shape } from "./ir.js";
import { nodeOutputShape } from "./shapes.js";

export interface ExecuteOptions {
  /** Called for the graph input and then every node output, in execution order. */
  readonly onTensor?: (name: string, data: Float32Array, shape: Shape) => void;
  /** Shapes to run at; only the graph input's entry is used (the rest is derived from it). */
  readonly shapes?: ReadonlyMap<string, Shape>;
}

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

function fail(node: Node, what: string): never {
  throw new InputError(`node ${node.name} (${node.op}): ${what}`);
}

function inputsOf<T>(node: Node, tensors: ReadonlyMap<string, T>): T[] {
  return node.inputs.map((name) => {
    const t = tensors.get(name);
    if (t === undefined) fail(node, `input tensor "${name}" is not produced before this node`);
    return t;
  });
}

/**
 * Direct conv as one dot product per (output pixel, output channel): the input patch under the window is
 * gathered once per pixel (zeros where the window hangs over the padding) and reused by every output channel
 * of its group, so the inner loop is a long contiguous dot product even where the feature map is 1×1.
 */
function conv(node: Extract<Node, { op: "conv" }>, x: Float32Array, [, H, W]: Shape, out: Shape): Float32Array {
  const weight = node.weight ?? fail(node, "has no weights (load them, or use random weights)");
  const { cin, cout, kh, kw, stride: s, dilation: d, groups, bias } = node;
  const [pt, pl] = node.pads;
  const Cg = cin / groups;
  const coutG = cout / groups;
  const K = Cg * kh * kw;
  if (weight.length !== cout * K) fail(node, `weight has ${weight.length} values, expected ${cout}×${Cg}×${kh}×${kw}`);
  const Ho = out[1]!;
  const Wo = out[2]!;
  const plane = H! * W!;
  const y = new Float32Array(cout * Ho * Wo);
  // Two pixels' patches side by side: pairs of pixels × pairs of channels share every load (16 accumulators).
  const patch = new Float64Array(2 * K);
  const gather = (g: number, pix: number, at: number): void => {
    const oy = Math.floor(pix / Wo);
    const ox = pix - oy * Wo;
    const xGroup = g * Cg * plane;
    let t = at;
    for (let ci = 0; ci < Cg; ci++) {
      const xBase = xGroup + ci * plane;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * s - pt + ky * d;
        const rowOk = iy >= 0 && iy < H!;
        const row = xBase + iy * W!;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * s - pl + kx * d;
          patch[t++] = rowOk && ix >= 0 && ix < W! ? x[row + ix]! : 0;
        }
      }
    }
  };
  const pixels = Ho * Wo;
  const K4 = K - (K % 4);
  for (let g = 0; g < groups; g++) {
    const oEnd = (g + 1) * coutG;
    for (let pix = 0; pix < pixels; pix += 2) {
      const pair = pix + 1 < pixels;
      gather(g, pix, 0);
      if (pair) gather(g, pix + 1, K);
      let o = g * coutG;
      if (pair)
        for (; o + 1 < oEnd; o += 2) {
          const wa = o * K;
          const wb = wa + K;
          // Per output the same four partial sums (k mod 4), tail into the first, and the same final order
          // as the single-output loop below.
          let a0 = 0,
            a1 = 0,
            a2 = 0,
            a3 = 0,
            b0 = 0,
            b1 = 0,
            b2 = 0,
            b3 = 0;
          let c0 = 0,
            c1 = 0,
            c2 = 0,
            c3 = 0,
            e0 = 0,
            e1 = 0,
            e2 = 0,
            e3 = 0;
          let k = 0;
          for (; k < K4; k += 4) {
            const p0 = patch[k]!,
              p1 = patch[k + 1]!,
              p2 = patch[k + 2]!,
              p3 = patch[k + 3]!;
            const q0 = patch[K + k]!,
              q1 = patch[K + k + 1]!,
              q2 = patch[K + k + 2]!,
              q3 = patch[K + k + 3]!;
            const u0 = weight[wa + k]!,
              u1 = weight[wa + k + 1]!,
              u2 = weight[wa + k + 2]!,
              u3 = weight[wa + k + 3]!;
            const v0 = weight[wb + k]!,
              v1 = weight[wb + k + 1]!,
              v2 = weight[wb + k + 2]!,
              v3 = weight[wb + k + 3]!;
            a0 += u0 * p0;
            a1 += u1 * p1;
            a2 += u2 * p2;
            a3 += u3 * p3;
            b0 += u0 * q0;
            b1 += u1 * q1;
            b2 += u2 * q2;
            b3 += u3 * q3;
            c0 += v0 * p0;
            c1 += v1 * p1;
            c2 += v2 * p2;
            c3 += v3 * p3;
            e0 += v0 * q0;
            e1 += v1 * q1;
            e2 += v2 * q2;
            e3 += v3 * q3;
          }
          for (; k < K; k++) {
            a0 += weight[wa + k]! * patch[k]!;
            b0 += weight[wa + k]! * patch[K + k]!;
            c0 += weight[wb + k]! * patch[k]!;
            e0 += weight[wb + k]! * patch[K + k]!;
          }
          const ba = bias ? bias[o]! : 0;
          const bb = bias ? bias[o + 1]! : 0;
          y[o * pixels + pix] = ba + (a0 + a1 + (a2 + a3));
          y[o * pixels + pix + 1] = ba + (b0 + b1 + (b2 + b3));
          y[(o + 1) * pixels + pix] = bb + (c0 + c1 + (c2 + c3));
          y[(o + 1) * pixels + pix + 1] = bb + (e0 + e1 + (e2 + e3));
        }
      if (!pair)
        for (; o + 3 < oEnd; o += 4) {
          // A lone pixel (1×1 maps, odd counts): four channels share its patch loads instead.
          const wa = o * K;
          const wb = wa + K;
          const wc = wb + K;
          const wd = wc + K;
          let a0 = 0,
            a1 = 0,
            a2 = 0,
            a3 = 0,
            b0 = 0,
            b1 = 0,
            b2 = 0,
            b3 = 0;
          let c0 = 0,
            c1 = 0,
            c2 = 0,
            c3 = 0,
            e0 = 0,
            e1 = 0,
            e2 = 0,
            e3 = 0;
          let k = 0;
          for (; k < K4; k += 4) {
            const p0 = patch[k]!,
              p1 = patch[k + 1]!,
              p2 = patch[k + 2]!,
              p3 = patch[k + 3]!;
            a0 += weight[wa + k]! * p0;
            a1 += weight[wa + k + 1]! * p1;
            a2 += weight[wa + k + 2]! * p2;
            a3 += weight[wa + k + 3]! * p3;
            b0 += weight[wb + k]! * p0;
            b1 += weight[wb + k + 1]! * p1;
            b2 += weight[wb + k + 2]! * p2;
            b3 += weight[wb + k + 3]! * p3;
            c0 += weight[wc + k]! * p0;
            c1 += weight[wc + k + 1]! * p1;
            c2 += weight[wc + k + 2]! * p2;
            c3 += weight[wc + k + 3]! * p3;
            e0 += weight[wd + k]! * p0;
            e1 += weight[wd + k + 1]! * p1;
            e2 += weight[wd + k + 2]! * p2;
            e3 += weight[wd + k + 3]! * p3;
          }
          for (; k < K; k++) {
            a0 += weight[wa + k]! * patch[k]!;
            b0 += weight[wb + k]! * patch[k]!;
            c0 += weight[wc + k]! * patch[k]!;
            e0 += weight[wd + k]! * patch[k]!;
          }
          y[o * pixels + pix] = (bias ? bias[o]! : 0) + (a0 + a1 + (a2 + a3));
          y[(o + 1) * pixels + pix] = (bias ? bias[o + 1]! : 0) + (b0 + b1 + (b2 + b3));
          y[(o + 2) * pixels + pix] = (bias ? bias[o + 2]! : 0) + (c0 + c1 + (c2 + c3));
          y[(o + 3) * pixels + pix] = (bias ? bias[o + 3]! : 0) + (e0 + e1 + (e2 + e3));
        }
      for (; o < oEnd; o++)
        for (let t = 0; t < (pair ? 2 : 1); t++) {
          const wBase = o * K;
          const pb = t * K;
          // Four partial sums: shorter dependency chains, same float64 accuracy class.
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          let k = 0;
          for (; k + 3 < K; k += 4) {
            a0 += weight[wBase + k]! * patch[pb + k]!;
            a1 += weight[wBase + k + 1]! * patch[pb + k + 1]!;
            a2 += weight[wBase + k + 2]! * patch[pb + k + 2]!;
            a3 += weight[wBase + k + 3]! * patch[pb + k + 3]!;
          }
          for (; k < K; k++) a0 += weight[wBase + k]! * patch[pb + k]!;
          y[o * pixels + pix + t] = (bias ? bias[o]! : 0) + (a0 + a1 + (a2 + a3));
        }
    }
  }
  return y;
}

/** Run one node on one image. */
export function runNode(
  node: Node,
  ins: readonly Float32Array[],
  inShapes: readonly Shape[],
  out: Shape,
): Float32Array {
  const x = ins[0]!;
  switch (node.op) {
    case "conv":
      return conv(node, x, inShapes[0]!, out);
    case "bn": {
      const scale = node.scale ?? fail(node, "has no scale/shift (load them, or use random weights)");
      const shift = node.shift ?? fail(node, "has no shift");
      const plane = x.length / node.channels;
      const y = new Float32Array(x.length);
      for (let c = 0; c < node.channels; c++) {
        const a = scale[c]!;
        const b = shift[c]!;
        for (let i = c * plane; i < (c + 1) * plane; i++) y[i] = x[i]! * a + b;
      }
      return y;
    }
    case "fc": {
      const weight = node.weight ?? fail(node, "has no weights (load them, or use random weights)");
      const y = new Float32Array(node.P);
      for (let p = 0; p < node.P; p++) {
        let acc = node.bias ? node.bias[p]! : 0;
        const base = p * node.Q;
        for (let q = 0; q < node.Q; q++) acc += weight[base + q]! * x[q]!;
        y[p] = acc;
      }
      return y;
    }
    case "relu":
      return x.map((v) => (v > 0 ? v : 0));
    case "clip":
      return x.map((v) => Math.min(node.hi, Math.max(node.lo, v)));
    case "add": {
      const b = ins[1]!;
      const y = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) y[i] = x[i]! + b[i]!;
      return y;
    }
    case "shortcutA": {
      const [C, H, W] = inShapes[0]!;
      const [, Ho, Wo] = out;
      const y = new Float32Array(size(out));
      for (let c = 0; c < C!; c++)
        for (let oy = 0; oy < Ho!; oy++)
          for (let ox = 0; ox < Wo!; ox++)
            y[((node.before + c) * Ho! + oy) * Wo! + ox] = x[(c * H! + oy * node.stride) * W! + ox * node.stride]!;
      return y;
    }
    case "maxpool":
    case "avgpool":
      return pool(node, x, inShapes[0]!, out);
    case "gap": {
      const [C] = inShapes[0]!;
      const plane = x.length / C!;
      const y = new Float32Array(C!);
      for (let c = 0; c < C!; c++) {
        let acc = 0;
        for (let i = c * plane; i < (c + 1) * plane; i++) acc += x[i]!;
        y[c] = acc / plane;
      }
      return y;
    }
    case "flatten":
      return x.slice();
    case "sumpool": {
      const [, H, W] = inShapes[0]!;
      const [Co, Ho, Wo] = out;
      const { kc, kh, kw, dilation: d } = node;
      const y = new Float32Array(size(out));
      for (let oc = 0; oc < Co!; oc++)
        for (let oy = 0; oy < Ho!; oy++)
          for (let ox = 0; ox < Wo!; ox++) {
            let acc = 0;
            for (let a = 0; a < kc; a++)
              for (let i = 0; i < kh; i++) {
                const row = ((oc + a) * H! + oy + i * d) * W! + ox;
                for (let j = 0; j < kw; j++) acc += x[row + j * d]!;
              }
            y[(oc * Ho! + oy) * Wo! + ox] = acc;
          }
      return y;
    }
    case "pad": {
      const [C, H, W] = inShapes[0]!;
      const [, Hp, Wp] = out;
      const [pt, pl] = node.pads;
      const y = new Float32Array(size(out));
      for (let c = 0; c < C!; c++)
        for (let i = 0; i < H!; i++)
          y.set(x.subarray((c * H! + i) * W!, (c * H! + i + 1) * W!), (c * Hp! + i + pt) * Wp! + pl);
      return y;
    }
    case "act":
      return x.map((v) => activate(node.fn, v, node.alpha, node.beta));
    case "mul": {
      // b is a's shape, or one value per channel ([C,1,1]) broadcast over the channel's plane.
      const b = ins[1]!;
      const per = x.length / b.length;
      const y = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) y[i] = x[i]! * b[Math.floor(i / per)]!;
      return y;
    }
    case "concat": {
      const y = new Float32Array(size(out));
      let at = 0;
      for (const t of ins) {
        y.set(t, at);
        at += t.length;
      }
      return y;
    }
    case "resize":
      return resize(node, x, inShapes[0]!, out);
  }
}

/** Separable resize: each output row/column reads one (nearest) or two (bilinear) input rows/columns, weighted. */
function resize(node: Extract<Node, { op: "resize" }>, x: Float32Array, [C, H, W]: Shape, out: Shape): Float32Array {
  const [, Ho, Wo] = out;
  const rows = Array.from({ length: Ho! }, (_, o) => exactTap(node.mode, node.coord, o, H!, node.scaleH));
  const cols = Array.from({ length: Wo! }, (_, o) => exactTap(node.mode, node.coord, o, W!, node.scaleW));
  const y = new Float32Array(size(out));
  for (let c = 0; c < C!; c++)
    for (let oy = 0; oy < Ho!; oy++) {
      const r = rows[oy]!;
      for (let ox = 0; ox < Wo!; ox++) {
        const k = cols[ox]!;
        const at = (iy: number, ix: number): number => x[(c * H! + iy) * W! + ix]!;
        const top = k.w0 * at(r.i0, k.i0) + k.w1 * at(r.i0, k.i1);
        const bottom = k.w0 * at(r.i1, k.i0) + k.w1 * at(r.i1, k.i1);
        y[(c * Ho! + oy) * Wo! + ox] = r.w0 * top + r.w1 * bottom;
      }
    }
  return y;
}

/** Max pool ignores padded positions (as -inf padding); avg pool divides by k² or by the in-bounds count. */
function pool(
  node: Extract<Node, { op: "maxpool" | "avgpool" }>,
  x: Float32Array,
  [C, H, W]: Shape,
  out: Shape,
): Float32Array {
  const [, Ho, Wo] = out;
  const { k, stride: s, pad: p } = node;
  const isMax = node.op === "maxpool";
  const y = new Float32Array(size(out));
  for (let c = 0; c < C!; c++)
    for (let oy = 0; oy < Ho!; oy++) {
      const y0 = Math.max(0, oy * s - p);
      const y1 = Math.min(H!, oy * s - p + k);
      for (let ox = 0; ox < Wo!; ox++) {
        const x0 = Math.max(0, ox * s - p);
        const x1 = Math.min(W!, ox * s - p + k);
        let acc = isMax ? -Infinity : 0;
        for (let iy = y0; iy < y1; iy++)
          for (let ix = x0; ix < x1; ix++) {
            const v = x[(c * H! + iy) * W! + ix]!;
            acc = isMax ? Math.max(acc, v) : acc + v;
          }
        if (!isMax) acc /= node.countIncludePad ? k * k : (y1 - y0) * (x1 - x0);
        y[(c * Ho! + oy) * Wo! + ox] = acc;
      }
    }
  return y;
}

/** Run the whole graph on one image; returns every tensor by name (the input included). */
export function executeGraph(graph: Graph, input: Float32Array, opts: ExecuteOptions = {}): Map<string, Float32Array> {
  const inShape = opts.shapes?.get(graph.input.name) ?? graph.input.shape;
  if (input.length !== size(inShape))
    throw new InputError(
      `input: ${input.length} values given, graph ${graph.name} expects [${inShape.join(", ")}] = ${size(inShape)}`,
    );
  const shapes = new Map<string, Shape>([[graph.input.name, inShape]]);
  const tensors = new Map<string, Float32Array>([[graph.input.name, input]]);
  opts.onTensor?.(graph.input.name, input, inShape);
  for (const node of graph.nodes) {
    const inShapes = inputsOf(node, shapes);
    const outShape = nodeOutputShape(node, inShapes);
    const y = runNode(node, inputsOf(node, tensors), inShapes, outShape);
    shapes.set(node.output, outShape);
    tensors.set(node.output, y);
    opts.onTensor?.(node.output, y, outShape);
  }
  return tensors;
}
