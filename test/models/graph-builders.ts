// Hand-built graphs for the executor and weight-init tests (independent of the zoo, which other code owns):
// He et al.'s CIFAR ResNet (option-A shortcuts) and torchvision's bottleneck ResNet-50 layout.

import type { Graph, Node, ConvStructure } from "../../models/ir.js";
import { shapesForInput } from "../../models/shapes.js";

/** A node without its name and output (distributive over the union, so each op keeps its own fields). */
export type NodeSpec = Node extends infer T ? (T extends Node ? Omit<T, "name" | "output"> : never) : never;

export class GraphBuilder {
  readonly nodes: Node[] = [];
  private count = 0;
  constructor(readonly inputName = "input") {}

  private out(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  conv(
    x: string,
    cin: number,
    cout: number,
    k: number,
    stride = 1,
    opts: { pad?: number; groups?: number; structure?: ConvStructure } = {},
  ): string {
    const name = this.out("conv");
    const p = opts.pad ?? (k - 1) >> 1;
    this.nodes.push({
      op: "conv",
      name,
      inputs: [x],
      output: name,
      cin,
      cout,
      kh: k,
      kw: k,
      stride,
      pads: [p, p, p, p],
      dilation: 1,
      groups: opts.groups ?? 1,
      weight: null,
      bias: null,
      ...(opts.structure ? { structure: opts.structure } : {}),
    });
    return name;
  }
  bn(x: string, channels: number): string {
    const name = this.out("bn");
    this.nodes.push({ op: "bn", name, inputs: [x], output: name, channels, scale: null, shift: null });
    return name;
  }
  relu(x: string): string {
    const name = this.out("relu");
    this.nodes.push({ op: "relu", name, inputs: [x], output: name });
    return name;
  }
  add(a: string, b: string): string {
    const name = this.out("add");
    this.nodes.push({ op: "add", name, inputs: [a, b], output: name });
    return name;
  }
  push(node: NodeSpec): string {
    const name = this.out(node.op);
    this.nodes.push({ ...node, name, output: name });
    return name;
  }

  graph(name: string, inputShape: number[], output: string): Graph {
    const g: Graph = {
      name,
      input: { name: this.inputName, shape: inputShape },
      output,
      nodes: this.nodes,
      shapes: new Map(),
    };
    return { ...g, shapes: shapesForInput(g, inputShape) };
  }
}

/** CIFAR ResNet-(6n+2) with option-A shortcuts; `structure` applies to the blocks' 3×3 convs. */
export function cifarResNet(depth: number, structure?: (cin: number) => ConvStructure): Graph {
  const b = new GraphBuilder();
  const nBlocks = (depth - 2) / 6;
  let x = b.relu(b.bn(b.conv("input", 3, 16, 3), 16));
  let cin = 16;
  for (const [stage, width] of [16, 32, 64].entries()) {
    for (let i = 0; i < nBlocks; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const s1 = structure?.(cin);
      const y = b.relu(b.bn(b.conv(x, cin, width, 3, stride, s1 ? { structure: s1 } : {}), width));
      const s2 = structure?.(width);
      const z = b.bn(b.conv(y, width, width, 3, 1, s2 ? { structure: s2 } : {}), width);
      const shortcut =
        stride === 1 && cin === width
          ? x
          : b.push({ op: "shortcutA", inputs: [x], stride, before: (width - cin) >> 1, cout: width });
      x = b.relu(b.add(z, shortcut));
      cin = width;
    }
  }
  const gap = b.push({ op: "gap", inputs: [x] });
  const flat = b.push({ op: "flatten", inputs: [gap] });
  const fc = b.push({ op: "fc", inputs: [flat], P: 10, Q: 64, weight: null, bias: null });
  return b.graph(`resnet${depth}`, [3, 32, 32], fc);
}

/** torchvision ResNet-50 (bottleneck, stride on the 3×3), at 224×224. */
export function resnet50(): Graph {
  const b = new GraphBuilder();
  let x = b.relu(b.bn(b.conv("input", 3, 64, 7, 2), 64));
  x = b.push({ op: "maxpool", inputs: [x], k: 3, stride: 2, pad: 1 });
  let cin = 64;
  for (const [stage, [blocks, width]] of [
    [3, 64],
    [4, 128],
    [6, 256],
    [3, 512],
  ].entries()) {
    for (let i = 0; i < blocks!; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const out = width! * 4;
      let y = b.relu(b.bn(b.conv(x, cin, width!, 1), width!));
      y = b.relu(b.bn(b.conv(y, width!, width!, 3, stride), width!));
      y = b.bn(b.conv(y, width!, out, 1), out);
      const shortcut = i === 0 ? b.bn(b.conv(x, cin, out, 1, stride), out) : x;
      x = b.relu(b.add(y, shortcut));
      cin = out;
    }
  }
  const gap = b.push({ op: "gap", inputs: [x] });
  const fc = b.push({
    op: "fc",
    inputs: [b.push({ op: "flatten", inputs: [gap] })],
    P: 1000,
    Q: 2048,
    weight: null,
    bias: null,
  });
  return b.graph("resnet50", [3, 224, 224], fc);
}
