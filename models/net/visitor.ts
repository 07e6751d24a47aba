// CST → AST for the .net language. Runs only on a CST without syntax errors, so every required child is present.
import type { CstElement, CstNode, IToken } from "chevrotain";
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
import { netParser } from "./parser.js";
import type { LayerKind } from "./tokens.js";

type Ctx = Record<string, CstElement[] | undefined>;

const isToken = (e: CstElement): e is IToken => "image" in e;

function tokens(ctx: Ctx, key: string): IToken[] {
  return (ctx[key] ?? []).filter(isToken);
}
function token(ctx: Ctx, key: string): IToken {
  const t = tokens(ctx, key)[0];
  if (!t) throw new Error(`internal: .net CST has no token '${key}'`);
  return t;
}
function nodes(ctx: Ctx, key: string): CstNode[] {
  return (ctx[key] ?? []).filter((e): e is CstNode => !isToken(e));
}
function node(ctx: Ctx, key: string): CstNode {
  const n = nodes(ctx, key)[0];
  if (!n) throw new Error(`internal: .net CST has no node '${key}'`);
  return n;
}
function posOf(t: IToken): Pos {
  return { line: t.startLine ?? 0, col: t.startColumn ?? 0 };
}
/** Position of the first token inside a CST node. */
function firstPos(n: CstNode): Pos {
  let best: IToken | null = null;
  const walk = (c: CstNode): void => {
    for (const list of Object.values(c.children))
      for (const e of list) {
        if (isToken(e)) {
          if (!best || e.startOffset < best.startOffset) best = e;
        } else walk(e);
      }
  };
  walk(n);
  return best ? posOf(best) : { line: 0, col: 0 };
}

const BaseVisitor = netParser().getBaseCstVisitorConstructor();

class NetAstVisitor extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  file(ctx: Ctx): NetFile {
    return {
      networks: nodes(ctx, "networkDecl").map((n) => this.visit(n) as NetworkDecl),
      blocks: nodes(ctx, "blockDecl").map((n) => this.visit(n) as BlockDecl),
      models: nodes(ctx, "modelDecl").map((n) => this.visit(n) as ModelDecl),
    };
  }

  networkDecl(ctx: Ctx): NetworkDecl {
    const name = token(ctx, "Identifier");
    const ds = tokens(ctx, "dataset")[0];
    return {
      name: name.image,
      params: this.params(ctx),
      input: this.visit(node(ctx, "shapeLiteral")) as Expr[],
      dataset: ds ? ds.image : null,
      body: this.visit(node(ctx, "body")) as Stmt[],
      pos: posOf(name),
    };
  }

  blockDecl(ctx: Ctx): BlockDecl {
    const name = token(ctx, "Identifier");
    return {
      name: name.image,
      params: this.params(ctx),
      body: this.visit(node(ctx, "body")) as Stmt[],
      pos: posOf(name),
    };
  }

  modelDecl(ctx: Ctx): ModelDecl {
    const parts = tokens(node(ctx, "name").children, "parts");
    const desc = tokens(ctx, "StringLiteral")[0];
    return {
      name: parts.map((t) => t.image).join("-"),
      network: token(ctx, "network").image,
      args: this.args(ctx),
      description: desc ? desc.image.slice(1, -1) : null,
      pos: posOf(parts[0]!),
    };
  }

  private params(ctx: Ctx): Param[] {
    const list = nodes(ctx, "paramList")[0];
    return list ? (this.visit(list) as Param[]) : [];
  }

  private args(ctx: Ctx): Arg[] {
    const list = nodes(ctx, "argList")[0];
    return list ? (this.visit(list) as Arg[]) : [];
  }

  paramList(ctx: Ctx): Param[] {
    return nodes(ctx, "param").map((n) => this.visit(n) as Param);
  }

  param(ctx: Ctx): Param {
    const name = token(ctx, "Identifier");
    const d = nodes(ctx, "expression")[0];
    return { name: name.image, default: d ? (this.visit(d) as Expr) : null, pos: posOf(name) };
  }

  argList(ctx: Ctx): Arg[] {
    return nodes(ctx, "arg").map((n) => this.visit(n) as Arg);
  }

  arg(ctx: Ctx): Arg {
    const key = tokens(ctx, "key")[0];
    const ks = tokens(ctx, "KernelSize")[0];
    let value: Value;
    if (ks) {
      const [h, w] = ks.image.split("x").map(Number);
      value = { kind: "ksize", h: h ?? 0, w: w ?? 0, pos: posOf(ks) };
    } else value = this.visit(node(ctx, "expression")) as Expr;
    return { key: key ? key.image : null, value, pos: key ? posOf(key) : value.pos };
  }

  shapeLiteral(ctx: Ctx): Expr[] {
    return nodes(ctx, "expression").map((n) => this.visit(n) as Expr);
  }

  body(ctx: Ctx): Stmt[] {
    return nodes(ctx, "statement").map((n) => this.visit(n) as Stmt);
  }

  statement(ctx: Ctx): Stmt {
    const labelNode = nodes(ctx, "label")[0];
    const label = labelNode ? (this.visit(labelNode) as Label) : null;
    for (const kind of [
      "letStmt",
      "forStmt",
      "repeatStmt",
      "ifStmt",
      "residualStmt",
      "seqStmt",
      "joinStmt",
      "keepStmt",
      "useStmt",
      "layerStmt",
      "callStmt",
    ]) {
      const n = nodes(ctx, kind)[0];
      if (n) return this.visit(n, label) as Stmt;
    }
    throw new Error("internal: empty .net statement");
  }

  label(ctx: Ctx): Label {
    const atoms = nodes(ctx, "nameAtom").map((n) => {
      const t = Object.values(n.children).flat().find(isToken);
      if (!t) throw new Error("internal: empty label atom");
      return t;
    });
    return { parts: atoms.map((t) => t.image), pos: posOf(atoms[0]!) };
  }

  nameAtom(): void {
    /* read directly by label() */
  }

  modelName(): void {
    /* read directly by modelDecl() */
  }

  letStmt(ctx: Ctx, label: Label | null): Stmt {
    const name = token(ctx, "Identifier");
    return {
      kind: "let",
      label,
      pos: posOf(token(ctx, "Kw_let")),
      name: name.image,
      value: this.visit(node(ctx, "expression")) as Expr,
    };
  }

  forStmt(ctx: Ctx, label: Label | null): Stmt {
    return {
      kind: "for",
      label,
      pos: posOf(token(ctx, "Kw_for")),
      var: token(ctx, "Identifier").image,
      from: this.visit(node(ctx, "from")) as Expr,
      to: this.visit(node(ctx, "to")) as Expr,
      body: this.visit(node(ctx, "body")) as Stmt[],
    };
  }

  repeatStmt(ctx: Ctx, label: Label | null): Stmt {
    return {
      kind: "repeat",
      label,
      pos: posOf(token(ctx, "Kw_repeat")),
      count: this.visit(node(ctx, "expression")) as Expr,
      body: this.visit(node(ctx, "body")) as Stmt[],
    };
  }

  ifStmt(ctx: Ctx, label: Label | null): Stmt {
    const elseIf = nodes(ctx, "elseIf")[0];
    const elseBody = nodes(ctx, "else")[0];
    return {
      kind: "if",
      label,
      pos: posOf(token(ctx, "Kw_if")),
      test: this.visit(node(ctx, "expression")) as Expr,
      then: this.visit(node(ctx, "then")) as Stmt[],
      else: elseIf ? [this.visit(elseIf, null) as Stmt] : elseBody ? (this.visit(elseBody) as Stmt[]) : [],
    };
  }

  residualStmt(ctx: Ctx, label: Label | null): Stmt {
    const when = nodes(ctx, "expression")[0];
    const sc = nodes(ctx, "shortcut")[0];
    return {
      kind: "residual",
      label,
      pos: posOf(token(ctx, "Kw_residual")),
      when: when ? (this.visit(when) as Expr) : null,
      main: this.visit(node(ctx, "main")) as Stmt[],
      shortcut: sc ? (this.visit(sc) as Stmt[]) : null,
    };
  }

  seqStmt(ctx: Ctx, label: Label | null): Stmt {
    return { kind: "seq", label, pos: posOf(token(ctx, "Kw_seq")), body: this.visit(node(ctx, "body")) as Stmt[] };
  }

  joinStmt(ctx: Ctx, label: Label | null): Stmt {
    const kw = tokens(ctx, "Kw_concat")[0] ?? token(ctx, "Kw_gate");
    return {
      kind: "join",
      label,
      pos: posOf(kw),
      op: kw.image === "concat" ? "concat" : "gate",
      body: this.visit(node(ctx, "body")) as Stmt[],
    };
  }

  keepStmt(ctx: Ctx, label: Label | null): Stmt {
    return { kind: "keep", label, pos: posOf(token(ctx, "Kw_keep")), ...this.tensorRefOf(ctx) };
  }

  useStmt(ctx: Ctx, label: Label | null): Stmt {
    return { kind: "use", label, pos: posOf(token(ctx, "Kw_use")), ...this.tensorRefOf(ctx) };
  }

  private tensorRefOf(ctx: Ctx): { name: string; index: Expr | null } {
    return this.visit(node(ctx, "tensorRef")) as { name: string; index: Expr | null };
  }

  tensorRef(ctx: Ctx): { name: string; index: Expr | null } {
    const index = nodes(ctx, "expression")[0];
    return { name: token(ctx, "Identifier").image, index: index ? (this.visit(index) as Expr) : null };
  }

  layerStmt(ctx: Ctx, label: Label | null): Stmt {
    const kw = token(ctx, "LayerKeyword");
    return {
      kind: "layer",
      label,
      pos: posOf(kw),
      layer: kw.image as LayerKind,
      args: this.args(ctx),
      annotations: nodes(ctx, "annotation").map((n) => this.visit(n) as Annotation),
    };
  }

  annotation(ctx: Ctx): Annotation {
    return { tag: token(ctx, "Identifier").image, args: this.args(ctx), pos: posOf(token(ctx, "At")) };
  }

  callStmt(ctx: Ctx, label: Label | null): Stmt {
    const name = token(ctx, "Identifier");
    return { kind: "call", label, pos: posOf(name), block: name.image, args: this.args(ctx) };
  }

  expression(ctx: Ctx): Expr {
    const test = this.visit(node(ctx, "test")) as Expr;
    const then = nodes(ctx, "then")[0];
    const otherwise = nodes(ctx, "else")[0];
    if (!then || !otherwise) return test;
    return { kind: "cond", test, then: this.visit(then) as Expr, else: this.visit(otherwise) as Expr, pos: test.pos };
  }

  /** Left-associative chain of binary operators. */
  private chain(ctx: Ctx): Expr {
    const operands = nodes(ctx, "operands").map((n) => this.visit(n) as Expr);
    const ops = tokens(ctx, "ops");
    let acc = operands[0]!;
    ops.forEach((op, i) => {
      acc = { kind: "binary", op: op.image, left: acc, right: operands[i + 1]!, pos: posOf(op) };
    });
    return acc;
  }

  orExpr(ctx: Ctx): Expr {
    return this.chain(ctx);
  }
  andExpr(ctx: Ctx): Expr {
    return this.chain(ctx);
  }
  cmpExpr(ctx: Ctx): Expr {
    return this.chain(ctx);
  }
  addExpr(ctx: Ctx): Expr {
    return this.chain(ctx);
  }
  mulExpr(ctx: Ctx): Expr {
    return this.chain(ctx);
  }

  powExpr(ctx: Ctx): Expr {
    const base = this.visit(node(ctx, "base")) as Expr;
    const exponent = nodes(ctx, "exponent")[0];
    if (!exponent) return base;
    return { kind: "binary", op: "**", left: base, right: this.visit(exponent) as Expr, pos: base.pos };
  }

  unaryExpr(ctx: Ctx): Expr {
    const op = tokens(ctx, "op")[0];
    if (op)
      return {
        kind: "unary",
        op: op.image as "-" | "!",
        arg: this.visit(node(ctx, "unaryExpr")) as Expr,
        pos: posOf(op),
      };
    return this.visit(node(ctx, "atom")) as Expr;
  }

  atom(ctx: Ctx): Expr {
    const num = tokens(ctx, "NumberLiteral")[0];
    if (num) return { kind: "num", value: Number(num.image), pos: posOf(num) };
    const id = tokens(ctx, "Identifier")[0];
    if (id) return { kind: "var", name: id.image, pos: posOf(id) };
    return this.visit(node(ctx, "expression")) as Expr;
  }
}

let visitor: NetAstVisitor | null = null;
export function cstToAst(cst: CstNode): NetFile {
  visitor ??= new NetAstVisitor();
  return visitor.visit(cst) as NetFile;
}

/** Positions in the AST are 1-based line and column, as chevrotain reports them. */
export { firstPos };
