// The importer's state while it walks one ONNX graph: what each ONNX tensor is (a Value), the IR nodes emitted so
// far, and the per-node helpers every op translator uses (reading inputs, emitting IR, failing with the node named).
import { InputError } from "../../isa/errors.js";
import type { ConvNode, FcNode, Node } from "../ir.js";
import { NameTable } from "../unique-names.js";
import type { Attrs } from "./attrs.js";
import { requireUnitScale } from "./pending-scale.js";
import type { NodeProtoObj, ValueInfoProtoObj } from "./schema.js";
import { readTensor, type ConstTensor, type ExternalDataContext } from "./tensors.js";
import type { ConstValue, DynValue, Value } from "./values.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type MNode = Mutable<Node>;
export type WeightedNode = Mutable<ConvNode> | Mutable<FcNode>;

export class ImportContext {
  readonly nodes: MNode[] = [];
  readonly shapes = new Map<string, number[]>();
  readonly values = new Map<string, Value>();
  readonly quant = new Map<string, { scale: number; zeroPoint: number }>();
  readonly ext: ExternalDataContext;
  batch = 1;
  /** "<file>: node '<name>' (<op>)": the prefix of every error about the current node. */
  where = "";
  /** The ONNX node being translated. */
  node: NodeProtoObj = {};
  private readonly producers = new Map<string, MNode>();
  // How many ONNX consumers read each IR tensor: a per-channel Mul/Add folds into a conv/fc only when it is the
  // sole reader (otherwise another consumer would see the changed weights).
  private readonly irRefs = new Map<string, number>();
  private readonly names = new NameTable();
  private readonly uses = new Map<string, number>();
  private readonly materialised = new Map<DynValue, DynValue>();

  constructor(
    readonly path: string,
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

  // ---- the graph's inputs ----

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

  /** Makes `n` the current node (named in errors). */
  enter(n: NodeProtoObj, index: number): void {
    this.node = n;
    this.where = `${this.path}: node '${n.name || `#${index}`}' (${n.opType ?? ""})`;
  }

  // ---- errors and inputs of the current node ----

  fail(what: string): never {
    throw new InputError(`${this.where}: ${what}`);
  }

  input(i: number): Value | undefined {
    const name = this.node.input?.[i];
    if (!name) return undefined;
    const v = this.values.get(name);
    if (!v) this.fail(`input '${name}' is not produced by any earlier node, initializer or graph input`);
    return v;
  }

  /** Input i, which the op cannot do without: a malformed node (input missing or empty) is an InputError. */
  need(i: number): Value {
    return this.input(i) ?? this.fail(`is missing its input ${i} (${this.node.input?.length ?? 0} given)`);
  }

  constIn(i: number, what: string): ConstTensor {
    const v = this.input(i);
    if (!v) this.fail(`needs its ${what} input`);
    if (v.kind !== "const") this.fail(`its ${what} must be a constant (an initializer), not a computed tensor`);
    return v.t;
  }

  optConst(i: number, what: string): ConstTensor | undefined {
    return this.input(i) ? this.constIn(i, what) : undefined;
  }

  data(t: ConstTensor, what: string): Float32Array | Float64Array {
    if (!t.data) this.fail(`needs the values of its ${what}, which are in an external data file that is absent`);
    return t.data;
  }

  ints(t: ConstTensor, what: string): number[] {
    return Array.from(this.data(t, what));
  }

  /** An integer list given either as constant input `i` (newer opsets) or as attribute `name` (older ones). */
  intsInputOrAttr(i: number, name: string, a: Attrs): number[] | undefined {
    const fromInput = this.optConst(i, name);
    return fromInput ? this.ints(fromInput, name) : a.ints(name);
  }

  dynIn(i: number): DynValue {
    const v = this.input(i);
    if (!v) this.fail(`needs input ${i}`);
    if (v.kind === "quant")
      this.fail(`consumes the quantised tensor '${this.node.input?.[i]}' without a DequantizeLinear`);
    if (v.kind !== "dyn") this.fail(`input ${i} must be a feature map here`);
    return v;
  }

  /** A feature map for an op that needs a real IR tensor of rank 3 ([C,H,W]) or 1 ([F]). */
  map(i: number): DynValue {
    return this.materialise(this.dynIn(i));
  }

  /** Every input's tensor when all are constants (the op is then folded at import time), else null. */
  /** Fails unless the node gives at least n inputs (a binary op needs both). */
  needInputs(n: number): void {
    const given = (this.node.input ?? []).filter((x) => x !== "").length;
    if (given < n) this.fail(`needs ${n} inputs, ${given} given`);
  }

  allConst(): ConstTensor[] | null {
    const ins = (this.node.input ?? []).map((_, i) => this.input(i));
    if (ins.some((v) => v !== undefined && v.kind !== "const")) return null;
    return ins.map((v) => (v as ConstValue | undefined)?.t ?? { dims: [], dtype: 0, data: null });
  }

  constant(t: ConstTensor): ConstValue {
    return { kind: "const", t, origin: "" };
  }

  // ---- IR emission ----

  outName(i = 0): string {
    return this.node.output?.[i] || `${this.nodeName()}_out${i}`;
  }

  nodeName(): string {
    return this.node.name || `${this.node.opType}_${this.nodes.length}`;
  }

  private fresh(name: string): string {
    let n = name;
    for (let i = 1; this.shapes.has(n); i++) n = `${name}#${i}`;
    return n;
  }

  emit(node: MNode, shape: number[], nonNeg: boolean): DynValue {
    node.name = this.names.unique(node.name);
    node.output = this.fresh(node.output);
    this.nodes.push(node);
    this.shapes.set(node.output, shape);
    this.producers.set(node.output, node);
    return { kind: "dyn", ir: node.output, shape, scale: 1, scaleFrom: "", nonNeg };
  }

  /** Emits a node that commutes with a scalar multiply, so the input's pending scale rides on to its output. */
  emitCarryingScale(node: MNode, shape: number[], nonNeg: boolean, from: DynValue): DynValue {
    const out = this.emit(node, shape, nonNeg);
    return { ...out, scale: from.scale, scaleFrom: from.scaleFrom };
  }

  /** Turns a pending strided slice into a real node (shortcutA without channel padding is a plain subsample). */
  materialise(v: DynValue): DynValue {
    if (!v.stride) return v;
    const done = this.materialised.get(v);
    if (done) return done;
    const [sh, sw] = v.stride;
    if (sh !== sw) this.fail(`a Slice with different steps on H (${sh}) and W (${sw}) is not supported`);
    const c = this.shapes.get(v.ir)![0]!;
    const r = this.emitCarryingScale(
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
      v,
    );
    this.materialised.set(v, r);
    return r;
  }

  /** The IR node that wrote tensor `ir` (undefined for the graph input). */
  producerOf(ir: string): MNode | undefined {
    return this.producers.get(ir);
  }

  /** The conv/fc that produced `v`, when a per-channel constant may be folded into its weights; else null. */
  foldable(v: DynValue): WeightedNode | null {
    const p = this.producers.get(v.ir);
    if (!p || (p.op !== "conv" && p.op !== "fc") || v.stride) return null;
    return (this.irRefs.get(v.ir) ?? 0) === 1 ? p : null;
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
    requireUnitScale(this, m, "the graph output");
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

/** Translates the current ONNX node (cx.node) into a Value, emitting IR nodes as needed. */
export type OpTranslator = (cx: ImportContext, a: Attrs) => Value;
