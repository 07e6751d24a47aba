// Shape inference, structural verification and a stable text dump of the graph IR (used by --dump-after).
import { InputError } from "../isa/errors.js";
import type { Graph, Node, Shape } from "./ir.js";

/** Output size of a sliding window along one axis (PyTorch floor mode). */
export function windowOut(
  size: number,
  padBefore: number,
  padAfter: number,
  k: number,
  stride: number,
  dilation = 1,
): number {
  return Math.floor((size + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

const fmt = (s: Shape | undefined): string => (s ? `[${s.join(",")}]` : "[?]");

function fail(node: Node, what: string): never {
  throw new InputError(`node '${node.name}' (${node.op}): ${what}`);
}

function map3(node: Node, s: Shape): [number, number, number] {
  if (s.length !== 3) fail(node, `expects a [C,H,W] feature map, got ${fmt(s)}`);
  return [s[0]!, s[1]!, s[2]!];
}

/** The output shape of one node given its input shapes; InputError naming the node when they do not fit. */
export function nodeOutputShape(node: Node, ins: readonly Shape[]): Shape {
  const x = ins[0];
  if (!x) fail(node, "has no input");
  let out: number[];
  switch (node.op) {
    case "conv": {
      const [c, h, w] = map3(node, x);
      if (c !== node.cin) fail(node, `expects ${node.cin} input channels, got ${c} (input ${fmt(x)})`);
      const [pt, pl, pb, pr] = node.pads;
      out = [
        node.cout,
        windowOut(h, pt, pb, node.kh, node.stride, node.dilation),
        windowOut(w, pl, pr, node.kw, node.stride, node.dilation),
      ];
      break;
    }
    case "bn": {
      const c = x[0];
      if (c !== node.channels) fail(node, `has ${node.channels} channels but its input is ${fmt(x)}`);
      out = [...x];
      break;
    }
    case "fc": {
      const q = x.reduce((a, b) => a * b, 1);
      if (q !== node.Q) fail(node, `expects ${node.Q} input features, got ${fmt(x)} (${q})`);
      out = [node.P];
      break;
    }
    case "relu":
    case "clip":
      out = [...x];
      break;
    case "add": {
      const y = ins[1];
      if (ins.length !== 2 || !y) fail(node, `needs 2 inputs, got ${ins.length}`);
      if (fmt(x) !== fmt(y)) fail(node, `adds tensors of different shapes ${fmt(x)} and ${fmt(y)}`);
      out = [...x];
      break;
    }
    case "shortcutA": {
      const [c, h, w] = map3(node, x);
      if (node.before < 0 || node.before + c > node.cout)
        fail(node, `cannot place ${c} channels at offset ${node.before} in ${node.cout} channels`);
      out = [node.cout, Math.ceil(h / node.stride), Math.ceil(w / node.stride)];
      break;
    }
    case "maxpool":
    case "avgpool": {
      const [c, h, w] = map3(node, x);
      out = [
        c,
        windowOut(h, node.pad, node.pad, node.k, node.stride),
        windowOut(w, node.pad, node.pad, node.k, node.stride),
      ];
      break;
    }
    case "gap": {
      const [c] = map3(node, x);
      out = [c, 1, 1];
      break;
    }
    case "flatten":
      out = [x.reduce((a, b) => a * b, 1)];
      break;
    case "sumpool": {
      const [c, h, w] = map3(node, x);
      out = [c - node.kc + 1, h - node.dilation * (node.kh - 1), w - node.dilation * (node.kw - 1)];
      break;
    }
    case "pad": {
      const [c, h, w] = map3(node, x);
      const [pt, pl, pb, pr] = node.pads;
      out = [c, h + pt + pb, w + pl + pr];
      break;
    }
    case "act":
      out = [...x];
      break;
    case "mul": {
      const y = ins[1];
      if (ins.length !== 2 || !y) fail(node, `needs 2 inputs, got ${ins.length}`);
      const [c] = map3(node, x);
      const broadcast = y.length === 3 && y[0] === c && y[1] === 1 && y[2] === 1;
      if (fmt(x) !== fmt(y) && !broadcast)
        fail(
          node,
          `multiplies ${fmt(x)} by ${fmt(y)}: the second operand must have the first's shape or be [${c},1,1]`,
        );
      out = [...x];
      break;
    }
    case "concat": {
      const maps = ins.map((s) => map3(node, s));
      const [, h, w] = maps[0]!;
      const odd = ins.find((s) => s[1] !== h || s[2] !== w);
      if (odd) fail(node, `concatenates maps of different sizes ${fmt(x)} and ${fmt(odd)}`);
      out = [maps.reduce((a, m) => a + m[0], 0), h, w];
      break;
    }
    case "resize": {
      const [c, h, w] = map3(node, x);
      out = [c, h * node.scaleH, w * node.scaleW];
      break;
    }
  }
  if (out.some((d) => !Number.isInteger(d) || d < 1)) fail(node, `output shape ${fmt(out)} is empty (input ${fmt(x)})`);
  return out;
}

/**
 * Shapes of every tensor when the graph runs on an input of `inputShape` (by default its own; another spatial size
 * for a fully convolutional net). Throws InputError naming the first node that does not fit.
 */
export function shapesForInput(g: Graph, inputShape: Shape = g.input.shape): Map<string, Shape> {
  const shapes = new Map<string, Shape>([[g.input.name, inputShape]]);
  for (const node of g.nodes) {
    const ins = node.inputs.map((t) => {
      const s = shapes.get(t);
      if (!s) fail(node, `input tensor '${t}' is not defined before this node`);
      return s;
    });
    shapes.set(node.output, nodeOutputShape(node, ins));
  }
  return shapes;
}

/** Returns the graph with `shapes` filled for every tensor. Throws InputError naming the first node that does not fit. */
export function inferShapes(g: Graph): Graph {
  const shapes = shapesForInput(g);
  if (!shapes.has(g.output)) throw new InputError(`graph '${g.name}': output tensor '${g.output}' is never produced`);
  return { ...g, shapes };
}

/** How many inputs a node takes; null: any number from 1 (concat). */
function arity(node: Node): number | null {
  if (node.op === "concat") return null;
  return node.op === "add" || node.op === "mul" ? 2 : 1;
}

function checkLength(node: Node, what: string, arr: Float32Array | null | undefined, want: number): void {
  if (arr && arr.length !== want) fail(node, `${what} has ${arr.length} values, expected ${want}`);
}

function checkPositive(node: Node, fields: Record<string, number>): void {
  for (const [k, v] of Object.entries(fields))
    if (!Number.isInteger(v) || v < 1) fail(node, `${k} = ${v} must be a positive integer`);
}

/** Checks names, def-before-use, arities, channel counts, weight lengths and structure parameters. Throws InputError naming the node. */
export function verifyGraph(g: Graph): void {
  const nodeNames = new Set<string>();
  const tensors = new Set<string>([g.input.name]);
  for (const node of g.nodes) {
    if (!node.name) throw new InputError(`graph '${g.name}': a ${node.op} node has no name`);
    if (nodeNames.has(node.name)) fail(node, "node name is not unique");
    nodeNames.add(node.name);
    const want = arity(node);
    if (want === null ? node.inputs.length < 1 : node.inputs.length !== want)
      fail(node, `has ${node.inputs.length} inputs, expected ${want ?? "at least 1"}`);
    for (const t of node.inputs) if (!tensors.has(t)) fail(node, `input tensor '${t}' is not defined before this node`);
    if (tensors.has(node.output)) fail(node, `output tensor '${node.output}' is already defined`);
    tensors.add(node.output);
    switch (node.op) {
      case "conv": {
        checkPositive(node, {
          cin: node.cin,
          cout: node.cout,
          kh: node.kh,
          kw: node.kw,
          stride: node.stride,
          dilation: node.dilation,
          groups: node.groups,
        });
        if (node.cin % node.groups || node.cout % node.groups)
          fail(node, `groups = ${node.groups} must divide cin = ${node.cin} and cout = ${node.cout}`);
        if (node.pads.some((p) => !Number.isInteger(p) || p < 0))
          fail(node, `pads ${node.pads.join(",")} must be non-negative integers`);
        checkLength(node, "weight", node.weight, node.cout * (node.cin / node.groups) * node.kh * node.kw);
        checkLength(node, "bias", node.bias, node.cout);
        const s = node.structure;
        if (s) {
          const C = node.cin / node.groups;
          if (!Number.isInteger(s.c) || s.c < 1 || s.c > C) fail(node, `structure c = ${s.c} must be in 1..${C}`);
          if (!Number.isInteger(s.n) || s.n < 1 || s.n > Math.min(node.kh, node.kw))
            fail(node, `structure n = ${s.n} must be in 1..${Math.min(node.kh, node.kw)}`);
        }
        break;
      }
      case "bn":
        checkPositive(node, { channels: node.channels });
        checkLength(node, "scale", node.scale, node.channels);
        checkLength(node, "shift", node.shift, node.channels);
        break;
      case "fc":
        checkPositive(node, { P: node.P, Q: node.Q });
        checkLength(node, "weight", node.weight, node.P * node.Q);
        checkLength(node, "bias", node.bias, node.P);
        if (
          node.structure &&
          (!Number.isInteger(node.structure.R) || node.structure.R < 1 || node.structure.R > node.Q)
        )
          fail(node, `structure R = ${node.structure.R} must be in 1..${node.Q}`);
        break;
      case "shortcutA":
        checkPositive(node, { stride: node.stride, cout: node.cout });
        break;
      case "maxpool":
      case "avgpool":
        checkPositive(node, { k: node.k, stride: node.stride });
        break;
      case "sumpool":
        checkPositive(node, { kc: node.kc, kh: node.kh, kw: node.kw, dilation: node.dilation });
        break;
      case "resize":
        checkPositive(node, { scaleH: node.scaleH, scaleW: node.scaleW });
        break;
      case "act":
        if (!Number.isFinite(node.alpha) || !Number.isFinite(node.beta))
          fail(node, `alpha = ${node.alpha} and beta = ${node.beta} must be finite`);
        break;
      default:
        break;
    }
  }
  if (!tensors.has(g.output)) throw new InputError(`graph '${g.name}': output tensor '${g.output}' is never produced`);
  inferShapes(g);
}

function attrs(node: Node): string {
  switch (node.op) {
    case "conv": {
      const parts = [`k=${node.kh}x${node.kw}`, `s=${node.stride}`, `p=${node.pads.join(",")}`];
      if (node.dilation !== 1) parts.push(`d=${node.dilation}`);
      if (node.groups !== 1) parts.push(`g=${node.groups}`);
      if (node.bias) parts.push("bias");
      if (node.structure) parts.push(`struct(c=${node.structure.c},n=${node.structure.n},${node.structure.source})`);
      return parts.join(" ");
    }
    case "fc":
      return [
        `P=${node.P} Q=${node.Q}`,
        node.bias ? "bias" : "",
        node.structure ? `struct(R=${node.structure.R},${node.structure.source})` : "",
      ]
        .filter(Boolean)
        .join(" ");
    case "bn":
      return `ch=${node.channels}`;
    case "clip":
      return `lo=${node.lo} hi=${node.hi}`;
    case "shortcutA":
      return `s=${node.stride} before=${node.before} cout=${node.cout}`;
    case "maxpool":
    case "avgpool":
      return `k=${node.k} s=${node.stride} p=${node.pad}`;
    case "sumpool":
      return `win=${node.kc}x${node.kh}x${node.kw} d=${node.dilation}`;
    case "pad":
      return `p=${node.pads.join(",")}`;
    case "act":
      return node.fn === "hardsigmoid" ? `${node.fn}(alpha=${node.alpha},beta=${node.beta})` : node.fn;
    case "resize":
      return `${node.mode} x${node.scaleH}x${node.scaleW}${node.mode === "bilinear" ? ` ${node.coord}` : ""}`;
    default:
      return "";
  }
}

function hasWeights(node: Node): boolean | null {
  if (node.op === "conv" || node.op === "fc") return node.weight !== null;
  if (node.op === "bn") return node.scale !== null;
  return null;
}

/** One line per node: name, op, inputs → output, shapes, attributes, structure. Deterministic for a given graph. */
export function printGraph(g: Graph): string {
  const shapes = g.shapes.size ? g.shapes : inferShapes(g).shapes;
  const lines = [
    `graph ${g.name}  input ${g.input.name} ${fmt(g.input.shape)}  output ${g.output} ${fmt(shapes.get(g.output))}`,
  ];
  for (const node of g.nodes) {
    const ins = node.inputs.map((t) => `${t}${fmt(shapes.get(t))}`).join(" + ");
    const w = hasWeights(node);
    const weights = w === null ? "" : w ? " w" : " w=none";
    const a = attrs(node);
    lines.push(
      `  ${node.name}: ${node.op} ${ins} -> ${node.output}${fmt(shapes.get(node.output))}${a ? ` ${a}` : ""}${weights}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
