// CST → a small typed syntax tree per source line, keeping every token for positions in error messages.

import type { CstNode, IToken } from "chevrotain";
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
  | { readonly kind: "value"; readonly tok: IToken; readonly key: IToken; readonly tuple: boolean; readonly open: IToken; readonly atoms: readonly Atom[] }
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

function tokens(ch: Children, key: string): IToken[] {
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
      const l = this.lineNumber(n.children as Children);
      if (l !== undefined && !skip(l)) {
        const v = this.visit(n) as AsmLine;
        if (v.head !== undefined || v.label !== undefined) out.push(v);
      }
    }
    return out;
  }

  private lineNumber(ch: Children): number | undefined {
    const ins = nodes(ch, "instruction")[0];
    const head = ins ? (tokens(ins.children, "Mnemonic")[0] ?? tokens(ins.children, "Identifier")[0]) : undefined;
    const t = head ?? tokens(ch, "Label")[0] ?? tokens(ch, "NewLine")[0];
    const l = t?.startLine;
    return l === undefined || Number.isNaN(l) ? undefined : l;
  }

  line(ch: Children): AsmLine {
    const ins = nodes(ch, "instruction")[0];
    const label = tokens(ch, "Label")[0];
    const body = ins ? (this.visit(ins) as { head: IToken; operands: Operand[] }) : undefined;
    const eol = req(tokens(ch, "NewLine")[0], "newline");
    const first = body?.head ?? label ?? eol;
    return {
      line: req(first.startLine, "line"),
      endCol: req(eol.startColumn, "column"),
      ...(label ? { label } : {}),
      ...(body ? { head: body.head } : {}),
      operands: body?.operands ?? [],
    };
  }

  instruction(ch: Children): { head: IToken; operands: Operand[] } {
    const head = req(tokens(ch, "Mnemonic")[0] ?? tokens(ch, "Identifier")[0], "mnemonic");
    return { head, operands: nodes(ch, "operand").map((n) => this.visit(n) as Operand) };
  }

  operand(ch: Children): Operand {
    const arrow = tokens(ch, "Arrow")[0];
    if (arrow) return { kind: "arrow", tok: arrow };
    const mem = nodes(ch, "memref")[0];
    if (mem) return this.visit(mem) as Operand;
    const keyed = nodes(ch, "keyed")[0];
    if (keyed) return this.visit(keyed) as Operand;
    const name = this.visit(req(nodes(ch, "name")[0], "operand")) as IToken;
    return { kind: "flag", tok: name, name };
  }

  memref(ch: Children): Operand {
    const name = this.visit(req(nodes(ch, "name")[0], "buffer name")) as IToken;
    return { kind: "mem", tok: name, name, addr: req(tokens(ch, "Integer")[0], "address") };
  }

  keyed(ch: Children): Operand {
    const key = this.visit(req(nodes(ch, "name")[0], "key")) as IToken;
    const v = this.visit(req(nodes(ch, "value")[0], "value")) as
      | { mem: Extract<Operand, { kind: "mem" }> }
      | { tuple: boolean; open: IToken; atoms: Atom[] };
    if ("mem" in v) return { ...v.mem, tok: key, key };
    return { kind: "value", tok: key, key, ...v };
  }

  value(ch: Children): { mem: Operand } | { tuple: boolean; open: IToken; atoms: Atom[] } {
    const tuple = nodes(ch, "tuple")[0];
    if (tuple) return this.visit(tuple) as { tuple: boolean; open: IToken; atoms: Atom[] };
    const mem = nodes(ch, "memref")[0];
    if (mem) return { mem: this.visit(mem) as Operand };
    return this.visit(req(nodes(ch, "list")[0], "value")) as { tuple: boolean; open: IToken; atoms: Atom[] };
  }

  tuple(ch: Children): { tuple: boolean; open: IToken; atoms: Atom[] } {
    return { tuple: true, open: req(tokens(ch, "LParen")[0], "'('"), atoms: nodes(ch, "atom").map((n) => this.visit(n) as Atom) };
  }

  list(ch: Children): { tuple: boolean; open: IToken; atoms: Atom[] } {
    const atoms = nodes(ch, "atom").map((n) => this.visit(n) as Atom);
    return { tuple: false, open: req(atoms[0], "value").tok, atoms };
  }

  atom(ch: Children): Atom {
    const int = tokens(ch, "Integer")[0];
    if (int) return { tok: int, isNumber: true };
    return { tok: this.visit(req(nodes(ch, "name")[0], "value")) as IToken, isNumber: false };
  }

  name(ch: Children): IToken {
    return req(tokens(ch, "Identifier")[0] ?? tokens(ch, "Mnemonic")[0], "name");
  }
}

export const lineVisitor = new LineVisitor();

/** True when the token is an integer literal. */
export function isInteger(t: IToken): boolean {
  return t.tokenType === Integer;
}
