// normalise: graph IR -> layer list (DESIGN §4 step 2).
//   bn        folded into the conv/fc that produces its input: W' = W * scale[oc], b' = b * scale + shift
//   relu/clip fused into the producer's clamp (the producer's output must have no other consumer)
//   shortcutA fused into the add that consumes it (AddLayer.shortcut, b = the shortcut's source)
//   flatten   dropped: an fc reads any tensor whose element count is Q
//   pad       folded into the conv or sum-pool that consumes it (their own zero padding)
//   concat    one layer; a concat whose input is another single-reader concat absorbs its inputs (one placement)
//   act/mul/resize  one layer each (mul: `broadcast` when its second operand is a [C,1,1] gate)
// A model that carries shapes only (weights null: a zoo model loaded without weights, an ONNX without its data)
// normalises with `placeholders` to zero weights and biases of the right sizes (LayerProgram.placeholders), for
// timing-only work: the back half reads sizes, never values; BN folding is then skipped.
// Anything else that cannot become a layer is an InputError naming the node.

import { InputError } from "../../isa/errors.js";
import type { Graph, Node, Shape } from "../../models/ir.js";
import { inferShapes } from "../../models/shapes.js";
import { composeConv } from "../../models/structure/compose.js";
import { isPlaceholder, zeroFloats } from "../placeholders.js";
import type {
  AddLayer,
  AnyLayer,
  Clamp,
  ConvLayer,
  FcLayer,
  FrontProgram,
  GapLayer,
  PoolLayer,
  SumPoolLayer,
} from "../layers.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<AnyLayer>;
type Pads = [number, number, number, number];

const NO_CLAMP: Clamp = { lo: -Infinity, hi: Infinity };

function fail(node: Node, what: string): never {
  throw new InputError(`node '${node.name}' (${node.op}): ${what}`);
}

/**
 * An already-decomposed structured conv (the paper's Step 2 done in PyTorch: pad, sum-pool over
 * (C−c+1, k, k), then a c-channel conv) is one structured conv layer: alpha is the small conv's weight and the
 * dense kernel it stands for is 1 ⊛ alpha. Lowered like any structured layer (or dense with --mode dense).
 * Returns null when the pair is not exactly that shape (then both stay separate layers).
 */
function mergeDecomposed(
  sp: Mutable<SumPoolLayer>,
  conv: Mutable<ConvLayer>,
  mode: "dense" | "structured",
): Mutable<ConvLayer> | null {
  const C = sp.inShape[0] ?? 0;
  const c = conv.cin;
  const n = conv.kh;
  const N = n + sp.kh - 1;
  const fits =
    conv.groups === 1 &&
    conv.kh === conv.kw &&
    sp.kh === sp.kw &&
    sp.kc === C - c + 1 &&
    conv.pads.every((p) => p === 0) &&
    conv.dilation === sp.dilation;
  if (!fits) return null;
  const weight = new Float32Array(composeConv(conv.weight, conv.cout, C, N, c, n));
  const merged: Mutable<ConvLayer> = {
    ...conv,
    inputs: sp.inputs,
    inShape: sp.inShape,
    cin: C,
    kh: N,
    kw: N,
    pads: sp.pads,
    weight,
  };
  if (mode === "structured") merged.structured = { c, n, residual: 0, alpha: conv.weight.slice() };
  return merged;
}

export interface NormaliseOptions {
  /** Null weights become zero placeholders (timing-only work) instead of an error. */
  readonly placeholders?: boolean;
}

export function normalise(
  graphIn: Graph,
  mode: "dense" | "structured" = "dense",
  opts: NormaliseOptions = {},
): FrontProgram {
  const graph = graphIn.shapes.size ? graphIn : inferShapes(graphIn);
  const shapeOf = (t: string): Shape => {
    const s = graph.shapes.get(t);
    if (!s) throw new Error(`normalise: tensor '${t}' has no shape`);
    return s;
  };

  // How many times each tensor is read (the graph output counts as a read).
  const readers = new Map<string, Node[]>();
  for (const n of graph.nodes) for (const t of n.inputs) readers.set(t, [...(readers.get(t) ?? []), n]);
  const readCount = (t: string): number => (readers.get(t)?.length ?? 0) + (t === graph.output ? 1 : 0);

  const layers: Draft[] = [];
  const producer = new Map<string, Draft>(); // current output tensor -> the layer writing it
  const alias = new Map<string, string>(); // flatten output -> its input
  const pendingPad = new Map<string, { src: string; pads: Pads }>();
  const pendingShortcut = new Map<string, { src: string; stride: number; before: number }>();

  const resolve = (t: string): string => alias.get(t) ?? t;

  /** The single-consumer layer that produces `t`, for fusing `node` into it. */
  const fusable = (node: Node, t: string, kinds: readonly AnyLayer["kind"][]): Draft => {
    const p = producer.get(t);
    if (!p || !kinds.includes(p.kind))
      fail(node, `cannot be fused: its input '${t}' is not produced by a ${kinds.join("/")} layer`);
    if (readCount(t) !== 1) fail(node, `cannot be fused: its input '${t}' is also read elsewhere`);
    return p;
  };
  const rename = (d: Draft, to: string): void => {
    producer.delete(d.output);
    d.output = to;
    d.outShape = shapeOf(to);
    producer.set(to, d);
  };
  const takePad = (t: string): { src: string; pads: Pads } =>
    pendingPad.get(t) ?? { src: resolve(t), pads: [0, 0, 0, 0] };
  const add = (d: Draft): void => {
    layers.push(d);
    producer.set(d.output, d);
  };
  let placeholders = false;
  /** A copy of the node's weights or bias, or zeros of `length` when the model carries none and that is allowed. */
  const values = (node: Node, v: Float32Array | null, length: number, what: string): Float32Array => {
    if (v) return v.slice();
    if (!opts.placeholders) fail(node, `has no ${what} (the model carries shapes only; use --weights random)`);
    placeholders = true;
    return zeroFloats(length);
  };

  for (const node of graph.nodes) {
    const in0 = node.inputs[0]!;
    for (const t of node.inputs)
      if (pendingPad.has(t) && node.op !== "conv" && node.op !== "sumpool")
        fail(node, `reads the explicit pad '${t}', which only a conv or sum-pool can absorb`);
    switch (node.op) {
      case "conv": {
        const { src, pads } = takePad(in0);
        const l: Mutable<ConvLayer> = {
          kind: "conv",
          name: node.name,
          inputs: [src],
          output: node.output,
          inShape: shapeOf(src),
          outShape: shapeOf(node.output),
          clamp: NO_CLAMP,
          cin: node.cin,
          cout: node.cout,
          kh: node.kh,
          kw: node.kw,
          stride: node.stride,
          pads: [node.pads[0] + pads[0], node.pads[1] + pads[1], node.pads[2] + pads[2], node.pads[3] + pads[3]],
          dilation: node.dilation,
          groups: node.groups,
          weight: values(node, node.weight, (node.cout * node.cin * node.kh * node.kw) / node.groups, "weights"),
          bias: node.bias ? node.bias.slice() : new Float32Array(node.cout),
        };
        const pooled = producer.get(in0);
        if (pooled?.kind === "sumpool" && readCount(in0) === 1) {
          const merged = mergeDecomposed(pooled, l, mode);
          if (merged) {
            layers.splice(layers.indexOf(pooled), 1);
            producer.delete(pooled.output);
            add(merged);
            break;
          }
        }
        add(l);
        break;
      }
      case "fc": {
        const src = resolve(in0);
        const l: Mutable<FcLayer> = {
          kind: "fc",
          name: node.name,
          inputs: [src],
          output: node.output,
          inShape: shapeOf(src),
          outShape: shapeOf(node.output),
          clamp: NO_CLAMP,
          P: node.P,
          Q: node.Q,
          weight: values(node, node.weight, node.P * node.Q, "weights"),
          bias: node.bias ? node.bias.slice() : new Float32Array(node.P),
        };
        add(l);
        break;
      }
      case "bn": {
        if ((!node.scale || !node.shift) && !opts.placeholders)
          fail(node, "has no parameters (the model carries shapes only; use --weights random)");
        const p = fusable(node, in0, ["conv", "fc"]) as Mutable<ConvLayer> | Mutable<FcLayer>;
        if (p.clamp !== NO_CLAMP) fail(node, `cannot be folded into '${p.name}': an activation sits between them`);
        if (node.scale && node.shift && !isPlaceholder(p.weight)) {
          const cout = p.kind === "conv" ? p.cout : p.P;
          const per = p.weight.length / cout;
          for (let o = 0; o < cout; o++) {
            const s = node.scale[o]!;
            for (let i = o * per; i < (o + 1) * per; i++) p.weight[i] = p.weight[i]! * s;
            p.bias[o] = p.bias[o]! * s + node.shift[o]!;
          }
        } else placeholders = true;
        rename(p, node.output);
        break;
      }
      case "relu":
      case "clip": {
        const lo = node.op === "relu" ? 0 : node.lo;
        const hi = node.op === "relu" ? Infinity : node.hi;
        // Not into maxpool: vop.pool max has no clamp.
        const p = fusable(node, in0, ["conv", "fc", "add", "avgpool", "gap", "act", "mul", "resize"]);
        p.clamp = { lo: Math.max(p.clamp.lo, lo), hi: Math.min(p.clamp.hi, hi) };
        rename(p, node.output);
        break;
      }
      case "shortcutA": {
        const users = readers.get(node.output) ?? [];
        if (users.length !== 1 || users[0]!.op !== "add" || node.output === graph.output)
          fail(node, "an option-A shortcut must feed exactly one add");
        pendingShortcut.set(node.output, { src: resolve(in0), stride: node.stride, before: node.before });
        break;
      }
      case "add": {
        const [x, y] = node.inputs as [string, string];
        if (pendingShortcut.has(x) && pendingShortcut.has(y)) fail(node, "both operands are option-A shortcuts");
        const scIn = pendingShortcut.has(x) ? x : pendingShortcut.has(y) ? y : null;
        const a = resolve(scIn === x ? y : x);
        const sc = scIn === null ? null : pendingShortcut.get(scIn)!;
        const b = sc ? sc.src : resolve(y);
        const l: Mutable<AddLayer> = {
          kind: "add",
          name: node.name,
          inputs: [a, b],
          output: node.output,
          inShape: shapeOf(a),
          outShape: shapeOf(node.output),
          clamp: NO_CLAMP,
          ...(sc ? { shortcut: { stride: sc.stride, before: sc.before } } : {}),
        };
        add(l);
        break;
      }
      case "maxpool":
      case "avgpool": {
        if (node.op === "avgpool" && node.pad > 0 && node.countIncludePad === false)
          fail(
            node,
            "average pooling that excludes padding from the divisor is not supported (the vector unit divides by k*k)",
          );
        const src = resolve(in0);
        const l: Mutable<PoolLayer> = {
          kind: node.op,
          name: node.name,
          inputs: [src],
          output: node.output,
          inShape: shapeOf(src),
          outShape: shapeOf(node.output),
          clamp: NO_CLAMP,
          k: node.k,
          stride: node.stride,
          pad: node.pad,
        };
        add(l);
        break;
      }
      case "gap": {
        const src = resolve(in0);
        const l: Mutable<GapLayer> = {
          kind: "gap",
          name: node.name,
          inputs: [src],
          output: node.output,
          inShape: shapeOf(src),
          outShape: shapeOf(node.output),
          clamp: NO_CLAMP,
        };
        add(l);
        break;
      }
      case "flatten":
        alias.set(node.output, resolve(in0));
        break;
      case "pad": {
        const users = readers.get(node.output) ?? [];
        if (
          users.length !== 1 ||
          (users[0]!.op !== "conv" && users[0]!.op !== "sumpool") ||
          node.output === graph.output
        )
          fail(node, "an explicit pad must feed exactly one conv or sum-pool");
        const inner = takePad(in0);
        pendingPad.set(node.output, {
          src: inner.src,
          pads: [
            inner.pads[0] + node.pads[0],
            inner.pads[1] + node.pads[1],
            inner.pads[2] + node.pads[2],
            inner.pads[3] + node.pads[3],
          ],
        });
        break;
      }
      case "sumpool": {
        const { src, pads } = takePad(in0);
        const l: Mutable<SumPoolLayer> = {
          kind: "sumpool",
          name: node.name,
          inputs: [src],
          output: node.output,
          inShape: shapeOf(src),
          outShape: shapeOf(node.output),
          clamp: NO_CLAMP,
          kc: node.kc,
          kh: node.kh,
          kw: node.kw,
          dilation: node.dilation,
          pads,
        };
        add(l);
        break;
      }
      case "act":
      case "mul":
      case "resize": {
        const base = {
          name: node.name,
          inputs: node.inputs.map(resolve),
          output: node.output,
          inShape: shapeOf(resolve(in0)),
          outShape: shapeOf(node.output),
          clamp: NO_CLAMP,
        };
        if (node.op === "act") add({ ...base, kind: "act", fn: node.fn, alpha: node.alpha, beta: node.beta });
        else if (node.op === "mul")
          add({ ...base, kind: "mul", broadcast: shapeOf(base.inputs[1]!).join() !== base.inShape.join() });
        else
          add({
            ...base,
            kind: "resize",
            mode: node.mode,
            scaleH: node.scaleH,
            scaleW: node.scaleW,
            coord: node.coord,
          });
        break;
      }
      case "concat": {
        // cat(cat(a, b), c) = cat(a, b, c): a nested concat read only here is one placement.
        const inputs = node.inputs.flatMap((t) => {
          const p = producer.get(resolve(t));
          if (p?.kind !== "concat" || readCount(t) !== 1) return [resolve(t)];
          layers.splice(layers.indexOf(p), 1);
          producer.delete(p.output);
          return p.inputs;
        });
        add({
          kind: "concat",
          name: node.name,
          inputs,
          output: node.output,
          inShape: shapeOf(inputs[0]!),
          outShape: shapeOf(node.output),
          clamp: NO_CLAMP,
        });
        break;
      }
      default: {
        const n: never = node;
        throw new InputError(`node '${(n as Node).name}' (${(n as Node).op}): op not supported by the compiler`);
      }
    }
  }

  const output = resolve(graph.output);
  if (!producer.has(output) && output !== graph.input.name)
    throw new InputError(`graph '${graph.name}': output '${graph.output}' is not produced by any layer`);
  const shapes = new Map<string, Shape>([[graph.input.name, graph.input.shape]]);
  for (const l of layers) shapes.set(l.output, l.outShape);
  return {
    model: graph.name,
    mode,
    dtype: "fp32",
    input: graph.input,
    output,
    layers,
    scales: new Map([...shapes.keys()].map((t) => [t, 1])),
    shapes,
    ...(placeholders ? { placeholders: true } : {}),
  };
}
