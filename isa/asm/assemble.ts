// Assembly text → instructions. Lexing and parsing recover from errors, and every line is then checked against
// its row of the instruction table, so one run reports every error of a file, each with line, column and caret.

import { createTokenInstance, type IToken } from "../chevrotain.js";
import { ROW_BY_MNEMONIC, fieldCode, queueList, queueMask, type FieldLayout, type RowLayout } from "../bits.js";
import { InputError } from "../errors.js";
import { INSTRUCTIONS, QUEUES } from "../instructions.js";
import type { Instr, SyntaxItem } from "../types.js";
import { asmParser } from "./parser.js";
import { AsmLexer, NewLine } from "./tokens.js";
import { lineVisitor, type AsmLine, type Atom, type Operand } from "./visitor.js";

export interface AsmError {
  readonly line: number;
  readonly col: number;
  /** Characters to underline from `col`. */
  readonly length: number;
  readonly message: string;
}

export interface Assembled {
  readonly instrs: Instr[];
  /** Label name → index of the instruction that follows it (labels have no other meaning). */
  readonly labels: ReadonlyMap<string, number>;
  /** Source line of each instruction. */
  readonly lines: readonly number[];
}

type MemItem = Extract<SyntaxItem, { mem: string }>;
type ValueItem = Extract<SyntaxItem, { fields: readonly string[] }>;
type FlagItem = Extract<SyntaxItem, { flag: string }>;

/** A row's syntax split into the positional prefix and the named items (any order). */
interface RowSyntax {
  readonly row: RowLayout;
  readonly positional: readonly ("<-" | MemItem)[];
  readonly named: ReadonlyMap<string, MemItem | ValueItem | FlagItem>;
}

const SYNTAX: ReadonlyMap<string, RowSyntax> = new Map(
  INSTRUCTIONS.map((spec) => {
    const row = ROW_BY_MNEMONIC.get(spec.mnemonic)!;
    const positional: ("<-" | MemItem)[] = [];
    const named = new Map<string, MemItem | ValueItem | FlagItem>();
    for (const item of spec.syntax as readonly SyntaxItem[]) {
      if (item === "<-" || ("mem" in item && item.key === undefined)) positional.push(item);
      else if ("flag" in item) named.set(item.flag, item);
      else named.set(item.key!, item);
    }
    return [spec.mnemonic, { row, positional, named }];
  }),
);

/** The enum field that selects a memory operand's buffer, if the operand's buffer is not fixed. */
export function bufferSelector(row: RowLayout, item: MemItem): FieldLayout | undefined {
  const f = row.byName.get(item.mem);
  return f?.kind === "enum" ? f : undefined;
}

function template(row: RowLayout, item: SyntaxItem): string {
  if (item === "<-") return "'<-'";
  if ("flag" in item) return item.flag;
  if ("mem" in item) {
    const sel = bufferSelector(row, item);
    return `${item.key ? `${item.key}=` : ""}${sel ? sel.values.join("|") : item.mem}[…]`;
  }
  return item.fields.length === 1 ? `${item.key}=…` : `${item.key}=(${item.fields.join(",")})`;
}

function parseInteger(image: string): number {
  const neg = image.startsWith("-");
  const body = neg ? image.slice(1) : image;
  const v = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : parseInt(body, 10);
  return neg ? -v : v;
}

class LineChecker {
  readonly errors: AsmError[] = [];

  private at(tok: IToken, message: string): void {
    this.errors.push({ line: tok.startLine ?? 0, col: tok.startColumn ?? 0, length: tok.image.length, message });
  }

  /** Code check of one field; reports at `tok` and returns false when the value is bad. */
  private value(op: string, f: FieldLayout, a: Atom, f2: Record<string, number | string>): boolean {
    let v: number | string;
    if (f.kind === "enum") v = a.tok.image;
    else if (!a.isNumber) {
      this.at(a.tok, `${op}: field '${f.name}' expects a number, got '${a.tok.image}'`);
      return false;
    } else v = parseInteger(a.tok.image);
    try {
      fieldCode(op, f, v, a.tok.image);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      this.at(a.tok, e.message);
      return false;
    }
    f2[f.name] = v;
    return true;
  }

  private mem(
    syn: RowSyntax,
    item: MemItem,
    o: Extract<Operand, { kind: "mem" }>,
    f: Record<string, number | string>,
  ): void {
    const op = syn.row.mnemonic;
    const sel = bufferSelector(syn.row, item);
    const name = o.name.image;
    const allowed = sel ? sel.values : [item.mem];
    if (!allowed.includes(name)) {
      const side = syn.positional.indexOf(item) < syn.positional.indexOf("<-") ? "destination" : "source";
      const what = item.key ? `${item.key}=` : `the ${side}`;
      this.at(o.name, `${op}: bad buffer '${name}' for ${what} (expected ${allowed.join(" or ")})`);
    } else if (sel) f[sel.name] = name;
    this.value(op, syn.row.byName.get(item.addr)!, { tok: o.addr, isNumber: true }, f);
  }

  check(l: AsmLine): Instr | undefined {
    const head = l.head!;
    const syn = SYNTAX.get(head.image);
    if (syn === undefined) {
      const near = [...SYNTAX.keys()].filter((m) => m.split(".")[0] === head.image.split(".")[0]);
      this.at(
        head,
        `unknown mnemonic '${head.image}'${near.length ? ` (did you mean ${near.map((m) => `'${m}'`).join(" or ")}?)` : ""}`,
      );
      return undefined;
    }
    const op = syn.row.mnemonic;
    const before = this.errors.length;
    const f: Record<string, number | string> = {};
    const ops = l.operands;
    const eol = { startLine: l.line, startColumn: l.endCol, image: " " } as IToken;

    // Positional operands: the destination, the arrow, the source.
    for (const [i, item] of syn.positional.entries()) {
      const o = ops[i];
      const ok = item === "<-" ? o?.kind === "arrow" : o?.kind === "mem" && o.key === undefined;
      if (!ok) {
        this.at(o?.tok ?? eol, `${op}: expected ${template(syn.row, item)}${o ? ` here, found '${o.tok.image}'` : ""}`);
        return undefined;
      }
      if (item !== "<-") this.mem(syn, item, o as Extract<Operand, { kind: "mem" }>, f);
    }

    // Named operands, in any order.
    const seen = new Map<string, IToken>();
    let wait: readonly string[] = [];
    let signal: readonly string[] = [];
    for (const o of ops.slice(syn.positional.length)) {
      if (o.kind === "arrow") {
        this.at(o.tok, `${op}: unexpected '<-'`);
        continue;
      }
      if (o.kind === "mem" && o.key === undefined) {
        this.at(o.tok, `${op}: unexpected memory operand '${o.name.image}[…]'`);
        continue;
      }
      const key = o.kind === "flag" ? o.name : o.key!;
      const first = seen.get(key.image);
      if (first) {
        this.at(key, `${op}: duplicate '${key.image}' (first given at column ${first.startColumn})`);
        continue;
      }
      seen.set(key.image, key);
      if ((key.image === "wait" || key.image === "signal") && o.kind === "value") {
        const qs = this.queues(op, key.image, o);
        if (key.image === "wait") wait = qs;
        else signal = qs;
        continue;
      }
      const item = syn.named.get(key.image);
      if (item === undefined) {
        const known = [...syn.named.keys(), "wait", "signal"].join(", ");
        this.at(key, `${op}: unknown field '${key.image}' (${op} takes ${known})`);
        continue;
      }
      if ("flag" in item) {
        if (o.kind === "flag") f[item.flag] = 1;
        else this.at(key, `${op}: '${item.flag}' is a flag: write it bare, without a value`);
      } else if ("mem" in item) {
        if (o.kind === "mem") this.mem(syn, item, o, f);
        else this.at(o.kind === "value" ? o.open : key, `${op}: expected ${template(syn.row, item)}`);
      } else if (o.kind !== "value") {
        this.at(key, `${op}: '${key.image}' needs a value: ${template(syn.row, item)}`);
      } else if (item.fields.length === 1 && (o.tuple || o.atoms.length !== 1)) {
        this.at(
          o.open,
          `${op}: '${key.image}' takes one value, got ${o.tuple ? "a tuple" : `a list of ${o.atoms.length}`}`,
        );
      } else if (item.fields.length > 1 && (!o.tuple || o.atoms.length !== item.fields.length)) {
        const got = o.tuple
          ? `${o.atoms.length}`
          : o.atoms.length === 1
            ? "1 (no parentheses)"
            : `${o.atoms.length} without parentheses`;
        this.at(o.open, `${op}: ${template(syn.row, item)} takes ${item.fields.length} values, got ${got}`);
      } else {
        for (const [i, name] of item.fields.entries()) this.value(op, syn.row.byName.get(name)!, o.atoms[i]!, f);
      }
    }

    // Missing named operands (flags default to 0).
    const missing: string[] = [];
    for (const [key, item] of syn.named) {
      if ("flag" in item) {
        if (!seen.has(key)) f[item.flag] = 0;
      } else if (!seen.has(key)) missing.push(template(syn.row, item));
    }
    if (missing.length) this.at(head, `${op}: missing ${missing.join(", ")}`);

    if (this.errors.length !== before) return undefined;
    const ordered: Record<string, number | string> = {};
    for (const field of syn.row.fields) ordered[field.name] = f[field.name]!;
    return { op, wait, signal, f: ordered };
  }

  private queues(op: string, what: string, o: Extract<Operand, { kind: "value" }>): readonly string[] {
    const names: string[] = [];
    for (const a of o.atoms) {
      if (a.isNumber || !(QUEUES as readonly string[]).includes(a.tok.image)) {
        this.at(a.tok, `${op}: ${what}= names unknown queue '${a.tok.image}' (queues: ${QUEUES.join(", ")})`);
        return [];
      }
      if (names.includes(a.tok.image)) {
        this.at(a.tok, `${op}: ${what}= names queue '${a.tok.image}' twice`);
        return [];
      }
      names.push(a.tok.image);
    }
    return queueList(queueMask(op, what, names));
  }
}

/** Source line and a caret line under the error. Tabs are copied so the caret lines up in a terminal. */
function caretLines(src: string, e: AsmError): string {
  const prefix = src.slice(0, Math.max(0, e.col - 1)).replace(/[^\t]/g, " ");
  const len = Math.max(1, Math.min(e.length, src.length - (e.col - 1)));
  return `${src}\n${prefix}^${"~".repeat(len - 1)}`;
}

/** Every error as `file:line:col: message` + the source line + a caret line. */
export function formatAsmErrors(text: string, file: string, errors: readonly AsmError[]): string[] {
  const src = text.split(/\r\n|\r|\n/);
  return errors.map((e) => `${file}:${e.line}:${e.col}: ${e.message}\n${caretLines(src[e.line - 1] ?? "", e)}`);
}

/** Parses and checks; returns the program and the errors (a program with errors has no instructions). */
export function assembleWithErrors(text: string): Assembled & { errors: AsmError[] } {
  const lexed = AsmLexer.tokenize(text);
  const errors: AsmError[] = lexed.errors.map((e) => ({
    line: e.line ?? 0,
    col: e.column ?? 0,
    length: e.length,
    message: `unexpected character${e.length > 1 ? "s" : ""} '${text.substr(e.offset, e.length)}'`,
  }));
  const toks = lexed.tokens;
  const last = toks[toks.length - 1];
  if (last === undefined || last.tokenType !== NewLine) {
    // The last line need not end with a newline; the grammar wants one, so add it where the text ends.
    const lines = text.split(/\r\n|\r|\n/);
    const line = lines.length;
    const col = (lines[lines.length - 1]?.length ?? 0) + 1;
    toks.push(createTokenInstance(NewLine, "", text.length, text.length, line, line, col, col));
  }
  asmParser.input = toks;
  const cst = asmParser.program();
  for (const e of asmParser.errors)
    errors.push({
      line: e.token.startLine ?? 0,
      col: e.token.startColumn ?? 0,
      length: Math.max(1, e.token.image.length),
      message: e.message,
    });

  // One syntax error per line is enough (recovery can trip over the rest of a broken line), and a line with
  // a syntax error is not checked further.
  const badLines = new Set<number>();
  const syntax = errors
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .filter((e) => (badLines.has(e.line) ? false : (badLines.add(e.line), true)));

  const asmLines = lineVisitor.visit(cst, (l: number) => badLines.has(l)) as AsmLine[];
  const checker = new LineChecker();
  const instrs: Instr[] = [];
  const lines: number[] = [];
  const labels = new Map<string, number>();
  const labelAt = new Map<string, IToken>();
  for (const l of asmLines) {
    if (l.label) {
      const name = l.label.image.slice(0, -1);
      const first = labelAt.get(name);
      if (first)
        checker.errors.push({
          line: l.line,
          col: l.label.startColumn ?? 0,
          length: l.label.image.length,
          message: `duplicate label '${name}' (first at line ${first.startLine})`,
        });
      else {
        labelAt.set(name, l.label);
        labels.set(name, instrs.length);
      }
    }
    if (l.head === undefined) continue;
    const i = checker.check(l);
    if (i) {
      instrs.push(i);
      lines.push(l.line);
    }
  }
  const all = [...syntax, ...checker.errors].sort((a, b) => a.line - b.line || a.col - b.col);
  return all.length ? { instrs: [], labels: new Map(), lines: [], errors: all } : { instrs, labels, lines, errors: [] };
}

/** Assembles a file; any error → one InputError `file: N errors` with every error (and its caret) in details. */
export function assembleDetailed(text: string, file: string): Assembled {
  const r = assembleWithErrors(text);
  if (r.errors.length) {
    const n = r.errors.length;
    throw new InputError(`${file}: ${n} error${n === 1 ? "" : "s"}`, formatAsmErrors(text, file, r.errors));
  }
  return { instrs: r.instrs, labels: r.labels, lines: r.lines };
}

export function assemble(text: string, file: string): Instr[] {
  return assembleDetailed(text, file).instrs;
}
