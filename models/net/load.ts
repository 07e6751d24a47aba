// .net source → graph IR: parse, check, then elaborate one network (a `model` declaration or a bare network) for one variant.
import { InputError } from "../../isa/errors.js";
import type { ConvNode, FcNode, Graph, Node, Shape } from "../ir.js";
import { nodeOutputShape } from "../shapes.js";
import type {
  Annotation,
  Arg,
  BlockDecl,
  Expr,
  Label,
  ModelDecl,
  NetFile,
  NetworkDecl,
  Param,
  Pos,
  Stmt,
  Value,
} from "./ast.js";
import { checkNetFile } from "./check.js";
import { diagnosticsError, NetError } from "./diagnostics.js";
import { DENSE, LAYER_SPECS, variantOfTag } from "./layerspec.js";
import { parseNetText } from "./syntax.js";
import type { LayerKind } from "./tokens.js";

/** A model a .net file offers: a `model` declaration, or a bare network with its default parameters. */
export interface NetModelInfo {
  readonly name: string;
  readonly network: string;
  readonly dataset: string | null;
  readonly description: string;
  readonly variants: readonly string[];
}

/** A parsed and checked .net file. */
export interface NetDocument {
  readonly file: string;
  readonly text: string;
  readonly ast: NetFile;
  readonly models: readonly NetModelInfo[];
}

function annotationTags(stmts: readonly Stmt[], into: Set<string>): void {
  for (const s of stmts) {
    if (s.kind === "layer") for (const a of s.annotations) into.add(a.tag);
    else if (s.kind === "for" || s.kind === "repeat" || s.kind === "seq") annotationTags(s.body, into);
    else if (s.kind === "if") {
      annotationTags(s.then, into);
      annotationTags(s.else, into);
    } else if (s.kind === "residual") {
      annotationTags(s.main, into);
      annotationTags(s.shortcut ?? [], into);
    }
  }
}

/** Variants of a network: dense plus one per annotation tag used by the network or any block it may call. */
function variantsOf(ast: NetFile, net: NetworkDecl): string[] {
  const tags = new Set<string>();
  annotationTags(net.body, tags);
  for (const b of ast.blocks) annotationTags(b.body, tags);
  return [DENSE, ...[...tags].sort().map(variantOfTag)];
}

/** Parses and checks a .net file; InputError with every error (file:line:col and a caret) when it is malformed. */
export function parseNet(text: string, file: string): NetDocument {
  const ast = parseNetText(text, file);
  const diags = checkNetFile(ast);
  if (diags.length) throw diagnosticsError(file, text, diags);
  const nets = new Map(ast.networks.map((n) => [n.name, n]));
  const models: NetModelInfo[] = ast.models.length
    ? ast.models.map((m) => {
        const net = nets.get(m.network)!;
        return {
          name: m.name,
          network: net.name,
          dataset: net.dataset,
          description: m.description ?? "",
          variants: variantsOf(ast, net),
        };
      })
    : ast.networks.map((n) => ({
        name: n.name,
        network: n.name,
        dataset: n.dataset,
        description: "",
        variants: variantsOf(ast, n),
      }));
  return { file, text, ast, models };
}

// ---------------------------------------------------------------------------------------------- elaboration

class Env {
  private readonly vars = new Map<string, number>();
  constructor(private readonly parent: Env | null) {}
  get(name: string): number | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }
  set(name: string, v: number): void {
    this.vars.set(name, v);
  }
  child(): Env {
    return new Env(this);
  }
}

interface Scope {
  readonly prefix: string;
  /** A `seq` (PyTorch nn.Sequential): unlabelled children are named 0, 1, 2, … */
  readonly indexed: boolean;
  next: number;
  readonly counters: Map<string, number>;
}

const newScope = (prefix: string, indexed: boolean): Scope => ({ prefix, indexed, next: 0, counters: new Map() });

/** Auto names follow torchvision: conv1, bn1, conv2, …; relu, relu_1; fc; avgpool. */
const AUTO_NAME: Record<string, { base: string; numbered: boolean }> = {
  conv: { base: "conv", numbered: true },
  bn: { base: "bn", numbered: true },
  relu: { base: "relu", numbered: false },
  relu6: { base: "relu", numbered: false },
  clip: { base: "clip", numbered: false },
  fc: { base: "fc", numbered: false },
  maxpool: { base: "maxpool", numbered: false },
  avgpool: { base: "avgpool", numbered: false },
  gap: { base: "avgpool", numbered: false },
  flatten: { base: "flatten", numbered: false },
  shortcutA: { base: "shortcut", numbered: false },
  add: { base: "add", numbered: false },
};

const MAX_CALL_DEPTH = 64;
const MAX_NODES = 100_000;

class Elaborator {
  readonly nodes: Node[] = [];
  private readonly names = new Set<string>();
  private tensor: string;
  private shape: Shape;
  private readonly blocks: Map<string, BlockDecl>;
  private readonly callStack: { block: string; pos: Pos }[] = [];
  /** Output shape of the main branch while elaborating a shortcut (for shortcutA's inferred stride and channels). */
  private shortcutTarget: Shape | null = null;

  constructor(
    ast: NetFile,
    private readonly tag: string | null,
    inputName: string,
    inputShape: Shape,
  ) {
    this.blocks = new Map(ast.blocks.map((b) => [b.name, b]));
    this.tensor = inputName;
    this.shape = inputShape;
  }

  get output(): string {
    return this.tensor;
  }

  private error(pos: Pos, message: string): never {
    const where = this.callStack.length
      ? ` (in block '${this.callStack.at(-1)!.block}' called at line ${this.callStack.at(-1)!.pos.line})`
      : "";
    throw new NetError(pos, `${message}${where}`);
  }

  // -------------------------------------------------------------------------------------------- expressions

  eval(e: Expr, env: Env): number {
    switch (e.kind) {
      case "num":
        return e.value;
      case "var": {
        const v = env.get(e.name);
        if (v !== undefined) return v;
        if (e.name === "channels" || e.name === "height" || e.name === "width") {
          const i = e.name === "channels" ? 0 : e.name === "height" ? 1 : 2;
          const d = this.shape[i];
          if (d === undefined)
            this.error(e.pos, `'${e.name}' is undefined for a tensor of shape [${this.shape.join(",")}]`);
          return d;
        }
        return this.error(e.pos, `unknown name '${e.name}'`);
      }
      case "unary": {
        const a = this.eval(e.arg, env);
        return e.op === "-" ? -a : a ? 0 : 1;
      }
      case "cond":
        return this.eval(e.test, env) ? this.eval(e.then, env) : this.eval(e.else, env);
      case "binary": {
        const a = this.eval(e.left, env);
        if (e.op === "&&") return a ? this.eval(e.right, env) : 0;
        if (e.op === "||") return a ? a : this.eval(e.right, env);
        const b = this.eval(e.right, env);
        switch (e.op) {
          case "+":
            return a + b;
          case "-":
            return a - b;
          case "*":
            return a * b;
          case "/":
          case "//":
          case "%": {
            if (b === 0) this.error(e.pos, "division by zero");
            if (e.op === "%") return a % b;
            if (e.op === "//") return Math.floor(a / b);
            const q = a / b;
            // `/` is exact division: a remainder is almost always a mistake in a channel count; `//` floors.
            if (Number.isInteger(a) && Number.isInteger(b) && !Number.isInteger(q))
              this.error(e.pos, `${a}/${b} is not a whole number (use // to round down)`);
            return q;
          }
          case "==":
            return a === b ? 1 : 0;
          case "!=":
            return a !== b ? 1 : 0;
          case "<":
            return a < b ? 1 : 0;
          case "<=":
            return a <= b ? 1 : 0;
          case ">":
            return a > b ? 1 : 0;
          case ">=":
            return a >= b ? 1 : 0;
          default:
            return this.error(e.pos, `unknown operator '${e.op}'`);
        }
      }
    }
  }

  private int(e: Expr, env: Env, what: string, min = 1): number {
    const v = this.eval(e, env);
    if (!Number.isInteger(v) || v < min) this.error(e.pos, `${what} must be an integer ≥ ${min}, got ${v}`);
    return v;
  }

  // -------------------------------------------------------------------------------------------- naming

  private unique(name: string): string {
    let n = name;
    for (let i = 1; this.names.has(n); i++) n = `${name}_${i}`;
    this.names.add(n);
    return n;
  }

  /** The name of a statement's node or scope: its label, its index in a seq, or a torchvision-like auto name. */
  private nameFor(scope: Scope, label: Label | null, kind: string): string {
    if (label) return scope.prefix + label.parts.join(".");
    if (scope.indexed) return scope.prefix + String(scope.next++);
    const auto = AUTO_NAME[kind] ?? { base: kind, numbered: false };
    const count = (scope.counters.get(auto.base) ?? 0) + 1;
    scope.counters.set(auto.base, count);
    const name = auto.numbered ? `${auto.base}${count}` : count === 1 ? auto.base : `${auto.base}_${count - 1}`;
    return scope.prefix + name;
  }

  private emit(node: Node, pos: Pos): void {
    if (this.nodes.length >= MAX_NODES)
      this.error(pos, `the network has more than ${MAX_NODES} layers (runaway loop?)`);
    let out: Shape;
    try {
      out = nodeOutputShape(
        node,
        node.inputs.map((t) => (t === this.tensor ? this.shape : this.shapeOf(t))),
      );
    } catch (e) {
      if (e instanceof InputError) this.error(pos, e.message);
      throw e;
    }
    this.nodes.push(node);
    this.shapes.set(node.output, out);
    this.tensor = node.output;
    this.shape = out;
  }

  readonly shapes = new Map<string, Shape>();
  private shapeOf(t: string): Shape {
    const s = this.shapes.get(t);
    if (!s) throw new Error(`internal: tensor ${t} has no shape`);
    return s;
  }

  // -------------------------------------------------------------------------------------------- statements

  body(stmts: readonly Stmt[], env: Env, scope: Scope): void {
    for (const s of stmts) this.stmt(s, env, scope);
  }

  private stmt(s: Stmt, env: Env, scope: Scope): void {
    switch (s.kind) {
      case "let":
        env.set(s.name, this.eval(s.value, env));
        return;
      case "for": {
        const from = this.int(s.from, env, "loop start", Number.MIN_SAFE_INTEGER);
        const to = this.int(s.to, env, "loop end", Number.MIN_SAFE_INTEGER);
        for (let i = from; i < to; i++) {
          const inner = env.child();
          inner.set(s.var, i);
          this.body(s.body, inner, scope);
        }
        return;
      }
      case "repeat": {
        const n = this.int(s.count, env, "repeat count", 0);
        for (let i = 0; i < n; i++) this.body(s.body, env.child(), scope);
        return;
      }
      case "if":
        this.body(this.eval(s.test, env) ? s.then : s.else, env.child(), scope);
        return;
      case "seq": {
        const inner = newScope(
          s.label || scope.indexed ? `${this.nameFor(scope, s.label, "seq")}.` : scope.prefix,
          true,
        );
        this.body(s.body, env.child(), inner);
        return;
      }
      case "call":
        this.call(s, env, scope);
        return;
      case "residual":
        this.residual(s, env, scope);
        return;
      case "layer":
        this.layer(s, env, scope);
        return;
    }
  }

  private bind(params: readonly Param[], args: readonly Arg[], callerEnv: Env, into: Env): void {
    let positional = 0;
    for (const a of args) {
      const name = a.key ?? params[positional++]?.name;
      if (name !== undefined) into.set(name, this.eval(a.value as Expr, callerEnv));
    }
    for (const p of params)
      if (into.get(p.name) === undefined && p.default) into.set(p.name, this.eval(p.default, into));
  }

  private call(s: Extract<Stmt, { kind: "call" }>, env: Env, scope: Scope): void {
    const block = this.blocks.get(s.block)!;
    if (this.callStack.length >= MAX_CALL_DEPTH)
      this.error(s.pos, `blocks nest deeper than ${MAX_CALL_DEPTH} (recursive block '${s.block}'?)`);
    // Blocks see only their parameters (lexical scope), not the caller's variables.
    const inner = new Env(null);
    this.bind(block.params, s.args, env, inner);
    const named = s.label !== null || scope.indexed;
    const blockScope = named ? newScope(`${this.nameFor(scope, s.label, s.block)}.`, false) : scope;
    this.callStack.push({ block: block.name, pos: s.pos });
    this.body(block.body, inner, blockScope);
    this.callStack.pop();
  }

  private residual(s: Extract<Stmt, { kind: "residual" }>, env: Env, outer: Scope): void {
    const scope = s.label ? newScope(`${this.nameFor(outer, s.label, "residual")}.`, false) : outer;
    if (s.when && !this.eval(s.when, env)) {
      this.body(s.main, env.child(), scope);
      return;
    }
    const inTensor = this.tensor;
    const inShape = this.shape;
    this.body(s.main, env.child(), scope);
    const mainTensor = this.tensor;
    const mainShape = this.shape;
    let shortTensor = inTensor;
    let shortShape = inShape;
    if (s.shortcut) {
      this.tensor = inTensor;
      this.shape = inShape;
      const saved = this.shortcutTarget;
      this.shortcutTarget = mainShape;
      this.body(s.shortcut, env.child(), scope);
      this.shortcutTarget = saved;
      shortTensor = this.tensor;
      shortShape = this.shape;
    }
    if (shortShape.join(",") !== mainShape.join(","))
      this.error(
        s.pos,
        `residual: the main branch gives [${mainShape.join(",")}] but the shortcut gives [${shortShape.join(",")}]`,
      );
    this.tensor = mainTensor;
    this.shape = mainShape;
    const name = this.unique(this.nameFor(scope, null, "add"));
    this.emit({ op: "add", name, inputs: [mainTensor, shortTensor], output: name }, s.pos);
  }

  // -------------------------------------------------------------------------------------------- layers

  private layer(s: Extract<Stmt, { kind: "layer" }>, env: Env, scope: Scope): void {
    const spec = LAYER_SPECS[s.layer];
    const args = new Map<string, { value: Value; pos: Pos }>();
    let positional = 0;
    for (const a of s.args) args.set(a.key ?? spec.positional[positional++]!, { value: a.value, pos: a.pos });
    const num = (key: string, dflt: number | null, min = 1): number => {
      const a = args.get(key);
      if (!a) {
        if (dflt === null) this.error(s.pos, `${s.layer} needs '${key}'`);
        return dflt;
      }
      if (a.value.kind === "ksize") this.error(a.pos, `'${key}' takes a number, not a kernel size`);
      return this.int(a.value, env, `${s.layer} ${key}`, min);
    };
    const kernel = (): [number, number] => {
      const a = args.get("k");
      if (!a) this.error(s.pos, `${s.layer} needs a kernel size`);
      if (a.value.kind === "ksize") {
        if (a.value.h < 1 || a.value.w < 1) this.error(a.pos, "kernel size must be positive");
        return [a.value.h, a.value.w];
      }
      const k = this.int(a.value, env, "kernel size");
      return [k, k];
    };
    const real = (key: string, dflt: number): number => {
      const a = args.get(key);
      if (!a) return dflt;
      if (a.value.kind === "ksize") this.error(a.pos, `'${key}' takes a number`);
      return this.eval(a.value, env);
    };
    const annotation = s.annotations.find((a) => a.tag === this.tag) ?? null;
    const kind: LayerKind = s.layer;
    if (kind === "dropout") {
      // Inference no-op; it only takes its index in a seq (torchvision's classifier.0), so `classifier.1` is the fc.
      if (scope.indexed && !s.label) scope.next++;
      return;
    }
    const name = this.unique(this.nameFor(scope, s.label, kind));
    const base = { name, inputs: [this.tensor], output: name };
    const C = this.shape[0] ?? 0;
    switch (kind) {
      case "conv": {
        const [kh, kw] = kernel();
        const groups = num("groups", 1);
        const pad = num("pad", 0, 0);
        const node: ConvNode = {
          op: "conv",
          ...base,
          cin: C,
          cout: num("out", null),
          kh,
          kw,
          stride: num("stride", 1),
          pads: [pad, pad, pad, pad],
          dilation: num("dilation", 1),
          groups,
          weight: null,
          bias: null,
        };
        if (node.cin % groups || node.cout % groups)
          this.error(
            s.pos,
            `groups = ${groups} must divide input channels ${node.cin} and output channels ${node.cout}`,
          );
        const withBias: ConvNode = num("bias", 0, 0) ? { ...node, bias: new Float32Array(node.cout) } : node;
        this.emit(annotation ? this.structureConv(withBias, annotation, env) : withBias, s.pos);
        return;
      }
      case "fc": {
        const Q = this.shape.reduce((a, b) => a * b, 1);
        const P = num("out", null);
        const node: FcNode = {
          op: "fc",
          ...base,
          P,
          Q,
          weight: null,
          bias: num("bias", 1, 0) ? new Float32Array(P) : null,
        };
        this.emit(annotation ? this.structureFc(node, annotation, env) : node, s.pos);
        return;
      }
      case "bn":
        this.emit({ op: "bn", ...base, channels: C, scale: null, shift: null }, s.pos);
        return;
      case "relu":
        this.emit({ op: "relu", ...base }, s.pos);
        return;
      case "relu6":
        this.emit({ op: "clip", ...base, lo: 0, hi: 6 }, s.pos);
        return;
      case "clip":
        this.emit({ op: "clip", ...base, lo: real("lo", 0), hi: real("hi", 6) }, s.pos);
        return;
      case "maxpool":
      case "avgpool": {
        const [kh, kw] = kernel();
        if (kh !== kw) this.error(s.pos, `${kind} needs a square window, got ${kh}x${kw}`);
        this.emit({ op: kind, ...base, k: kh, stride: num("stride", kh), pad: num("pad", 0, 0) }, s.pos);
        return;
      }
      case "gap":
        this.emit({ op: "gap", ...base }, s.pos);
        return;
      case "flatten":
        this.emit({ op: "flatten", ...base }, s.pos);
        return;
      case "shortcutA": {
        const target = this.shortcutTarget;
        const inH = this.shape[1] ?? 1;
        const cout = args.has("cout")
          ? num("cout", null)
          : target
            ? target[0]!
            : this.error(s.pos, "shortcutA outside a shortcut { } needs cout=");
        const stride = args.has("stride")
          ? num("stride", null)
          : target
            ? Math.max(1, Math.round(inH / target[1]!))
            : this.error(s.pos, "shortcutA outside a shortcut { } needs stride=");
        // He et al. option A pads the new channels evenly on both sides (planes/4 each when channels double).
        const before = args.has("before") ? num("before", null, 0) : Math.floor((cout - C) / 2);
        this.emit({ op: "shortcutA", ...base, stride, before, cout }, s.pos);
        return;
      }
    }
  }

  private structureArgs(a: Annotation, env: Env, vars: Record<string, number>): Map<string, number> {
    const inner = env.child();
    for (const [k, v] of Object.entries(vars)) inner.set(k, v);
    const out = new Map<string, number>();
    for (const arg of a.args) out.set(arg.key!, this.int(arg.value as Expr, inner, `@${a.tag} ${arg.key}`));
    return out;
  }

  private structureConv(node: ConvNode, a: Annotation, env: Env): ConvNode {
    const C = node.cin / node.groups;
    const N = node.kh;
    if (node.kh !== node.kw)
      this.error(a.pos, `@${a.tag}: structured convs need a square kernel, got ${node.kh}x${node.kw}`);
    const v = this.structureArgs(a, env, { C, N, Cin: node.cin, Cout: node.cout });
    const c = v.get("c") ?? C;
    const n = v.get("n") ?? N;
    if (c > C) this.error(a.pos, `@${a.tag}: c = ${c} exceeds the ${C} input channels per group`);
    if (n > N) this.error(a.pos, `@${a.tag}: n = ${n} exceeds the kernel size ${N}`);
    // (C, N) is the dense kernel itself: leave the layer dense, so a rule can say "dense here" with an expression.
    if (c === C && n === N) return node;
    return { ...node, structure: { c, n, residual: 0, source: "model" } };
  }

  private structureFc(node: FcNode, a: Annotation, env: Env): FcNode {
    const R = this.structureArgs(a, env, { Q: node.Q, P: node.P }).get("R")!;
    if (R > node.Q) this.error(a.pos, `@${a.tag}: R = ${R} exceeds the ${node.Q} input features`);
    if (R === node.Q) return node;
    return { ...node, structure: { R, residual: 0, source: "model" } };
  }
}

export interface ElaborateOptions {
  /** A model (or bare network) declared in the file; optional when the file offers exactly one. */
  readonly model?: string;
  /** "dense" (default) or "struct-<tag>" for the layers' `@<tag>(…)` annotations. */
  readonly variant?: string;
  /** Graph name; defaults to `model` or `model:variant`. */
  readonly graphName?: string;
}

/** Builds the graph IR of one model and variant of a parsed .net file (weights null, shapes filled). */
export function elaborateNet(doc: NetDocument, opts: ElaborateOptions = {}): Graph {
  const { ast, file, text } = doc;
  let info: NetModelInfo | undefined;
  if (opts.model !== undefined) {
    info = doc.models.find((m) => m.name === opts.model);
    if (!info)
      throw new InputError(
        `${file}: no model '${opts.model}' (models: ${doc.models.map((m) => m.name).join(", ") || "none"})`,
      );
  } else if (doc.models.length === 1) info = doc.models[0];
  else
    throw new InputError(
      doc.models.length
        ? `${file}: declares ${doc.models.length} models (${doc.models.map((m) => m.name).join(", ")}); name one`
        : `${file}: declares no network`,
    );
  const model = info!;
  const variant = opts.variant ?? DENSE;
  if (!model.variants.includes(variant))
    throw new InputError(`model '${model.name}' has no variant '${variant}' (variants: ${model.variants.join(", ")})`);
  const tag = variant === DENSE ? null : variant.slice("struct-".length);
  const net = ast.networks.find((n) => n.name === model.network)!;
  const decl: ModelDecl | undefined = ast.models.find((m) => m.name === model.name);

  try {
    const env = new Env(null);
    const proto = new Elaborator(ast, tag, "input", []);
    if (decl) {
      let positional = 0;
      for (const a of decl.args)
        env.set(a.key ?? net.params[positional++]!.name, proto.eval(a.value as Expr, new Env(null)));
    }
    for (const p of net.params) {
      if (env.get(p.name) !== undefined) continue;
      if (!p.default) throw new NetError(p.pos, `network '${net.name}' needs a value for '${p.name}'`);
      env.set(p.name, proto.eval(p.default, env));
    }
    const shape = net.input.map((e) => {
      const v = proto.eval(e, env);
      if (!Number.isInteger(v) || v < 1)
        throw new NetError(e.pos, `input dimension must be a positive integer, got ${v}`);
      return v;
    });
    const el = new Elaborator(ast, tag, "input", shape);
    el.body(net.body, env, newScope("", false));
    if (!el.nodes.length) throw new NetError(net.pos, `network '${net.name}' has no layers`);
    const shapes = new Map<string, Shape>([["input", shape], ...el.shapes]);
    return {
      name: opts.graphName ?? (variant === DENSE ? model.name : `${model.name}:${variant}`),
      input: { name: "input", shape },
      output: el.output,
      nodes: el.nodes,
      shapes,
    };
  } catch (e) {
    if (e instanceof NetError) throw diagnosticsError(file, text, [{ pos: e.pos, message: e.message }]);
    throw e;
  }
}

/** Parse, check and elaborate in one step. */
export function loadNet(text: string, file: string, opts: ElaborateOptions = {}): Graph {
  return elaborateNet(parseNet(text, file), opts);
}
