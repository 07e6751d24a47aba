// Elaboration: one network of a checked .net file, for one variant, → graph IR. Statements run in order over one
// "current tensor"; blocks are called with their own parameters; residual / concat / gate join the current tensor
// with what their body made of it (add, channel concat, multiply); keep / use name tensors so that several streams
// (HRNet's branches) can be carried at once.
import { InputError } from "../../isa/errors.js";
import type { Graph, Node, Shape } from "../ir.js";
import { nodeOutputShape } from "../shapes.js";
import { NameTable } from "../unique-names.js";
import type { Arg, BlockDecl, Expr, ModelDecl, NetFile, Param, Pos, Stmt } from "./ast.js";
import { diagnosticsError, NetError } from "./diagnostics.js";
import type { NetDocument, NetModelInfo } from "./document.js";
import { Env, ExprEvaluator } from "./expr.js";
import { DENSE } from "./layerspec.js";
import { layerNode, type LayerStmt } from "./layers.js";
import { nameFor, newScope, type Scope } from "./naming.js";

const MAX_CALL_DEPTH = 64;
const MAX_NODES = 100_000;

class Elaborator {
  readonly nodes: Node[] = [];
  readonly shapes = new Map<string, Shape>();
  private readonly names = new NameTable();
  private tensor: string;
  private shape: Shape;
  private readonly blocks: Map<string, BlockDecl>;
  private readonly callStack: { block: string; pos: Pos }[] = [];
  private readonly ev = new ExprEvaluator(
    () => this.shape,
    (pos, message) => this.error(pos, message),
  );
  /** Output shape of the main branch while elaborating a shortcut (for shortcutA's inferred stride and channels). */
  private shortcutTarget: Shape | null = null;
  /** Tensors named by `keep` (network-wide, so blocks can hand streams to each other). */
  private readonly kept = new Map<string, { tensor: string; shape: Shape }>();

  constructor(
    ast: NetFile,
    private readonly tag: string | null,
    inputName: string,
    inputShape: Shape,
  ) {
    this.blocks = new Map(ast.blocks.map((b) => [b.name, b]));
    this.tensor = inputName;
    this.shape = inputShape;
    // A join may name the graph input as an operand after the current tensor has moved on (keep / use).
    this.shapes.set(inputName, inputShape);
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
        env.set(s.name, this.ev.eval(s.value, env));
        return;
      case "for": {
        const from = this.ev.int(s.from, env, "loop start", Number.MIN_SAFE_INTEGER);
        const to = this.ev.int(s.to, env, "loop end", Number.MIN_SAFE_INTEGER);
        for (let i = from; i < to; i++) {
          const inner = env.child();
          inner.set(s.var, i);
          this.body(s.body, inner, scope);
        }
        return;
      }
      case "repeat": {
        const n = this.ev.int(s.count, env, "repeat count", 0);
        for (let i = 0; i < n; i++) this.body(s.body, env.child(), scope);
        return;
      }
      case "if":
        this.body(this.ev.eval(s.test, env) ? s.then : s.else, env.child(), scope);
        return;
      case "seq": {
        const inner = newScope(s.label || scope.indexed ? `${nameFor(scope, s.label, "seq")}.` : scope.prefix, true);
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
      case "join":
        this.join(s, env, scope);
        return;
      case "keep":
        this.kept.set(this.keyOf(s, env), { tensor: this.tensor, shape: this.shape });
        return;
      case "use": {
        const key = this.keyOf(s, env);
        const t = this.kept.get(key);
        if (!t)
          this.error(
            s.pos,
            `no tensor is kept as '${key}'${this.kept.size ? ` (kept: ${[...this.kept.keys()].join(", ")})` : ""}`,
          );
        this.tensor = t.tensor;
        this.shape = t.shape;
        return;
      }
    }
  }

  private keyOf(s: Extract<Stmt, { kind: "keep" | "use" }>, env: Env): string {
    return s.index ? `${s.name}[${this.ev.int(s.index, env, "tensor index", 0)}]` : s.name;
  }

  /** concat { body }: cat(x, body(x)) along channels; gate { body }: x · body(x) (body may end at [C,1,1]). */
  private join(s: Extract<Stmt, { kind: "join" }>, env: Env, outer: Scope): void {
    const named = s.label !== null || outer.indexed;
    const kind = s.op === "concat" ? "cat" : "gate";
    const scope = named ? newScope(`${nameFor(outer, s.label, kind)}.`, false) : outer;
    const inTensor = this.tensor;
    const inShape = this.shape;
    this.body(s.body, env.child(), scope);
    const bodyTensor = this.tensor;
    this.tensor = inTensor;
    this.shape = inShape;
    const op = s.op === "concat" ? "concat" : "mul";
    const name = this.names.unique(nameFor(scope, null, s.op));
    this.emit({ op, name, inputs: [inTensor, bodyTensor], output: name }, s.pos);
  }

  private bind(params: readonly Param[], args: readonly Arg[], callerEnv: Env, into: Env): void {
    let positional = 0;
    for (const a of args) {
      const name = a.key ?? params[positional++]?.name;
      if (name !== undefined) into.set(name, this.ev.eval(a.value as Expr, callerEnv));
    }
    for (const p of params)
      if (into.get(p.name) === undefined && p.default) into.set(p.name, this.ev.eval(p.default, into));
  }

  private call(s: Extract<Stmt, { kind: "call" }>, env: Env, scope: Scope): void {
    const block = this.blocks.get(s.block)!;
    if (this.callStack.length >= MAX_CALL_DEPTH)
      this.error(s.pos, `blocks nest deeper than ${MAX_CALL_DEPTH} (recursive block '${s.block}'?)`);
    // Blocks see only their parameters (lexical scope), not the caller's variables.
    const inner = new Env(null);
    this.bind(block.params, s.args, env, inner);
    const named = s.label !== null || scope.indexed;
    const blockScope = named ? newScope(`${nameFor(scope, s.label, s.block)}.`, false) : scope;
    this.callStack.push({ block: block.name, pos: s.pos });
    this.body(block.body, inner, blockScope);
    this.callStack.pop();
  }

  private residual(s: Extract<Stmt, { kind: "residual" }>, env: Env, outer: Scope): void {
    const scope = s.label ? newScope(`${nameFor(outer, s.label, "residual")}.`, false) : outer;
    if (s.when && !this.ev.eval(s.when, env)) {
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
    const name = this.names.unique(nameFor(scope, null, "add"));
    this.emit({ op: "add", name, inputs: [mainTensor, shortTensor], output: name }, s.pos);
  }

  private layer(s: LayerStmt, env: Env, scope: Scope): void {
    if (s.layer === "dropout") {
      // Inference no-op; it only takes its index in a seq (torchvision's classifier.0), so `classifier.1` is the fc.
      if (scope.indexed && !s.label) scope.next++;
      return;
    }
    const name = this.names.unique(nameFor(scope, s.label, s.layer));
    const cx = {
      ev: this.ev,
      tensor: this.tensor,
      shape: this.shape,
      shortcutTarget: this.shortcutTarget,
      tag: this.tag,
    };
    this.emit(layerNode(s, name, env, cx), s.pos);
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
    // Network parameters and the input shape are evaluated before there is any tensor.
    const proto = new ExprEvaluator(
      () => [],
      (pos, message) => {
        throw new NetError(pos, message);
      },
    );
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
