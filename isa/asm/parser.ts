// The grammar: generic and line-oriented. Which operands an instruction takes is checked later against the
// instruction table (isa/asm/assemble.ts), where the messages can name the instruction and field.
//
//   program  := line*
//   line     := Label? instruction? NewLine
//   instruction := (Mnemonic | Identifier) operand*
//   operand  := '<-' | memref | name '=' value | name          (flag)
//   memref   := name '[' Integer ']'
//   value    := '(' atom (',' atom)* ')' | memref | atom (',' atom)*
//   atom     := Integer | name;   name := Identifier | Mnemonic (`pool` is a mnemonic, a buffer and a queue)

import { CstParser, type IParserErrorMessageProvider, type TokenType, type IToken, tokenLabel } from "chevrotain";
import {
  ALL_TOKENS,
  Arrow,
  Comma,
  Equals,
  Identifier,
  Integer,
  LBracket,
  Label,
  LParen,
  Mnemonic,
  NewLine,
  RBracket,
  RParen,
} from "./tokens.js";

function describeToken(t: IToken): string {
  if (t.tokenType === NewLine || t.image === "") return "end of line";
  return `'${t.image}'`;
}

function describeExpected(paths: readonly (readonly TokenType[])[]): string {
  const firsts = [...new Set(paths.map((p) => (p[0] ? tokenLabel(p[0]) : "end of line")))];
  return firsts.length <= 1 ? (firsts[0] ?? "nothing") : `${firsts.slice(0, -1).join(", ")} or ${firsts[firsts.length - 1]}`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (ruleName === "tuple" && expected === RParen) return `unterminated tuple: expected ')' but found ${describeToken(actual)}`;
    if (ruleName === "memref" && expected === RBracket) return `unterminated memory operand: expected ']' but found ${describeToken(actual)}`;
    // After the operands only the end of the line may follow: anything else simply does not belong there.
    if (expected === NewLine) return `unexpected ${describeToken(actual)}`;
    return `expected ${tokenLabel(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const found = actual[0] ? describeToken(actual[0]) : "end of line";
    const what = ruleName === "atom" || ruleName === "value" ? "a value" : ruleName === "line" ? "an instruction" : describeExpected(expectedPathsPerAlt.flat());
    return `expected ${what} but found ${found}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    return `expected ${describeExpected(expectedIterationPaths)} but found ${actual[0] ? describeToken(actual[0]) : "end of line"}`;
  },
};

export class AsmParser extends CstParser {
  constructor() {
    super([...ALL_TOKENS], { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  public program = this.RULE("program", () => {
    this.MANY(() => this.SUBRULE(this.line));
  });

  public line = this.RULE("line", () => {
    this.OPTION(() => this.CONSUME(Label));
    this.OPTION2(() => this.SUBRULE(this.instruction));
    this.CONSUME(NewLine);
  });

  public instruction = this.RULE("instruction", () => {
    this.OR([{ ALT: () => this.CONSUME(Mnemonic) }, { ALT: () => this.CONSUME(Identifier) }]);
    this.MANY(() => this.SUBRULE(this.operand));
  });

  public operand = this.RULE("operand", () => {
    this.OR([
      { ALT: () => this.CONSUME(Arrow) },
      { ALT: () => this.SUBRULE(this.memref) },
      { ALT: () => this.SUBRULE(this.keyed) },
      { ALT: () => this.SUBRULE(this.name) },
    ]);
  });

  public keyed = this.RULE("keyed", () => {
    this.SUBRULE(this.name);
    this.CONSUME(Equals);
    this.SUBRULE(this.value);
  });

  public memref = this.RULE("memref", () => {
    this.SUBRULE(this.name);
    this.CONSUME(LBracket);
    this.CONSUME(Integer);
    this.CONSUME(RBracket);
  });

  public value = this.RULE("value", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.tuple) },
      { ALT: () => this.SUBRULE(this.memref) },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });

  public tuple = this.RULE("tuple", () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.atom);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.atom);
    });
    this.CONSUME(RParen);
  });

  public list = this.RULE("list", () => {
    this.SUBRULE(this.atom);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.atom);
    });
  });

  public atom = this.RULE("atom", () => {
    this.OR([{ ALT: () => this.CONSUME(Integer) }, { ALT: () => this.SUBRULE(this.name) }]);
  });

  public name = this.RULE("name", () => {
    this.OR([{ ALT: () => this.CONSUME(Identifier) }, { ALT: () => this.CONSUME(Mnemonic) }]);
  });
}

/** One shared instance: chevrotain parsers are built once (self-analysis is costly) and reset per input. */
export const asmParser = new AsmParser();
