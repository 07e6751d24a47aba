// ONNX networks written node by node the way torch.onnx exports them (BN folded into each Conv, SiLU as Sigmoid
// then Mul, squeeze-and-excitation as GlobalAveragePool → Conv → act → Conv → gate → Mul, Flatten → Gemm), for
// the frontend's tests of the ops EfficientNet, MobileNetV3 and HRNet need. Weights are seeded values, or (with
// `external`) initializers whose data lives in a file that does not exist, as torchvision exports ship without it.
import {
  attr,
  buildModel,
  FLOAT,
  floatTensor,
  int64Tensor,
  values,
  type NodeSpec,
  type TensorSpec,
} from "./onnx-builders.js";

export interface NetOptions {
  /** Weights in an absent external file ("<name>.onnx.data"), shapes only. */
  readonly external?: string;
  readonly opset?: number;
  readonly seed?: number;
}

export class OnnxNet {
  readonly nodes: NodeSpec[] = [];
  readonly inits: TensorSpec[] = [];
  readonly shapes = new Map<string, number[]>();
  private count = 0;
  private seed: number;
  private offset = 0;

  constructor(
    readonly input: number[],
    readonly opts: NetOptions = {},
  ) {
    this.shapes.set("input", input);
    this.seed = opts.seed ?? 1;
  }

  private name(op: string): string {
    return `/${op}_${this.count++}`;
  }

  private weight(name: string, dims: number[], scale: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (this.opts.external) {
      const ext = [
        { key: "location", value: this.opts.external },
        { key: "offset", value: String(this.offset) },
        { key: "length", value: String(4 * n) },
      ];
      this.offset += 4 * n;
      this.inits.push({ name, dims, dataType: FLOAT, externalData: ext, dataLocation: 1 });
    } else {
      // raw_data: far faster to encode and decode than float_data for millions of weights.
      const w = values(n, this.seed++).map((v) => v * scale);
      this.inits.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(w.buffer) });
    }
    return name;
  }

  node(op: string, inputs: string[], shape: number[], attrs: NodeSpec["attrs"] = []): string {
    const name = this.name(op);
    const out = `${name}/out`;
    this.nodes.push({ op, name, inputs, outputs: [out], attrs });
    this.shapes.set(out, shape);
    return out;
  }

  shape(t: string): number[] {
    return this.shapes.get(t)!;
  }

  /** Conv with bias (BN folded), "same" padding, He-scaled weights. */
  conv(x: string, cout: number, k: number, stride = 1, groups = 1): string {
    const [n, c, h, w] = this.shape(x) as [number, number, number, number];
    const p = (k - 1) >> 1;
    const name = this.name("Conv");
    const W = this.weight(`${name}.weight`, [cout, c / groups, k, k], Math.sqrt(6 / ((c / groups) * k * k)));
    const B = this.weight(`${name}.bias`, [cout], 0.1);
    const out = `${name}/out`;
    this.nodes.push({
      op: "Conv",
      name,
      inputs: [x, W, B],
      outputs: [out],
      attrs: [
        attr.ints("kernel_shape", [k, k]),
        attr.ints("strides", [stride, stride]),
        attr.ints("pads", [p, p, p, p]),
        attr.int("group", groups),
      ],
    });
    const o = (s: number) => Math.floor((s + 2 * p - k) / stride) + 1;
    this.shapes.set(out, [n, cout, o(h), o(w)]);
    return out;
  }

  relu(x: string): string {
    return this.node("Relu", [x], this.shape(x));
  }
  sigmoid(x: string): string {
    return this.node("Sigmoid", [x], this.shape(x));
  }
  /** torch.onnx's SiLU: x · Sigmoid(x). */
  silu(x: string): string {
    return this.mul(x, this.sigmoid(x));
  }
  hardSigmoid(x: string, alpha = 1 / 6, beta = 0.5): string {
    return this.node("HardSigmoid", [x], this.shape(x), [attr.float("alpha", alpha), attr.float("beta", beta)]);
  }
  /** HardSwish (opset ≥ 14), or x · HardSigmoid(x) as torch exports it below opset 14. */
  hardSwish(x: string): string {
    return (this.opts.opset ?? 17) >= 14
      ? this.node("HardSwish", [x], this.shape(x))
      : this.mul(x, this.hardSigmoid(x));
  }
  mul(a: string, b: string): string {
    const [sa, sb] = [this.shape(a), this.shape(b)];
    return this.node(
      "Mul",
      [a, b],
      sa.map((d, i) => Math.max(d, sb[i]!)),
    );
  }
  add(a: string, b: string): string {
    return this.node("Add", [a, b], this.shape(a));
  }
  gap(x: string): string {
    const [n, c] = this.shape(x) as [number, number];
    return this.node("GlobalAveragePool", [x], [n, c, 1, 1]);
  }
  /** torchvision's SqueezeExcitation: x · gate(fc2(act(fc1(avgpool(x))))), the fcs being 1×1 convs with bias. */
  squeezeExcite(x: string, squeeze: number, act: "relu" | "silu", gate: "sigmoid" | "hardsigmoid"): string {
    const c = this.shape(x)[1]!;
    const s1 = this.conv(this.gap(x), squeeze, 1);
    const s2 = this.conv(act === "relu" ? this.relu(s1) : this.silu(s1), c, 1);
    return this.mul(x, gate === "sigmoid" ? this.sigmoid(s2) : this.hardSigmoid(s2));
  }
  concat(xs: string[]): string {
    const [n, , h, w] = this.shape(xs[0]!) as [number, number, number, number];
    const c = xs.reduce((a, x) => a + this.shape(x)[1]!, 0);
    return this.node("Concat", xs, [n, c, h, w], [attr.int("axis", 1)]);
  }
  /** Resize by an integer factor, from `scales` (or `sizes`), with the given ONNX attributes. */
  resize(x: string, s: number, attrs: NodeSpec["attrs"], bySizes = false): string {
    const [n, c, h, w] = this.shape(x) as [number, number, number, number];
    const name = this.name("Resize");
    const inputs = [x, ""];
    if (bySizes) {
      inputs.push("", `${name}.sizes`);
      this.inits.push(int64Tensor(`${name}.sizes`, [n, c, h * s, w * s]));
    } else {
      inputs.push(`${name}.scales`);
      this.inits.push(floatTensor(`${name}.scales`, [4], [1, 1, s, s]));
    }
    const out = `${name}/out`;
    this.nodes.push({ op: "Resize", name, inputs, outputs: [out], attrs });
    this.shapes.set(out, [n, c, h * s, w * s]);
    return out;
  }
  flatten(x: string): string {
    const [n, ...rest] = this.shape(x) as [number, ...number[]];
    return this.node("Flatten", [x], [n, rest.reduce((a, b) => a * b, 1)], [attr.int("axis", 1)]);
  }
  dropout(x: string): string {
    return this.node("Dropout", [x], this.shape(x));
  }
  gemm(x: string, out: number): string {
    const [n, q] = this.shape(x) as [number, number];
    const name = this.name("Gemm");
    const W = this.weight(`${name}.weight`, [out, q], Math.sqrt(3 / q));
    const B = this.weight(`${name}.bias`, [out], 0.1);
    const y = `${name}/out`;
    this.nodes.push({ op: "Gemm", name, inputs: [x, W, B], outputs: [y], attrs: [attr.int("transB", 1)] });
    this.shapes.set(y, [n, out]);
    return y;
  }

  build(output: string): Uint8Array {
    return buildModel({
      nodes: this.nodes,
      initializers: this.inits,
      input: { name: "input", dims: this.input },
      output: { name: output, dims: this.shape(output) },
      opset: this.opts.opset ?? 17,
    });
  }
}

/** torchvision's _make_divisible(v, 8): the nearest multiple of 8, never more than 10 % below v. */
export function makeDivisible(v: number, d = 8): number {
  const n = Math.max(d, Math.floor((v + d / 2) / d) * d);
  return n < 0.9 * v ? n + d : n;
}

/**
 * torchvision efficientnet_b0 as torch.onnx exports it in eval mode (Tan & Le 2019, Table 1; torchvision's
 * MBConv: expand 1×1, depthwise k×k, SE with squeeze = max(1, in/4) and SiLU, project 1×1; stem 3×3/2 → 32;
 * head 1×1 → 1280; avgpool, Flatten, Dropout, Linear 1000).
 */
export function efficientNetB0(res: number, opts: NetOptions = {}): Uint8Array {
  const net = new OnnxNet([1, 3, res, res], opts);
  // (expand ratio, kernel, stride, in, out, repeats) of torchvision's bneck settings for B0.
  const stages = [
    [1, 3, 1, 32, 16, 1],
    [6, 3, 2, 16, 24, 2],
    [6, 5, 2, 24, 40, 2],
    [6, 3, 2, 40, 80, 3],
    [6, 5, 1, 80, 112, 3],
    [6, 5, 2, 112, 192, 4],
    [6, 3, 1, 192, 320, 1],
  ] as const;
  let x = net.silu(net.conv("input", 32, 3, 2));
  for (const [e, k, s, cin, cout, n] of stages)
    for (let i = 0; i < n; i++) {
      const inC = i === 0 ? cin : cout;
      const hidden = makeDivisible(inC * e);
      let y = hidden !== inC ? net.silu(net.conv(x, hidden, 1)) : x;
      y = net.silu(net.conv(y, hidden, k, i === 0 ? s : 1, hidden));
      y = net.squeezeExcite(y, Math.max(1, Math.floor(inC / 4)), "silu", "sigmoid");
      y = net.conv(y, cout, 1);
      x = i > 0 ? net.add(y, x) : y;
    }
  x = net.silu(net.conv(x, 1280, 1));
  return net.build(net.gemm(net.dropout(net.flatten(net.gap(x))), 1000));
}

/**
 * torchvision mobilenet_v3_small as torch.onnx exports it (Howard et al. 2019, Table 2; torchvision's
 * InvertedResidual: expand 1×1 unless equal, depthwise, SE with squeeze = _make_divisible(expanded / 4) and ReLU,
 * gate Hardsigmoid, project 1×1; stem 3×3/2 → 16 Hardswish; last 1×1 → 576 Hardswish; avgpool, Flatten,
 * Linear 1024, Hardswish, Dropout, Linear 1000).
 */
export function mobileNetV3Small(res: number, opts: NetOptions = {}): Uint8Array {
  const net = new OnnxNet([1, 3, res, res], opts);
  // (in, kernel, expanded, out, SE, hardswish, stride)
  const blocks = [
    [16, 3, 16, 16, 1, 0, 2],
    [16, 3, 72, 24, 0, 0, 2],
    [24, 3, 88, 24, 0, 0, 1],
    [24, 5, 96, 40, 1, 1, 2],
    [40, 5, 240, 40, 1, 1, 1],
    [40, 5, 240, 40, 1, 1, 1],
    [40, 5, 120, 48, 1, 1, 1],
    [48, 5, 144, 48, 1, 1, 1],
    [48, 5, 288, 96, 1, 1, 2],
    [96, 5, 576, 96, 1, 1, 1],
    [96, 5, 576, 96, 1, 1, 1],
  ] as const;
  let x = net.hardSwish(net.conv("input", 16, 3, 2));
  for (const [cin, k, exp, cout, se, hs, s] of blocks) {
    const act = (t: string) => (hs ? net.hardSwish(t) : net.relu(t));
    let y = exp !== cin ? act(net.conv(x, exp, 1)) : x;
    y = act(net.conv(y, exp, k, s, exp));
    if (se) y = net.squeezeExcite(y, makeDivisible(Math.floor(exp / 4)), "relu", "hardsigmoid");
    y = net.conv(y, cout, 1);
    x = s === 1 && cin === cout ? net.add(y, x) : y;
  }
  x = net.hardSwish(net.conv(x, 576, 1));
  const h = net.dropout(net.hardSwish(net.gemm(net.flatten(net.gap(x)), 1024)));
  return net.build(net.gemm(h, 1000));
}

/**
 * A small network with every new classification op: SiLU, depthwise 5×5 stride 2, SE with Sigmoid, Hardswish,
 * SE with HardSigmoid, an elementwise Mul of two maps, Flatten, Dropout, Gemm.
 */
export function seNet(opts: NetOptions = {}): Uint8Array {
  const net = new OnnxNet([1, 3, 16, 16], opts);
  let x = net.silu(net.conv("input", 8, 3, 2));
  x = net.silu(net.conv(x, 8, 5, 2, 8));
  x = net.squeezeExcite(x, 2, "silu", "sigmoid");
  x = net.conv(x, 12, 3);
  x = net.hardSwish(x);
  x = net.squeezeExcite(x, 4, "relu", "hardsigmoid");
  x = net.mul(x, net.relu(net.conv(x, 12, 1)));
  x = net.sigmoid(net.conv(x, 12, 1));
  return net.build(net.gemm(net.dropout(net.flatten(net.gap(x))), 5));
}

/**
 * HRNet's multi-resolution fusion in small: branches at 1, 1/2 and 1/4 resolution, upsampled by bilinear
 * (half_pixel: PyTorch align_corners=False; align_corners; asymmetric) and nearest resizes (from scales and from
 * sizes), summed and concatenated along channels, then a 1×1 head.
 */
export function fusionNet(opts: NetOptions = {}): Uint8Array {
  const net = new OnnxNet([1, 3, 12, 12], opts);
  const linear = (coord: string) => [
    attr.string("mode", "linear"),
    attr.string("coordinate_transformation_mode", coord),
  ];
  const nearest = [
    attr.string("mode", "nearest"),
    attr.string("coordinate_transformation_mode", "asymmetric"),
    attr.string("nearest_mode", "floor"),
  ];
  const x0 = net.relu(net.conv("input", 4, 3));
  const x1 = net.relu(net.conv(x0, 6, 3, 2));
  const x2 = net.relu(net.conv(x1, 8, 3, 2));
  const f0 = net.relu(net.add(x0, net.resize(net.conv(x1, 4, 1), 2, linear("pytorch_half_pixel"))));
  const up2 = net.resize(x2, 4, linear("align_corners"));
  const up3 = net.resize(x2, 4, nearest, true);
  const up4 = net.resize(x1, 2, linear("asymmetric"));
  const up5 = net.resize(x1, 2, [attr.string("mode", "nearest")]);
  const cat = net.concat([f0, up2, up3, up4, up5]);
  return net.build(net.conv(net.relu(net.conv(cat, 16, 1)), 5, 1));
}
