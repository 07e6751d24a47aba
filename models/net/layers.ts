// One layer statement (`conv(64, 3x3, stride=2) @a(c=32, n=2)`) → one IR node, its arguments checked and evaluated.
import { HARD_ALPHA, HARD_BETA } from "../../isa/activation.js";
import type { ConvNode, FcNode, Node, Shape } from "../ir.js";
import type { Pos, Stmt, Value } from "./ast.js";
import type { Env, ExprEvaluator } from "./expr.js";
import { LAYER_SPECS } from "./layerspec.js";
import { structureConv, structureFc } from "./structure-annotations.js";

export type LayerStmt = Extract<Stmt, { kind: "layer" }>;

/** What a layer sees of the elaboration around it. */
export interface LayerContext {
  readonly ev: ExprEvaluator;
  /** The layer's input tensor and its shape. */
  readonly tensor: string;
  readonly shape: Shape;
  /** Output shape of the main branch while elaborating a shortcut (for shortcutA's inferred stride and channels). */
  readonly shortcutTarget: Shape | null;
  /** The variant's annotation tag; null for dense. */
  readonly tag: string | null;
}

/** A layer's arguments by name (positional ones bound through LAYER_SPECS), read with the checks each kind needs. */
class LayerArgs {
  private readonly args = new Map<string, { value: Value; pos: Pos }>();

  constructor(
    private readonly s: LayerStmt,
    private readonly env: Env,
    private readonly ev: ExprEvaluator,
  ) {
    const spec = LAYER_SPECS[s.layer];
    let positional = 0;
    for (const a of s.args) this.args.set(a.key ?? spec.positional[positional++]!, { value: a.value, pos: a.pos });
  }

  has(key: string): boolean {
    return this.args.has(key);
  }

  /** An integer ≥ `min`; `dflt` null means the argument is required. */
  num(key: string, dflt: number | null, min = 1): number {
    const a = this.args.get(key);
    if (!a) {
      if (dflt === null) this.ev.fail(this.s.pos, `${this.s.layer} needs '${key}'`);
      return dflt;
    }
    if (a.value.kind === "ksize") this.ev.fail(a.pos, `'${key}' takes a number, not a kernel size`);
    return this.ev.int(a.value, this.env, `${this.s.layer} ${key}`, min);
  }

  /** `k`: a kernel size literal (3x1) or one number for a square kernel. */
  kernel(): [number, number] {
    const a = this.args.get("k");
    if (!a) this.ev.fail(this.s.pos, `${this.s.layer} needs a kernel size`);
    if (a.value.kind === "ksize") {
      if (a.value.h < 1 || a.value.w < 1) this.ev.fail(a.pos, "kernel size must be positive");
      return [a.value.h, a.value.w];
    }
    const k = this.ev.int(a.value, this.env, "kernel size");
    return [k, k];
  }

  real(key: string, dflt: number): number {
    const a = this.args.get(key);
    if (!a) return dflt;
    if (a.value.kind === "ksize") this.ev.fail(a.pos, `'${key}' takes a number`);
    return this.ev.eval(a.value, this.env);
  }
}

/** The node for layer statement `s` (not dropout: that is no node), named `name`, reading `cx.tensor`. */
export function layerNode(s: LayerStmt, name: string, env: Env, cx: LayerContext): Node {
  const { ev } = cx;
  const args = new LayerArgs(s, env, ev);
  const annotation = s.annotations.find((a) => a.tag === cx.tag) ?? null;
  const base = { name, inputs: [cx.tensor], output: name };
  const C = cx.shape[0] ?? 0;
  const kind = s.layer;
  switch (kind) {
    case "conv": {
      const [kh, kw] = args.kernel();
      const groups = args.num("groups", 1);
      const pad = args.num("pad", 0, 0);
      const node: ConvNode = {
        op: "conv",
        ...base,
        cin: C,
        cout: args.num("out", null),
        kh,
        kw,
        stride: args.num("stride", 1),
        pads: [pad, pad, pad, pad],
        dilation: args.num("dilation", 1),
        groups,
        weight: null,
        bias: null,
      };
      if (node.cin % groups || node.cout % groups)
        ev.fail(s.pos, `groups = ${groups} must divide input channels ${node.cin} and output channels ${node.cout}`);
      const withBias: ConvNode = args.num("bias", 0, 0) ? { ...node, bias: new Float32Array(node.cout) } : node;
      return annotation ? structureConv(ev, withBias, annotation, env) : withBias;
    }
    case "fc": {
      const Q = cx.shape.reduce((a, b) => a * b, 1);
      const P = args.num("out", null);
      const node: FcNode = {
        op: "fc",
        ...base,
        P,
        Q,
        weight: null,
        bias: args.num("bias", 1, 0) ? new Float32Array(P) : null,
      };
      return annotation ? structureFc(ev, node, annotation, env) : node;
    }
    case "bn":
      return { op: "bn", ...base, channels: C, scale: null, shift: null };
    case "relu":
      return { op: "relu", ...base };
    case "relu6":
      return { op: "clip", ...base, lo: 0, hi: 6 };
    case "clip":
      return { op: "clip", ...base, lo: args.real("lo", 0), hi: args.real("hi", 6) };
    case "maxpool":
    case "avgpool": {
      const [kh, kw] = args.kernel();
      if (kh !== kw) ev.fail(s.pos, `${kind} needs a square window, got ${kh}x${kw}`);
      return { op: kind, ...base, k: kh, stride: args.num("stride", kh), pad: args.num("pad", 0, 0) };
    }
    case "gap":
      return { op: "gap", ...base };
    case "flatten":
      return { op: "flatten", ...base };
    case "shortcutA":
      return shortcutA(s, args, cx, base, C);
    case "sigmoid":
    case "silu":
    case "hardswish":
      return { op: "act", ...base, fn: kind, alpha: HARD_ALPHA, beta: HARD_BETA };
    case "hardsigmoid":
      // PyTorch's Hardsigmoid by default; ONNX's HardSigmoid takes other slopes and offsets.
      return {
        op: "act",
        ...base,
        fn: kind,
        alpha: args.real("alpha", HARD_ALPHA),
        beta: args.real("beta", HARD_BETA),
      };
    case "upsample": {
      const scale = args.num("scale", null);
      const bilinear = args.num("bilinear", 0, 0) !== 0;
      return {
        op: "resize",
        ...base,
        mode: bilinear ? "bilinear" : "nearest",
        scaleH: scale,
        scaleW: scale,
        coord: args.num("align_corners", 0, 0) ? "align_corners" : "half_pixel",
      };
    }
    case "dropout":
      throw new Error("internal: dropout is no layer node");
  }
}

function shortcutA(
  s: LayerStmt,
  args: LayerArgs,
  cx: LayerContext,
  base: { name: string; inputs: string[]; output: string },
  C: number,
): Node {
  const target = cx.shortcutTarget;
  const inH = cx.shape[1] ?? 1;
  const cout = args.has("cout")
    ? args.num("cout", null)
    : target
      ? target[0]!
      : cx.ev.fail(s.pos, "shortcutA outside a shortcut { } needs cout=");
  const stride = args.has("stride")
    ? args.num("stride", null)
    : target
      ? Math.max(1, Math.round(inH / target[1]!))
      : cx.ev.fail(s.pos, "shortcutA outside a shortcut { } needs stride=");
  // He et al. option A pads the new channels evenly on both sides (planes/4 each when channels double).
  const before = args.has("before") ? args.num("before", null, 0) : Math.floor((cout - C) / 2);
  return { op: "shortcutA", ...base, stride, before, cout };
}
