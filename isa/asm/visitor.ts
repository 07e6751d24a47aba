// CST → a small typed syntax tree per source line, keeping every token for positions in error messages.

import type { CstNode, IToken } from "../chevrotain.js";
import { asmParser } from "./parser.js";
import { Integer } from "./tokens.js";

export interface Atom {
  readonly tok: IToken;
  /** True for an Integer token, false for a name. */
  readonly isNumber: boolean;
}

export type Operand =
  | { readonly kind: "arrow"; readonly tok: IToken }
  /** `name[addr]`, or `key=name[addr]` when key is set. */
  | { readonly kind: "mem"; readonly tok: IToken; readonly key?: IToken; readonly name: IToken; readonly addr: IToken }
  /** `key=v`, `key=v1,v2` (tuple false) or `key=(v1,…)` (tuple true, `open` is the '('). */
  | {
      readonly kind: "value";
      readonly tok: IToken;
      readonly key: IToken;
      readonly tuple: boolean;
      readonly open: IToken;
      readonly atoms: readonly Atom[];
    }
  | { readonly kind: "flag"; readonly tok: IToken; readonly name: IToken };

export interface AsmLine {
  readonly line: number;
  readonly label?: IToken;
  /** The mnemonic token (an Identifier token when it is not a known mnemonic). */
  readonly head?: IToken;
  readonly operands: readonly Operand[];
  /** Where the line ends (column of the newline), for "missing …" messages. */
  readonly endCol: number;
}

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function tok(ch: Children, key: string): IToken | undefined {
  return ch[key]?.[0] as IToken | undefined;
}
function toks(ch: Children, key: string): IToken[] {
  return (ch[key] ?? []) as IToken[];
}
function nodes(ch: Children, key: string): CstNode[] {
  return (ch[key] ?? []) as CstNode[];
}
function req<T>(x: T | undefined, what: string): T {
  // Only lines without syntax errors are visited, so a missing child is a grammar/visitor mismatch.
  if (x === undefined) throw new Error(`asm visitor: missing ${what}`);
  return x;
}
function atom(t: IToken): Atom {
  return { tok: t, isNumber: t.tokenType === Integer };
}

const BaseVisitor = asmParser.getBaseCstVisitorConstructor();

class LineVisitor extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  /** `skip(line)` tells which source lines had syntax errors (their partial trees are not looked at). */
  program(ch: Children, skip: (line: number) => boolean): AsmLine[] {
    const out: AsmLine[] = [];
    for (const n of nodes(ch, "line")) {
      const t = tok(n.children, "head") ?? tok(n.children, "Label") ?? tok(n.children, "NewLine");
      const l = t?.startLine;
      if (l === undefined || Number.isNaN(l) || skip(l)) continue;
      const v = this.visit(n) as AsmLine;
      if (v.head !== undefined || v.label !== undefined) out.push(v);
    }
    return out;
  }

  line(ch: Children): AsmLine {
    const label = tok(ch, "Label");
    const head = tok(ch, "head");
    const eol = req(tok(ch, "NewLine"), "newline");
    return {
      line: req((head ?? label ?? eol).startLine, "line"),
      endCol: req(eol.startColumn, "column"),
      ...(label ? { label } : {}),
      ...(head ? { head } : {}),
      operands: nodes(ch, "operand").map((n) => this.visit(n) as Operand),
    };
  }

  operand(ch: Children): Operand {
    const arrow = tok(ch, "Arrow");
    if (arrow) return { kind: "arrow", tok: arrow };
    const key = req(tok(ch, "key"), "operand");
    const addr = tok(ch, "addr");
    if (addr) return { kind: "mem", tok: key, name: key, addr };
    const value = nodes(ch, "value")[0];
    if (value === undefined) return { kind: "flag", tok: key, name: key };
    const v = value.children;
    const buffer = tok(v, "buffer");
    if (buffer) return { kind: "mem", tok: key, key, name: buffer, addr: req(tok(v, "addr"), "address") };
    const atoms = toks(v, "atom").map(atom);
    const open = tok(v, "LParen");
    return { kind: "value", tok: key, key, tuple: open !== undefined, open: open ?? req(atoms[0], "value").tok, atoms };
  }

  value(): never {
    throw new Error("asm visitor: values are read by operand()");
  }
}

export const lineVisitor = new LineVisitor();
