// Abstract syntax of a .net file, as built by the CST visitor and elaborated by load.ts.
import type { LayerKind } from "./tokens.js";

export interface Pos {
  readonly line: number;
  readonly col: number;
}

export type Expr =
  | { readonly kind: "num"; readonly value: number; readonly pos: Pos }
  | { readonly kind: "var"; readonly name: string; readonly pos: Pos }
  | { readonly kind: "unary"; readonly op: "-" | "!"; readonly arg: Expr; readonly pos: Pos }
  | { readonly kind: "binary"; readonly op: string; readonly left: Expr; readonly right: Expr; readonly pos: Pos }
  | { readonly kind: "cond"; readonly test: Expr; readonly then: Expr; readonly else: Expr; readonly pos: Pos };

/** A layer argument value: an expression or a kernel size literal like 3x3. */
export type Value = Expr | { readonly kind: "ksize"; readonly h: number; readonly w: number; readonly pos: Pos };

export interface Arg {
  readonly key: string | null;
  readonly value: Value;
  readonly pos: Pos;
}

export interface Param {
  readonly name: string;
  readonly default: Expr | null;
  readonly pos: Pos;
}

export interface Label {
  readonly parts: readonly string[];
  readonly pos: Pos;
}

export interface Annotation {
  readonly tag: string;
  readonly args: readonly Arg[];
  readonly pos: Pos;
}

interface StmtBase {
  readonly label: Label | null;
  readonly pos: Pos;
}

export type Stmt =
  | (StmtBase & { readonly kind: "let"; readonly name: string; readonly value: Expr })
  | (StmtBase & {
      readonly kind: "for";
      readonly var: string;
      readonly from: Expr;
      readonly to: Expr;
      readonly body: readonly Stmt[];
    })
  | (StmtBase & { readonly kind: "repeat"; readonly count: Expr; readonly body: readonly Stmt[] })
  | (StmtBase & {
      readonly kind: "if";
      readonly test: Expr;
      readonly then: readonly Stmt[];
      readonly else: readonly Stmt[];
    })
  | (StmtBase & {
      readonly kind: "residual";
      readonly when: Expr | null;
      readonly main: readonly Stmt[];
      readonly shortcut: readonly Stmt[] | null;
    })
  | (StmtBase & { readonly kind: "seq"; readonly body: readonly Stmt[] })
  /** `concat { body }`: cat(x, body(x)) along channels; `gate { body }`: x · body(x) (a [C,1,1] body broadcasts). */
  | (StmtBase & { readonly kind: "join"; readonly op: "concat" | "gate"; readonly body: readonly Stmt[] })
  /** `keep x[i]`: remember the current tensor under that name; `use x[i]`: make it the current tensor again. */
  | (StmtBase & { readonly kind: "keep" | "use"; readonly name: string; readonly index: Expr | null })
  | (StmtBase & {
      readonly kind: "layer";
      readonly layer: LayerKind;
      readonly args: readonly Arg[];
      readonly annotations: readonly Annotation[];
    })
  | (StmtBase & { readonly kind: "call"; readonly block: string; readonly args: readonly Arg[] });

export interface NetworkDecl {
  readonly name: string;
  readonly params: readonly Param[];
  readonly input: readonly Expr[];
  readonly dataset: string | null;
  readonly body: readonly Stmt[];
  readonly pos: Pos;
}

export interface BlockDecl {
  readonly name: string;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly pos: Pos;
}

export interface ModelDecl {
  readonly name: string;
  readonly network: string;
  readonly args: readonly Arg[];
  readonly description: string | null;
  readonly pos: Pos;
}

export interface NetFile {
  readonly networks: readonly NetworkDecl[];
  readonly blocks: readonly BlockDecl[];
  readonly models: readonly ModelDecl[];
}
