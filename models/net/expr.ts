// Expressions of a .net file evaluated during elaboration: numbers only; `channels`, `height` and `width` read the
// shape of the tensor at the point of evaluation.
import type { Shape } from "../ir.js";
import type { Expr, Pos } from "./ast.js";

/** Variables in scope: a block's parameters, `let`s and loop variables, chained to the enclosing scope. */
export class Env {
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

export class ExprEvaluator {
  constructor(
    /** The shape of the current tensor (what `channels`, `height`, `width` read). */
    private readonly currentShape: () => Shape,
    /** Stops elaboration with an error at `pos` (a NetError, with the block call it happened in). */
    readonly fail: (pos: Pos, message: string) => never,
  ) {}

  eval(e: Expr, env: Env): number {
    switch (e.kind) {
      case "num":
        return e.value;
      case "var": {
        const v = env.get(e.name);
        if (v !== undefined) return v;
        if (e.name === "channels" || e.name === "height" || e.name === "width") {
          const shape = this.currentShape();
          const d = shape[e.name === "channels" ? 0 : e.name === "height" ? 1 : 2];
          if (d === undefined) this.fail(e.pos, `'${e.name}' is undefined for a tensor of shape [${shape.join(",")}]`);
          return d;
        }
        return this.fail(e.pos, `unknown name '${e.name}'`);
      }
      case "unary": {
        const a = this.eval(e.arg, env);
        return e.op === "-" ? -a : a ? 0 : 1;
      }
      case "cond":
        return this.eval(e.test, env) ? this.eval(e.then, env) : this.eval(e.else, env);
      case "binary":
        return this.binary(e, env);
    }
  }

  private binary(e: Extract<Expr, { kind: "binary" }>, env: Env): number {
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
      case "**":
        return a ** b;
      case "/":
      case "//":
      case "%": {
        if (b === 0) this.fail(e.pos, "division by zero");
        if (e.op === "%") return a % b;
        if (e.op === "//") return Math.floor(a / b);
        const q = a / b;
        // `/` is exact division: a remainder is almost always a mistake in a channel count; `//` floors.
        if (Number.isInteger(a) && Number.isInteger(b) && !Number.isInteger(q))
          this.fail(e.pos, `${a}/${b} is not a whole number (use // to round down)`);
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
        return this.fail(e.pos, `unknown operator '${e.op}'`);
    }
  }

  /** An integer ≥ `min` (a count, a channel number, a kernel size). */
  int(e: Expr, env: Env, what: string, min = 1): number {
    const v = this.eval(e, env);
    if (!Number.isInteger(v) || v < min) this.fail(e.pos, `${what} must be an integer ≥ ${min}, got ${v}`);
    return v;
  }
}
