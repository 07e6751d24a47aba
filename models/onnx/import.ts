// ONNX ModelProto → graph IR (DESIGN §4, frontend + the normalisations that belong to reading a file):
//  - constant and shape-only subgraphs are folded (PyTorch's F.pad export, Q/DQ of initializers);
//  - PyTorch's option-A shortcut (Slice step 2 on H and W, then Pad or Concat of zero channels) → `shortcutA`;
//  - Gemm / MatMul (+ Add bias) → `fc`, Flatten / Reshape / Squeeze to a vector → `flatten`, Identity dropped;
//  - an already-decomposed structured conv (Pad → Unsqueeze → AveragePool 3D stride 1 → Mul by the window
//    volume → Squeeze → Conv) → `pad` + `sumpool` + `conv`;
//  - a Mul by a scalar constant rides along as a pending scale until a conv/fc (or BN) folds it into its
//    weights; if none does before an op that cannot carry it (Add of differently scaled maps, Q, the graph
//    output), that is an InputError naming the Mul. A per-channel Mul/Add right after a conv/fc is folded
//    into its weights/bias;
//  - QDQ models: Q/DQ pairs on feature maps are removed and their scale/zero point recorded in graph.quant.
//    ONNX Runtime's quantiser drops a ReLU when the quantised range starts at 0 (zero point = qmin), because
//    the Q clamps; a `relu` node is put back there unless the map is already known non-negative.
// Anything else is an InputError naming the node and op: never a silent skip.
import { InputError } from "../../isa/errors.js";
import type { ConvNode, FcNode, Graph, Node } from "../ir.js";
import { Attrs } from "./attrs.js";
import {
  broadcast,
  cast,
  concat,
  dequantize,
  makeConst,
  quantRange,
  quantize,
  resolveReshape,
  scalarOf,
  slice,
  sliceAxis,
  transpose,
  withDims,
  type SliceAxis,
} from "./constfold.js";
import { layerName, NameTable } from "./naming.js";
import { decodeModel } from "./read.js";
import { DataType, type NodeProtoObj, type ValueInfoProtoObj } from "./schema.js";
import { elementCount, readTensor, type ConstTensor, type ExternalDataContext } from "./tensors.js";
import { sameDims, type ConstValue, type DynValue, type QuantValue, type Value } from "./values.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MNode = Mutable<Node>;
type WeightedNode = Mutable<ConvNode> | Mutable<FcNode>;

export const SUPPORTED_OPS = [
  "Add",
  "AveragePool",
  "BatchNormalization",
  "Cast",
  "Clip",
  "Concat",
  "Constant",
  "ConstantOfShape",
  "Conv",
  "DequantizeLinear",
  "Flatten",
  "Gemm",
  "GlobalAveragePool",
  "Identity",
  "MatMul",
  "MaxPool",
  "Mul",
  "Pad",
  "QuantizeLinear",
  "Relu",
  "Reshape",
  "Shape",
  "Slice",
  "Squeeze",
  "Transpose",
  "Unsqueeze",
] as const;

export interface ImportOptions {
  /** The model file (named in errors; external data is resolved relative to it). */
  readonly path: string;
  readonly readFile: (path: string) => Uint8Array | null;
  /** "none": do not read external data files at all (shapes only). */
  readonly skipExternal?: boolean;
}

export interface ImportResult {
  readonly graph: Graph;
  /** External data files referenced by the model but absent (or skipped). */
  readonly missingData: readonly string[];
}

const EPS_SCALE = 1e-6;

function baseName(path: string): string {
  const file = path.split(/[/\\]/).pop() ?? path;
  return file.replace(/\.onnx$/i, "");
}

class Importer {
  readonly nodes: MNode[] = [];
  readonly shapes = new Map<string, number[]>();
  readonly values = new Map<string, Value>();
  readonly quant = new Map<string, { scale: number; zeroPoint: number }>();
  private readonly producers = new Map<string, MNode>();
  private readonly irRefs = new Map<string, number>();
  private readonly names = new NameTable();
  private readonly uses = new Map<string, number>();
  private readonly materialised = new Map<DynValue, DynValue>();
  private readonly ext: ExternalDataContext;
  batch = 1;
  private where = "";
  private node: NodeProtoObj = {};

  constructor(
    private readonly path: string,
    readFile: (p: string) => Uint8Array | null,
    skipExternal: boolean,
    readonly opset: number,
  ) {
    this.ext = {
      modelPath: path,
      readFile: skipExternal ? () => null : readFile,
      cache: new Map(),
      missing: new Set(),
    };
  }

  get missing(): string[] {
    return [...this.ext.missing];
  }

  countUses(nodes: readonly NodeProtoObj[], outputs: readonly string[]): void {
    for (const n of nodes) for (const i of n.input ?? []) if (i) this.uses.set(i, (this.uses.get(i) ?? 0) + 1);
    for (const o of outputs) this.uses.set(o, (this.uses.get(o) ?? 0) + 1);
  }

  addInitializer(t: Parameters<typeof readTensor>[0]): void {
    const name = t.name ?? "";
    this.values.set(name, {
      kind: "const",
      t: readTensor(t, `${this.path}: initializer '${name}'`, this.ext),
      origin: name,
    });
  }

  addInput(vi: ValueInfoProtoObj): DynValue {
    const name = vi.name ?? "";
    const dims = vi.type?.tensorType?.shape?.dim ?? [];
    if (dims.length < 2)
      throw new InputError(`${this.path}: graph input '${name}' must have a batch dimension and a per-image shape`);
    const perImage = dims.slice(1).map((d, i) => {
      if (d.dimValue === undefined || Number(d.dimValue) < 1)
        throw new InputError(
          `${this.path}: graph input '${name}' has a symbolic dimension ${i + 1} ('${d.dimParam ?? "?"}')`,
        );
      return Number(d.dimValue);
    });
    if (perImage.length !== 3 && perImage.length !== 1)
      throw new InputError(
        `${this.path}: graph input '${name}' has shape [N,${perImage.join(",")}]; sumac reads [N,C,H,W] images`,
      );
    this.batch = dims[0]?.dimValue ? Number(dims[0].dimValue) : 1;
    this.shapes.set(name, perImage);
    const v: DynValue = { kind: "dyn", ir: name, shape: perImage, scale: 1, scaleFrom: "", nonNeg: false };
    this.setValue(name, v);
    return v;
  }

  setValue(name: string, v: Value): void {
    this.values.set(name, v);
    if (v.kind === "dyn") this.irRefs.set(v.ir, (this.irRefs.get(v.ir) ?? 0) + (this.uses.get(name) ?? 0));
  }

  // ---- errors and inputs ----

  fail(what: string): never {
    throw new InputError(`${this.where}: ${what}`);
  }

  private input(i: number): Value | undefined {
    const name = this.node.input?.[i];
    if (!name) return undefined;
    const v = this.values.get(name);
    if (!v) this.fail(`input '${name}' is not produced by any earlier node, initializer or graph input`);
    return v;
  }

  private constIn(i: number, what: string): ConstTensor {
    const v = this.input(i);
    if (!v) this.fail(`needs its ${what} input`);
    if (v.kind !== "const") this.fail(`its ${what} must be a constant (an initializer), not a computed tensor`);
    return v.t;
  }

  private optConst(i: number, what: string): ConstTensor | undefined {
    return this.input(i) ? this.constIn(i, what) : undefined;
  }

  private data(t: ConstTensor, what: string): Float32Array | Float64Array {
    if (!t.data) this.fail(`needs the values of its ${what}, which are in an external data file that is absent`);
    return t.data;
  }

  private ints(t: ConstTensor, what: string): number[] {
    return Array.from(this.data(t, what));
  }

  private dynIn(i: number): DynValue {
    const v = this.input(i);
    if (!v) this.fail(`needs input ${i}`);
    if (v.kind === "quant")
      this.fail(`consumes the quantised tensor '${this.node.input?.[i]}' without a DequantizeLinear`);
    if (v.kind !== "dyn") this.fail(`input ${i} must be a feature map here`);
    return v;
  }

  // ---- IR emission ----

  private fresh(name: string): string {
    let n = name;
    for (let i = 1; this.shapes.has(n); i++) n = `${name}#${i}`;
    return n;
  }

  private emit(node: MNode, shape: number[], nonNeg: boolean): DynValue {
    node.name = this.names.unique(node.name);
    node.output = this.fresh(node.output);
    this.nodes.push(node);
    this.shapes.set(node.output, shape);
    this.producers.set(node.output, node);
    return { kind: "dyn", ir: node.output, shape, scale: 1, scaleFrom: "", nonNeg };
  }

  private outName(i = 0): string {
    return this.node.output?.[i] || `${this.nodeName()}_out${i}`;
  }

  private nodeName(): string {
    return this.node.name || `${this.node.opType}_${this.nodes.length}`;
  }

  /** Turns a pending strided slice into a real node (shortcutA without channel padding is a plain subsample). */
  private materialise(v: DynValue): DynValue {
    if (!v.stride) return v;
    const done = this.materialised.get(v);
    if (done) return done;
    const [sh, sw] = v.stride;
    if (sh !== sw) this.fail(`a Slice with different steps on H (${sh}) and W (${sw}) is not supported`);
    const c = this.shapes.get(v.ir)![0]!;
    const out = this.emit(
      {
        op: "shortcutA",
        name: `${this.nodeName()}/subsample`,
        inputs: [v.ir],
        output: `${v.ir}/s${sh}`,
        stride: sh,
        before: 0,
        cout: c,
      },
      [...v.shape],
      v.nonNeg,
    );
    const r = { ...out, scale: v.scale, scaleFrom: v.scaleFrom };
    this.materialised.set(v, r);
    return r;
  }

  /** A feature map for an op that needs a real IR tensor of rank 3 ([C,H,W]) or 1 ([F]). */
  private map(i: number): DynValue {
    return this.materialise(this.dynIn(i));
  }

  private requireUnitScale(v: DynValue, what: string): void {
    if (Math.abs(v.scale - 1) > EPS_SCALE)
      throw new InputError(
        `${this.path}: node '${v.scaleFrom}' multiplies by a constant (×${v.scale}) that no following conv/fc can absorb before ${what}`,
      );
  }

  private foldable(v: DynValue): WeightedNode | null {
    const p = this.producers.get(v.ir);
    if (!p || (p.op !== "conv" && p.op !== "fc") || v.stride) return null;
    return (this.irRefs.get(v.ir) ?? 0) === 1 ? p : null;
  }

  // ---- the ops ----

  run(n: NodeProtoObj, index: number): void {
    this.node = n;
    const op = n.opType ?? "";
    this.where = `${this.path}: node '${n.name || `#${index}`}' (${op})`;
    if (n.domain && n.domain !== "ai.onnx") this.fail(`op domain '${n.domain}' is not supported`);
    const handler = (this as unknown as Record<string, ((a: Attrs) => Value | undefined) | undefined>)[`op${op}`];
    if (!(SUPPORTED_OPS as readonly string[]).includes(op) || !handler)
      throw new InputError(
        `${this.path}: node '${n.name || `#${index}`}' has op type '${op}', which sumac does not support`,
      );
    const out = handler.call(this, new Attrs(n, this.where));
    if (out) this.setValue(this.outName(0), out);
  }

  private allConst(): ConstTensor[] | null {
    const ins = (this.node.input ?? []).map((_, i) => this.input(i));
    if (ins.some((v) => v !== undefined && v.kind !== "const")) return null;
    return ins.map((v) => (v as ConstValue | undefined)?.t ?? { dims: [], dtype: 0, data: null });
  }

  private constant(t: ConstTensor): ConstValue {
    return { kind: "const", t, origin: "" };
  }

  opConstant(a: Attrs): Value {
    const t = a.tensor("value");
    if (t) return this.constant(readTensor(t, this.where, this.ext));
    if (a.has("value_float")) return this.constant(makeConst([], DataType.FLOAT, [a.float("value_float", 0)]));
    if (a.has("value_int")) return this.constant(makeConst([], DataType.INT64, [a.int("value_int", 0)]));
    const fs = a.floats("value_floats");
    if (fs) return this.constant(makeConst([fs.length], DataType.FLOAT, fs));
    const is = a.ints("value_ints");
    if (is) return this.constant(makeConst([is.length], DataType.INT64, is));
    this.fail("has no value attribute that sumac reads (value, value_float(s), value_int(s))");
  }

  opConstantOfShape(a: Attrs): Value {
    const shape = this.ints(this.constIn(0, "shape"), "shape");
    const t = a.tensor("value");
    const v = t ? readTensor(t, this.where, this.ext) : makeConst([1], DataType.FLOAT, [0]);
    const fill = this.data(v, "value")[0] ?? 0;
    return this.constant(makeConst(shape, v.dtype, new Float64Array(elementCount(shape)).fill(fill)));
  }

  opIdentity(): Value {
    return this.input(0)!;
  }

  opShape(a: Attrs): Value {
    const v = this.input(0)!;
    const dims = v.kind === "const" ? [...v.t.dims] : [this.batch, ...(v.kind === "dyn" ? v.shape : v.of.shape)];
    const rank = dims.length;
    let start = a.int("start", 0);
    let end = a.int("end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    const out = dims.slice(Math.max(0, start), Math.min(rank, end));
    return this.constant(makeConst([out.length], DataType.INT64, out));
  }

  opCast(a: Attrs): Value {
    const to = a.int("to", DataType.FLOAT);
    const v = this.input(0)!;
    if (v.kind === "const") return this.constant(cast(v.t, to));
    if (to !== DataType.FLOAT) this.fail(`casting a feature map to data type ${to} is not supported (only to float)`);
    return v;
  }

  private axesOf(a: Attrs, inputIndex: number): number[] | undefined {
    const fromInput = this.optConst(inputIndex, "axes");
    if (fromInput) return this.ints(fromInput, "axes");
    return a.ints("axes");
  }

  opUnsqueeze(a: Attrs): Value {
    const v = this.input(0)!;
    const axes = this.axesOf(a, 1) ?? this.fail("has no axes");
    const full = v.kind === "const" ? [...v.t.dims] : [this.batch, ...this.dynIn(0).shape];
    const rank = full.length + axes.length;
    const norm = axes.map((x) => (x < 0 ? x + rank : x)).sort((p, q) => p - q);
    for (const ax of norm) full.splice(ax, 0, 1);
    if (v.kind === "const") return this.constant(withDims(v.t, full));
    if (norm.includes(0)) this.fail("unsqueezing the batch axis is not supported");
    return this.view(this.dynIn(0), full.slice(1));
  }

  opSqueeze(a: Attrs): Value {
    const v = this.input(0)!;
    const full = v.kind === "const" ? [...v.t.dims] : [this.batch, ...this.dynIn(0).shape];
    const axes = this.axesOf(a, 1);
    const rank = full.length;
    const drop = new Set(
      axes ? axes.map((x) => (x < 0 ? x + rank : x)) : full.flatMap((d, i) => (d === 1 && i > 0 ? [i] : [])),
    );
    for (const ax of drop) if (full[ax] !== 1) this.fail(`cannot squeeze axis ${ax} of size ${full[ax]}`);
    const out = full.filter((_, i) => !drop.has(i));
    if (v.kind === "const") return this.constant(withDims(v.t, out));
    if (drop.has(0)) this.fail("squeezing the batch axis is not supported");
    return this.view(this.dynIn(0), out.slice(1));
  }

  opReshape(a: Attrs): Value {
    const v = this.input(0)!;
    const target = this.ints(this.constIn(1, "shape"), "shape");
    const allowZero = a.int("allowzero", 0) === 1;
    if (v.kind === "const") {
      const dims =
        resolveReshape(v.t.dims, target, allowZero) ??
        this.fail(`cannot reshape [${v.t.dims.join(",")}] to [${target.join(",")}]`);
      return this.constant(withDims(v.t, dims));
    }
    const x = this.dynIn(0);
    const full = [this.batch, ...x.shape];
    const dims = resolveReshape(full, target, allowZero);
    if (!dims || dims[0] !== this.batch)
      this.fail(`reshaping the feature map [N,${x.shape.join(",")}] to [${target.join(",")}] is not supported`);
    return this.view(x, dims.slice(1));
  }

  opFlatten(a: Attrs): Value {
    const v = this.input(0)!;
    const axis = a.int("axis", 1);
    if (v.kind === "const") {
      const ax = axis < 0 ? axis + v.t.dims.length : axis;
      return this.constant(withDims(v.t, [elementCount(v.t.dims.slice(0, ax)), elementCount(v.t.dims.slice(ax))]));
    }
    const x = this.dynIn(0);
    if ((axis < 0 ? axis + x.shape.length + 1 : axis) !== 1)
      this.fail(`Flatten with axis ${axis} is not supported (only axis 1: per-image vectors)`);
    return this.view(x, [elementCount(x.shape)]);
  }

  /**
   * The same elements seen through another per-image shape. IR tensors are always [C,H,W] or [F]; a view may add
   * a leading unit dim ([1,C,H,W]: the unsqueezed map a 3D pool reads). A vector view of a map is a `flatten`.
   */
  private view(x: DynValue, shape: number[]): DynValue {
    if (elementCount(shape) !== elementCount(x.shape))
      this.fail(`shape [${shape.join(",")}] does not match the input's [${x.shape.join(",")}]`);
    const m = this.materialise(x);
    const irShape = this.shapes.get(m.ir)!;
    if (shape.length === 1) {
      if (irShape.length === 1) return { ...m, shape };
      const out = this.emit(
        { op: "flatten", name: this.nodeName(), inputs: [m.ir], output: this.outName() },
        shape,
        m.nonNeg,
      );
      return { ...out, scale: m.scale, scaleFrom: m.scaleFrom };
    }
    if (
      irShape.length === 3 &&
      (sameDims(shape, irShape) || (shape.length === 4 && shape[0] === 1 && sameDims(shape.slice(1), irShape)))
    )
      return { ...m, shape };
    this.fail(`reshaping the feature map [${irShape.join(",")}] to [${shape.join(",")}] is not supported`);
  }

  opTranspose(a: Attrs): Value {
    const v = this.input(0)!;
    const perm = a.ints("perm");
    if (v.kind === "const") return this.constant(transpose(v.t, perm));
    if (perm && perm.some((p, i) => p !== i))
      this.fail(`transposing a feature map (perm ${perm.join(",")}) is not supported`);
    return v;
  }

  opConcat(a: Attrs): Value {
    const axis = a.int("axis", 0);
    const consts = this.allConst();
    if (consts) return this.constant(concat(consts, axis));
    // Option-A shortcut written as a concat of zero channels around the (strided) input.
    const ins = (this.node.input ?? []).map((_, i) => this.input(i)!);
    const maps = ins.filter((v) => v.kind !== "const");
    if (maps.length !== 1) this.fail("concatenating feature maps is not supported (only zero channels around one map)");
    const x = this.dynIn(ins.indexOf(maps[0]!));
    const rank = x.shape.length + 1;
    if ((axis < 0 ? axis + rank : axis) !== 1 || x.shape.length !== 3)
      this.fail("only a concat of zero channels (axis 1) around a feature map is supported");
    let before = 0;
    let total = 0;
    let seen = false;
    for (const v of ins) {
      if (v.kind === "const") {
        const d = this.data(v.t, "zero block");
        if (d.some((e) => e !== 0))
          this.fail("only a concat of zero channels is supported (a constant block is not zero)");
        if (v.t.dims[2] !== x.shape[1] || v.t.dims[3] !== x.shape[2])
          this.fail("the zero block's H and W do not match the feature map");
        total += v.t.dims[1]!;
        if (!seen) before += v.t.dims[1]!;
      } else {
        seen = true;
        total += x.shape[0]!;
      }
    }
    return this.shortcutA(x, before, total);
  }

  private shortcutA(x: DynValue, before: number, cout: number): DynValue {
    const [sh, sw] = x.stride ?? [1, 1];
    if (sh !== sw) this.fail(`a Slice with different steps on H (${sh}) and W (${sw}) is not supported`);
    const out = this.emit(
      { op: "shortcutA", name: this.nodeName(), inputs: [x.ir], output: this.outName(), stride: sh, before, cout },
      [cout, x.shape[1]!, x.shape[2]!],
      x.nonNeg,
    );
    return { ...out, scale: x.scale, scaleFrom: x.scaleFrom };
  }

  opSlice(a: Attrs): Value {
    const v = this.input(0)!;
    const full = v.kind === "const" ? [...v.t.dims] : [this.batch, ...this.dynIn(0).shape];
    const rank = full.length;
    const starts = this.optConst(1, "starts")
      ? this.ints(this.constIn(1, "starts"), "starts")
      : (a.ints("starts") ?? []);
    const ends = this.optConst(2, "ends") ? this.ints(this.constIn(2, "ends"), "ends") : (a.ints("ends") ?? []);
    const axes =
      (this.optConst(3, "axes") ? this.ints(this.constIn(3, "axes"), "axes") : a.ints("axes")) ??
      starts.map((_, i) => i);
    const steps = this.optConst(4, "steps") ? this.ints(this.constIn(4, "steps"), "steps") : starts.map(() => 1);
    const per: SliceAxis[] = full.map((d) => ({ start: 0, step: 1, count: d }));
    axes.forEach((ax, i) => {
      const axis = ax < 0 ? ax + rank : ax;
      if (axis < 0 || axis >= rank) this.fail(`axis ${ax} is out of range`);
      if (steps[i] === 0) this.fail("a step of 0 is invalid");
      per[axis] = sliceAxis(full[axis]!, starts[i]!, ends[i]!, steps[i] ?? 1);
    });
    if (v.kind === "const") return this.constant(slice(v.t, per));
    const x = this.dynIn(0);
    if (rank !== 4) this.fail("slicing a feature map that is not [N,C,H,W] is not supported");
    per.slice(0, 2).forEach((s, i) => {
      if (s.start !== 0 || s.step !== 1 || s.count !== full[i])
        this.fail("slicing the batch or channel axis of a feature map is not supported");
    });
    for (const axis of [2, 3]) {
      const s = per[axis]!;
      if (s.start !== 0 || s.step < 1 || s.count !== Math.ceil(full[axis]! / s.step))
        this.fail(
          "only Slice with start 0, step ≥ 1 and the full extent on H/W (x[:, :, ::s, ::s]) is supported on a feature map",
        );
    }
    const [, , hs, ws] = per as [SliceAxis, SliceAxis, SliceAxis, SliceAxis];
    const prev = x.stride ?? [1, 1];
    if (hs.step === 1 && ws.step === 1) return x;
    return { ...x, stride: [prev[0] * hs.step, prev[1] * ws.step], shape: [x.shape[0]!, hs.count, ws.count] };
  }

  opPad(a: Attrs): Value {
    const mode = a.string("mode", "constant");
    if (mode !== "constant") this.fail(`Pad mode '${mode}' is not supported (only constant zeros)`);
    const value = this.optConst(2, "constant value");
    if (value && (scalarOf(value) ?? 0) !== 0)
      this.fail(`padding with ${scalarOf(value)} is not supported (only zeros)`);
    const x = this.dynIn(0);
    const rank = x.shape.length + 1;
    let pads = this.optConst(1, "pads")
      ? this.ints(this.constIn(1, "pads"), "pads")
      : (a.ints("pads") ?? this.fail("has no pads"));
    const axes = this.optConst(3, "axes");
    if (axes) {
      const full = new Array<number>(2 * rank).fill(0);
      const ax = this.ints(axes, "axes").map((q) => (q < 0 ? q + rank : q));
      ax.forEach((q, i) => {
        full[q] = pads[i]!;
        full[q + rank] = pads[i + ax.length]!;
      });
      pads = full;
    }
    if (pads.length !== 2 * rank || rank !== 4)
      this.fail(`pads [${pads.join(",")}] do not fit a [N,C,H,W] feature map`);
    if (pads.some((p) => p < 0)) this.fail("negative pads (cropping) are not supported");
    const [nb, cb, hb, wb, ne, ce, he, we] = pads as [number, number, number, number, number, number, number, number];
    if (nb || ne) this.fail("padding the batch axis is not supported");
    if ((cb || ce) && (hb || wb || he || we)) this.fail("padding channels and H/W in one Pad is not supported");
    if (cb || ce) return this.shortcutA(x, cb, x.shape[0]! + cb + ce);
    const m = this.materialise(x);
    const out = this.emit(
      { op: "pad", name: this.nodeName(), inputs: [m.ir], output: this.outName(), pads: [hb, wb, he, we] },
      [m.shape[0]!, m.shape[1]! + hb + he, m.shape[2]! + wb + we],
      m.nonNeg,
    );
    return { ...out, scale: m.scale, scaleFrom: m.scaleFrom };
  }

  private scaled(w: ConstTensor, s: number): Float32Array | null {
    if (!w.data) return null;
    const out = Float32Array.from(w.data);
    if (Math.abs(s - 1) > EPS_SCALE) for (let i = 0; i < out.length; i++) out[i] = out[i]! * s;
    return out;
  }

  private window2(a: Attrs, name: string, fallback: number): number {
    const v = a.ints(name);
    if (!v || v.length === 0) return fallback;
    if (v.length !== 2 || v[0] !== v[1]) this.fail(`${name} [${v.join(",")}] must be equal on H and W`);
    return v[0]!;
  }

  private pads4(
    a: Attrs,
    inH: number,
    inW: number,
    kh: number,
    kw: number,
    stride: number,
    dilation: number,
  ): [number, number, number, number] {
    const auto = a.string("auto_pad", "NOTSET");
    if (auto === "VALID") return [0, 0, 0, 0];
    if (auto === "SAME_UPPER" || auto === "SAME_LOWER") {
      const one = (size: number, k: number): [number, number] => {
        const total = Math.max(0, (Math.ceil(size / stride) - 1) * stride + dilation * (k - 1) + 1 - size);
        const small = Math.floor(total / 2);
        return auto === "SAME_UPPER" ? [small, total - small] : [total - small, small];
      };
      const [t, b] = one(inH, kh);
      const [l, r] = one(inW, kw);
      return [t, l, b, r];
    }
    const p = a.ints("pads") ?? [0, 0, 0, 0];
    if (p.length !== 4) this.fail(`pads [${p.join(",")}] must have 4 values for a 2D window`);
    return [p[0]!, p[1]!, p[2]!, p[3]!];
  }

  opConv(a: Attrs): Value {
    const x = this.map(0);
    if (x.shape.length !== 3)
      this.fail(`input [${x.shape.join(",")}] is not a [C,H,W] feature map (only 2D convolution is supported)`);
    const w = this.constIn(1, "weight");
    const b = this.optConst(2, "bias");
    if (w.dims.length !== 4) this.fail(`weight dims [${w.dims.join(",")}] are not [Cout, Cin/groups, kh, kw]`);
    const [cout, cpg, kh, kw] = w.dims as [number, number, number, number];
    const groups = a.int("group", 1);
    const cin = x.shape[0]!;
    if (cpg * groups !== cin)
      this.fail(`weight expects ${cpg * groups} input channels (group ${groups}), the input has ${cin}`);
    const stride = this.window2(a, "strides", 1);
    const dilation = this.window2(a, "dilations", 1);
    const ks = a.ints("kernel_shape");
    if (ks && (ks[0] !== kh || ks[1] !== kw)) this.fail(`kernel_shape [${ks.join(",")}] does not match the weight`);
    const pads = this.pads4(a, x.shape[1]!, x.shape[2]!, kh, kw, stride, dilation);
    const H = Math.floor((x.shape[1]! + pads[0] + pads[2] - dilation * (kh - 1) - 1) / stride) + 1;
    const W = Math.floor((x.shape[2]! + pads[1] + pads[3] - dilation * (kw - 1) - 1) / stride) + 1;
    if (H < 1 || W < 1) this.fail(`output would be empty for input [${x.shape.join(",")}]`);
    if (b && elementCount(b.dims) !== cout) this.fail(`bias has ${elementCount(b.dims)} values, expected ${cout}`);
    const name = layerName(this.node.name ?? "", this.node.input?.[1] ?? "", `conv${this.nodes.length}`);
    return this.emit(
      {
        op: "conv",
        name,
        inputs: [x.ir],
        output: this.outName(),
        cin,
        cout,
        kh,
        kw,
        stride,
        pads,
        dilation,
        groups,
        weight: this.scaled(w, x.scale),
        bias: b ? this.scaled(b, 1) : null,
      },
      [cout, H, W],
      false,
    );
  }

  private fc(
    x: DynValue,
    weightPQ: Float32Array | null,
    P: number,
    Q: number,
    bias: Float32Array | null,
    weightName: string,
  ): DynValue {
    const v = x.shape.length === 1 ? x : this.view(x, [elementCount(x.shape)]);
    if (v.shape[0] !== Q) this.fail(`weight expects ${Q} input features, the input has ${v.shape[0]}`);
    if (weightPQ && Math.abs(v.scale - 1) > EPS_SCALE)
      for (let i = 0; i < weightPQ.length; i++) weightPQ[i] = weightPQ[i]! * v.scale;
    const name = layerName(this.node.name ?? "", weightName, `fc${this.nodes.length}`);
    return this.emit(
      { op: "fc", name, inputs: [v.ir], output: this.outName(), P, Q, weight: weightPQ, bias },
      [P],
      false,
    );
  }

  opGemm(a: Attrs): Value {
    const x = this.map(0);
    if (a.int("transA", 0) !== 0) this.fail("transA = 1 is not supported");
    const w = this.constIn(1, "weight");
    if (w.dims.length !== 2) this.fail(`weight dims [${w.dims.join(",")}] are not 2D`);
    const transB = a.int("transB", 0) === 1;
    const wt = transB ? w : w.data ? transpose(w) : { ...w, dims: [w.dims[1]!, w.dims[0]!] };
    const [P, Q] = wt.dims as [number, number];
    const alpha = a.float("alpha", 1);
    const beta = a.float("beta", 1);
    const c = this.optConst(2, "bias");
    let bias: Float32Array | null = null;
    if (c) {
      if (c.data) {
        const bc = broadcast(makeConst([P], DataType.FLOAT, new Float32Array(P)), c, (_z, v) => v * beta);
        if (elementCount(bc.dims) !== P) this.fail(`bias dims [${c.dims.join(",")}] do not broadcast to [${P}]`);
        bias = Float32Array.from(bc.data!);
      }
    }
    return this.fc(x, this.scaled(wt, alpha), P, Q, bias, this.node.input?.[1] ?? "");
  }

  opMatMul(): Value {
    const x = this.map(0);
    const w = this.constIn(1, "weight");
    if (w.dims.length !== 2) this.fail("only a feature vector times a 2D constant matrix is supported");
    const [Q, P] = w.dims as [number, number];
    const wt = w.data ? Float32Array.from(transpose(w).data!) : null;
    return this.fc(x, wt, P, Q, null, this.node.input?.[1] ?? "");
  }

  opRelu(): Value {
    const x = this.map(0);
    if (x.scale <= 0) this.requireUnitScale(x, `ReLU '${this.nodeName()}'`);
    const out = this.emit(
      { op: "relu", name: this.nodeName(), inputs: [x.ir], output: this.outName() },
      [...x.shape],
      true,
    );
    return { ...out, scale: x.scale, scaleFrom: x.scaleFrom };
  }

  opClip(a: Attrs): Value {
    const x = this.map(0);
    const lo = this.optConst(1, "min");
    const hi = this.optConst(2, "max");
    let min = lo ? (scalarOf(lo) ?? this.fail("min must be a scalar")) : a.float("min", -Infinity);
    let max = hi ? (scalarOf(hi) ?? this.fail("max must be a scalar")) : a.float("max", Infinity);
    if (x.scale <= 0) this.requireUnitScale(x, `Clip '${this.nodeName()}'`);
    min /= x.scale;
    max /= x.scale;
    const out = this.emit(
      { op: "clip", name: this.nodeName(), inputs: [x.ir], output: this.outName(), lo: min, hi: max },
      [...x.shape],
      min >= 0 || x.nonNeg,
    );
    return { ...out, scale: x.scale, scaleFrom: x.scaleFrom };
  }

  opBatchNormalization(a: Attrs): Value {
    const x = this.map(0);
    const C = x.shape[0]!;
    const eps = a.float("epsilon", 1e-5);
    const [g, b, m, v] = [1, 2, 3, 4].map((i) => this.constIn(i, ["", "scale", "bias", "mean", "var"][i]!));
    let scale: Float32Array | null = null;
    let shift: Float32Array | null = null;
    if (g!.data && b!.data && m!.data && v!.data) {
      scale = new Float32Array(C);
      shift = new Float32Array(C);
      for (let c = 0; c < C; c++) {
        const s = g!.data[c]! / Math.sqrt(v!.data[c]! + eps);
        scale[c] = s * x.scale;
        shift[c] = b!.data[c]! - m!.data[c]! * s;
      }
    }
    return this.emit(
      { op: "bn", name: this.nodeName(), inputs: [x.ir], output: this.outName(), channels: C, scale, shift },
      [...x.shape],
      false,
    );
  }

  private pool2(a: Attrs, x: DynValue): { k: number; stride: number; pad: number; H: number; W: number } {
    const k = this.window2(a, "kernel_shape", 0) || this.fail("has no kernel_shape");
    const stride = this.window2(a, "strides", 1);
    if (this.window2(a, "dilations", 1) !== 1) this.fail("dilated pooling is not supported");
    const pads = this.pads4(a, x.shape[1]!, x.shape[2]!, k, k, stride, 1);
    if (pads.some((p) => p !== pads[0])) this.fail(`asymmetric pool padding [${pads.join(",")}] is not supported`);
    const pad = pads[0];
    const out = (size: number, ceil: boolean) => (ceil ? Math.ceil : Math.floor)((size + 2 * pad - k) / stride) + 1;
    const ceil = a.int("ceil_mode", 0) === 1;
    const H = out(x.shape[1]!, false);
    const W = out(x.shape[2]!, false);
    if (ceil && (out(x.shape[1]!, true) !== H || out(x.shape[2]!, true) !== W))
      this.fail("ceil_mode = 1 changes the output size, which is not supported");
    return { k, stride, pad, H, W };
  }

  opMaxPool(a: Attrs): Value {
    if (this.node.output?.[1]) this.fail("the Indices output of MaxPool is not supported");
    const x = this.map(0);
    if (x.shape.length !== 3) this.fail(`input [${x.shape.join(",")}] is not a [C,H,W] feature map`);
    if (x.scale <= 0) this.requireUnitScale(x, `MaxPool '${this.nodeName()}'`);
    const p = this.pool2(a, x);
    const out = this.emit(
      {
        op: "maxpool",
        name: this.nodeName(),
        inputs: [x.ir],
        output: this.outName(),
        k: p.k,
        stride: p.stride,
        pad: p.pad,
      },
      [x.shape[0]!, p.H, p.W],
      x.nonNeg,
    );
    return { ...out, scale: x.scale, scaleFrom: x.scaleFrom };
  }

  opAveragePool(a: Attrs): Value {
    const x = this.map(0);
    if (x.shape.length === 4) return this.sumPool3d(a, x);
    if (x.shape.length !== 3) this.fail(`input [${x.shape.join(",")}] is not a [C,H,W] feature map`);
    const p = this.pool2(a, x);
    const out = this.emit(
      {
        op: "avgpool",
        name: this.nodeName(),
        inputs: [x.ir],
        output: this.outName(),
        k: p.k,
        stride: p.stride,
        pad: p.pad,
        countIncludePad: a.int("count_include_pad", 0) === 1,
      },
      [x.shape[0]!, p.H, p.W],
      x.nonNeg,
    );
    return { ...out, scale: x.scale, scaleFrom: x.scaleFrom };
  }

  /** AveragePool over (kc, kh, kw) with stride 1 and no padding on an unsqueezed map = sum-pool ÷ window volume. */
  private sumPool3d(a: Attrs, x: DynValue): DynValue {
    const [one, C, H, W] = x.shape as [number, number, number, number];
    if (one !== 1)
      this.fail(`a 3D AveragePool is supported only over an unsqueezed [1,C,H,W] map (got [${x.shape.join(",")}])`);
    const k = a.ints("kernel_shape") ?? this.fail("has no kernel_shape");
    if (k.length !== 3) this.fail("a 3D AveragePool needs a 3D kernel_shape");
    const strides = a.ints("strides") ?? [1, 1, 1];
    if (strides.some((s) => s !== 1)) this.fail("a 3D AveragePool is supported only with stride 1 (a sum-pool)");
    if ((a.ints("pads") ?? []).some((p) => p !== 0) || !["NOTSET", "VALID"].includes(a.string("auto_pad", "NOTSET")))
      this.fail("a 3D AveragePool is supported only without padding (pad with a Pad node before it)");
    const dil = a.ints("dilations") ?? [1, 1, 1];
    if (dil[0] !== 1 || dil[1] !== dil[2])
      this.fail(`3D pool dilations [${dil.join(",")}] are not supported (channel 1, equal on H/W)`);
    const [kc, kh, kw] = k as [number, number, number];
    const d = dil[1] ?? 1;
    const shape = [C - kc + 1, H - d * (kh - 1), W - d * (kw - 1)];
    if (shape.some((s) => s < 1)) this.fail(`window (${kc},${kh},${kw}) is larger than the input [${C},${H},${W}]`);
    const out = this.emit(
      { op: "sumpool", name: this.nodeName(), inputs: [x.ir], output: this.outName(), kc, kh, kw, dilation: d },
      shape,
      x.nonNeg,
    );
    return { ...out, shape: [1, ...shape], scale: x.scale / (kc * kh * kw), scaleFrom: this.nodeName() };
  }

  opGlobalAveragePool(): Value {
    const x = this.map(0);
    if (x.shape.length !== 3) this.fail(`input [${x.shape.join(",")}] is not a [C,H,W] feature map`);
    const out = this.emit(
      { op: "gap", name: this.nodeName(), inputs: [x.ir], output: this.outName() },
      [x.shape[0]!, 1, 1],
      x.nonNeg,
    );
    return { ...out, scale: x.scale, scaleFrom: x.scaleFrom };
  }

  /** Per-output-channel values of a constant operand for a map of `C` channels (scalar, [C], [C,1,1], [1,C,1,1]). */
  private perChannel(t: ConstTensor, C: number, rank: number): Float64Array | null {
    if (!t.data) return null;
    if (t.data.length === 1) return new Float64Array(C).fill(t.data[0]!);
    const dims = [...new Array<number>(Math.max(0, rank + 1 - t.dims.length)).fill(1), ...t.dims];
    const ok =
      t.data.length === C && dims.length === rank + 1 && dims[1] === C && dims.every((d, i) => i === 1 || d === 1);
    return ok ? Float64Array.from(t.data) : null;
  }

  opAdd(): Value {
    const consts = this.allConst();
    if (consts) return this.constant(broadcast(consts[0]!, consts[1]!, (p, q) => p + q));
    const a = this.input(0)!;
    const b = this.input(1)!;
    if (a.kind !== "const" && b.kind !== "const") {
      const x = this.map(0);
      const y = this.map(1);
      if (!sameDims(x.shape, y.shape))
        this.fail(`adds maps of different shapes [${x.shape.join(",")}] and [${y.shape.join(",")}]`);
      if (Math.abs(x.scale - y.scale) > EPS_SCALE * Math.abs(x.scale)) {
        this.requireUnitScale(x.scale !== 1 ? x : y, `Add '${this.nodeName()}'`);
      }
      const out = this.emit(
        { op: "add", name: this.nodeName(), inputs: [x.ir, y.ir], output: this.outName() },
        [...x.shape],
        x.nonNeg && y.nonNeg,
      );
      return { ...out, scale: x.scale, scaleFrom: x.scaleFrom };
    }
    // A constant bias after a conv/fc (e.g. MatMul + Add): fold into its bias.
    const x = this.map(a.kind === "const" ? 1 : 0);
    const c = (a.kind === "const" ? a : (b as ConstValue)).t;
    const p = this.foldable(x);
    const C = x.shape[0]!;
    const vals = this.perChannel(c, C, x.shape.length);
    if (!p || !c.data || !vals) {
      if (!c.data && p) return x;
      this.fail("adding a constant to a feature map is supported only as a per-channel bias right after a conv or fc");
    }
    const n = p.op === "conv" ? p.cout : p.P;
    const bias = p.bias ? Float32Array.from(p.bias) : new Float32Array(n);
    for (let i = 0; i < n; i++) bias[i] = bias[i]! + vals[i]! / x.scale;
    p.bias = bias;
    return x;
  }

  opMul(): Value {
    const consts = this.allConst();
    if (consts) return this.constant(broadcast(consts[0]!, consts[1]!, (p, q) => p * q));
    const a = this.input(0)!;
    const b = this.input(1)!;
    if (a.kind !== "const" && b.kind !== "const") this.fail("multiplying two feature maps is not supported");
    const x = this.map(a.kind === "const" ? 1 : 0);
    const c = (a.kind === "const" ? a : (b as ConstValue)).t;
    if (!c.data) this.fail("its constant factor is in an external data file that is absent");
    const s = scalarOf(c);
    if (s !== undefined) return { ...x, scale: x.scale * s, scaleFrom: this.nodeName(), nonNeg: x.nonNeg && s > 0 };
    const p = this.foldable(x);
    const vals = this.perChannel(c, x.shape[0]!, x.shape.length);
    if (!p || !vals)
      this.fail(
        "multiplying a feature map by a non-scalar constant is supported only per channel right after a conv or fc",
      );
    const per = p.op === "conv" ? (p.cin / p.groups) * p.kh * p.kw : p.Q;
    if (p.weight) p.weight = Float32Array.from(p.weight, (w, i) => w * vals[Math.floor(i / per)]!);
    if (p.bias) p.bias = Float32Array.from(p.bias, (w, i) => w * vals[i]!);
    return x;
  }

  // ---- QDQ ----

  private qParams(what: string): { scale: ConstTensor; zp: ConstTensor | undefined } {
    return { scale: this.constIn(1, `${what} scale`), zp: this.optConst(2, `${what} zero point`) };
  }

  opQuantizeLinear(a: Attrs): Value {
    const { scale, zp } = this.qParams("quantisation");
    const v = this.input(0)!;
    if (v.kind === "const") return this.constant(quantize(v.t, scale, zp, a.int("axis", 1)));
    // A pending strided slice may pass through Q/DQ (the quantiser wraps every intermediate tensor).
    const x = this.dynIn(0);
    this.requireUnitScale(x, `QuantizeLinear '${this.nodeName()}'`);
    const s = scalarOf(scale);
    const z = zp ? scalarOf(zp) : 0;
    if (s === undefined || z === undefined) this.fail("per-channel quantisation of a feature map is not supported");
    const [lo, hi] = quantRange(zp?.dtype ?? DataType.UINT8);
    const q: QuantValue = { kind: "quant", of: x, scale: s, zeroPoint: z, lo, hi, node: this.nodeName() };
    return q;
  }

  opDequantizeLinear(a: Attrs): Value {
    const { scale, zp } = this.qParams("dequantisation");
    const v = this.input(0)!;
    if (v.kind === "const") return this.constant(dequantize(v.t, scale, zp, a.int("axis", 1)));
    if (v.kind !== "quant") this.fail("dequantises a tensor that is not the output of a QuantizeLinear");
    const s = scalarOf(scale);
    const z = zp ? scalarOf(zp) : 0;
    if (s !== v.scale || z !== v.zeroPoint)
      this.fail(`scale/zero point differ from those of QuantizeLinear '${v.node}'`);
    if (v.resolved) return v.resolved;
    let x = v.of;
    // The quantiser folded a ReLU into this Q (its range starts at 0): put it back.
    if (v.zeroPoint === v.lo && !x.nonNeg) {
      x = this.materialise(x);
      x = this.emit({ op: "relu", name: `${v.node}/relu`, inputs: [x.ir], output: `${x.ir}/relu` }, [...x.shape], true);
    }
    if (!x.stride) this.quant.set(x.ir, { scale: v.scale, zeroPoint: v.zeroPoint });
    v.resolved = x;
    return x;
  }

  // ---- the end ----

  finish(outputName: string): { output: string } {
    const v = this.values.get(outputName);
    if (!v) throw new InputError(`${this.path}: graph output '${outputName}' is never produced`);
    if (v.kind === "const") throw new InputError(`${this.path}: graph output '${outputName}' is a constant`);
    if (v.kind === "quant")
      throw new InputError(`${this.path}: graph output '${outputName}' is quantised (no DequantizeLinear)`);
    this.where = `${this.path}: graph output '${outputName}'`;
    const m = this.materialise(v);
    this.requireUnitScale(m, "the graph output");
    this.pruneDead(m.ir);
    return { output: m.ir };
  }

  /** Drops nodes whose results nothing uses (e.g. a side branch that ended in a folded constant). */
  private pruneDead(output: string): void {
    const live = new Set([output]);
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      if (live.has(n.output)) for (const t of n.inputs) live.add(t);
      else this.nodes.splice(i, 1);
    }
  }
}

/** Reads an ONNX model into the graph IR (weights may be null when external data is absent or skipped). */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions): ImportResult {
  const { graph: g, opset } = decodeModel(bytes, opts.path);
  const imp = new Importer(opts.path, opts.readFile, opts.skipExternal ?? false, opset);
  const outputs = (g.output ?? []).map((o) => o.name ?? "");
  if (outputs.length !== 1)
    throw new InputError(`${opts.path}: the graph has ${outputs.length} outputs; sumac reads single-output models`);
  imp.countUses(g.node ?? [], outputs);
  for (const t of g.initializer ?? []) imp.addInitializer(t);
  const inputs = (g.input ?? []).filter((i) => !imp.values.has(i.name ?? ""));
  if (inputs.length !== 1)
    throw new InputError(
      `${opts.path}: the graph has ${inputs.length} non-constant inputs; sumac reads single-input models`,
    );
  const input = imp.addInput(inputs[0]!);
  (g.node ?? []).forEach((n, i) => imp.run(n, i));
  const { output } = imp.finish(outputs[0]!);
  const graph: Graph = {
    name: baseName(opts.path),
    input: { name: input.ir, shape: input.shape },
    output,
    nodes: imp.nodes,
    shapes: imp.shapes,
    ...(imp.quant.size ? { quant: imp.quant } : {}),
    randomWeights: false,
  };
  return { graph, missingData: imp.missing };
}
