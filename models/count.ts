// Adds / mults / params / MACs in the paper's counting convention (DESIGN §1; reference/paper-counts.md §2–3).
//
// Per conv output element: K multiplications and K−1 accumulation adds (K = C/groups·kh·kw), plus one mult and
// one add for a following BN (scale, shift) and one add for a conv bias. FC: Q mults, Q−1 adds, one bias add
// per output. Params: weights, biases, BN γ and β. Not counted: ReLU/clip, pooling, residual adds, padding.
// Structured layers (Sec. 4.2/4.3): the small conv's c·n² MACs per output plus the shared sum-pool,
// ((C−c+1)(N−n+1)² − 1)·c·H1·W1 adds per group, H1 = H + pt + pb − d(N − n) (the padded input the sum-pool reads).
import type { ConvNode, FcNode, Graph, Node, Shape } from "./ir.js";
import { inferShapes } from "./shapes.js";

export interface LayerCount {
  readonly name: string;
  readonly kind: "conv" | "fc" | "bn" | "sumpool";
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: number;
  readonly groups: number;
  /** Conv structure (dense: c = cin/groups, n = k); null for other kinds. */
  readonly c: number | null;
  readonly n: number | null;
  /** FC structure (dense: R = Q); null for other kinds. */
  readonly R: number | null;
  readonly outShape: readonly number[];
  readonly adds: number;
  readonly mults: number;
  readonly params: number;
  readonly macs: number;
}

export interface CountTotals {
  readonly adds: number;
  readonly mults: number;
  readonly params: number;
  readonly macs: number;
}

export interface CountReport {
  readonly model: string;
  readonly totals: CountTotals;
  readonly layers: readonly LayerCount[];
}

const volume = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** The paper-convention counts of one layer. */
export interface Counts {
  readonly adds: number;
  readonly mults: number;
  readonly params: number;
  readonly macs: number;
}

/** What the conv formulas need: the layer's geometry, its structure (absent: dense) and what follows it. */
export interface ConvCountInput {
  readonly cin: number;
  readonly cout: number;
  readonly kh: number;
  readonly kw: number;
  readonly groups: number;
  readonly dilation: number;
  /** [top, left, bottom, right] */
  readonly pads: readonly [number, number, number, number];
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly structure?: { readonly c: number; readonly n: number } | undefined;
  readonly hasBias: boolean;
  readonly withBn: boolean;
}

/** DESIGN §1 for a conv, dense or structured (the one place these formulas live). */
export function convCounts(d: ConvCountInput): Counts {
  const G = d.groups;
  const Cg = d.cin / G;
  const outputs = volume(d.outShape);
  const c = d.structure?.c ?? Cg;
  const n = d.structure?.n ?? d.kh;
  const perOutput = d.structure ? c * n * n : Cg * d.kh * d.kw;
  const macs = perOutput * outputs;
  let sumpoolAdds = 0;
  if (d.structure) {
    const [pt, pl, pb, pr] = d.pads;
    const H1 = (d.inShape[1] ?? 1) + pt + pb - d.dilation * (d.kh - n);
    const W1 = (d.inShape[2] ?? 1) + pl + pr - d.dilation * (d.kw - n);
    const window = (Cg - c + 1) * (d.kh - n + 1) * (d.kw - n + 1);
    sumpoolAdds = G * (window - 1) * c * H1 * W1;
  }
  const extraAdds = (d.hasBias ? 1 : 0) + (d.withBn ? 1 : 0);
  return {
    macs,
    mults: macs + (d.withBn ? outputs : 0),
    adds: (perOutput - 1 + extraAdds) * outputs + sumpoolAdds,
    params: d.cout * perOutput + (d.hasBias ? d.cout : 0) + (d.withBn ? 2 * d.cout : 0),
  };
}

/** DESIGN §1 for a fully connected layer; R absent or R = Q is dense. */
export function fcCounts(P: number, Q: number, R: number | undefined, hasBias: boolean): Counts {
  const r = R ?? Q;
  const macs = P * r;
  // The structured FC first sum-pools the input with a (Q−R+1)-wide window: R outputs, Q−R adds each.
  const sumpoolAdds = R !== undefined ? r * (Q - r) : 0;
  return { macs, mults: macs, adds: (r - 1 + (hasBias ? 1 : 0)) * P + sumpoolAdds, params: P * r + (hasBias ? P : 0) };
}

function countConv(node: ConvNode, inShape: Shape, outShape: Shape, withBn: boolean): LayerCount {
  const counts = convCounts({
    ...node,
    inShape,
    outShape,
    structure: node.structure,
    hasBias: node.bias !== null,
    withBn,
  });
  return {
    name: node.name,
    kind: "conv",
    cin: node.cin,
    cout: node.cout,
    k: node.kh,
    stride: node.stride,
    groups: node.groups,
    c: node.structure?.c ?? node.cin / node.groups,
    n: node.structure?.n ?? node.kh,
    R: null,
    outShape: [...outShape],
    ...counts,
  };
}

function countFc(node: FcNode): LayerCount {
  return {
    name: node.name,
    kind: "fc",
    cin: node.Q,
    cout: node.P,
    k: 1,
    stride: 1,
    groups: 1,
    c: null,
    n: null,
    R: node.structure?.R ?? node.Q,
    outShape: [node.P],
    ...fcCounts(node.P, node.Q, node.structure?.R, node.bias !== null),
  };
}

function plainRow(
  node: Node,
  kind: LayerCount["kind"],
  inShape: Shape,
  outShape: Shape,
  counts: { adds: number; mults: number; params: number },
): LayerCount {
  return {
    name: node.name,
    kind,
    cin: inShape[0] ?? 0,
    cout: outShape[0] ?? 0,
    k: node.op === "sumpool" ? node.kh : 1,
    stride: 1,
    groups: 1,
    c: null,
    n: null,
    R: null,
    outShape: [...outShape],
    macs: 0,
    ...counts,
  };
}

/** Counts every conv, FC, BN (folded into the conv it follows) and explicit sum-pool, in execution order. */
export function countGraph(graph: Graph): CountReport {
  const g = graph.shapes.size > graph.nodes.length ? graph : inferShapes(graph);
  const shape = (t: string): Shape => g.shapes.get(t) ?? [];
  const consumers = new Map<string, Node[]>();
  for (const node of g.nodes) for (const t of node.inputs) consumers.set(t, [...(consumers.get(t) ?? []), node]);
  // A BN that is the only consumer of a conv is the paper's "+1 mult, +1 add" of that conv's outputs.
  const foldedBn = new Set<Node>();
  const convWithBn = new Set<Node>();
  for (const node of g.nodes) {
    if (node.op !== "conv") continue;
    const next = consumers.get(node.output) ?? [];
    if (next.length === 1 && next[0]!.op === "bn") {
      foldedBn.add(next[0]);
      convWithBn.add(node);
    }
  }
  const layers: LayerCount[] = [];
  for (const node of g.nodes) {
    const inShape = shape(node.inputs[0] ?? "");
    const outShape = shape(node.output);
    if (node.op === "conv") layers.push(countConv(node, inShape, outShape, convWithBn.has(node)));
    else if (node.op === "fc") layers.push(countFc(node));
    else if (node.op === "bn" && !foldedBn.has(node)) {
      const outputs = volume(outShape);
      layers.push(
        plainRow(node, "bn", inShape, outShape, { adds: outputs, mults: outputs, params: 2 * node.channels }),
      );
    } else if (node.op === "sumpool") {
      const adds = (node.kc * node.kh * node.kw - 1) * volume(outShape);
      layers.push(plainRow(node, "sumpool", inShape, outShape, { adds, mults: 0, params: 0 }));
    }
  }
  const totals = { adds: 0, mults: 0, params: 0, macs: 0 };
  for (const l of layers) {
    totals.adds += l.adds;
    totals.mults += l.mults;
    totals.params += l.params;
    totals.macs += l.macs;
  }
  return { model: g.name, totals, layers };
}

/** The paper's units: CIFAR-sized inputs (≤ 64 px) in 1e6 adds/mults (Table 1), ImageNet-sized in 1e9 (Tables 2–3); params always 1e6. */
export function paperUnits(g: Graph): {
  readonly ops: number;
  readonly opsLabel: string;
  readonly params: number;
  readonly paramsLabel: string;
} {
  const side = g.input.shape[1] ?? 0;
  return side <= 64
    ? { ops: 1e6, opsLabel: "×1e6", params: 1e6, paramsLabel: "×1e6" }
    : { ops: 1e9, opsLabel: "×1e9", params: 1e6, paramsLabel: "×1e6" };
}
