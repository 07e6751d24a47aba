// The grammar: generic and line-oriented. Which operands an instruction takes is checked later against the
// instruction table (isa/asm/assemble.ts), where the messages can name the instruction and field.
//
//   program  := line*
//   line     := Label? (Mnemonic | Identifier) operand*)? NewLine
//   operand  := '<-'
//             | Name '[' Integer ']'                          memory operand
//             | Name '=' value                                 named operand
//             | Name                                           flag
//   value    := '(' Value (',' Value)* ')'                     tuple
//             | Name '[' Integer ']'                           named memory operand
//             | Value (',' Value)*                             one value, or a list (wait=ld,pool)
//
// Value and Name are token categories (tokens.ts), which keeps the number of rule calls per token small.

import {
  CstParser,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type TokenType,
  type IToken,
  tokenLabel,
  RUNTIME,
  type GrammarChecks,
} from "../chevrotain.js";
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
  Name,
  NewLine,
  RBracket,
  RParen,
  Value,
} from "./tokens.js";

function describeToken(t: IToken): string {
  if (t.tokenType === NewLine || t.image === "") return "end of line";
  return `'${t.image}'`;
}

function describeExpected(paths: readonly (readonly TokenType[])[]): string {
  const firsts = [...new Set(paths.map((p) => (p[0] ? tokenLabel(p[0]) : "end of line")))];
  return firsts.length <= 1
    ? (firsts[0] ?? "nothing")
    : `${firsts.slice(0, -1).join(", ")} or ${firsts[firsts.length - 1]}`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    if (expected === RParen) return `unterminated tuple: expected ')' but found ${describeToken(actual)}`;
    if (expected === RBracket) return `unterminated memory operand: expected ']' but found ${describeToken(actual)}`;
    // After the operands only the end of the line may follow: anything else simply does not belong there.
    if (expected === NewLine) return `unexpected ${describeToken(actual)}`;
    return `expected ${tokenLabel(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const found = actual[0] ? describeToken(actual[0]) : "end of line";
    const what = ruleName === "value" ? "a value" : describeExpected(expectedPathsPerAlt.flat());
    return `expected ${what} but found ${found}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const found = actual[0] ? describeToken(actual[0]) : "end of line";
    return `expected ${describeExpected(expectedIterationPaths)} but found ${found}`;
  },
};

export class AsmParser extends CstParser {
  // Alternatives are built once and reused (chevrotain's documented caching): building them per call costs
  // an allocation per token, and under tsx (keepNames) a defineProperty per closure, which dominated parsing.
  private altHead?: IOrAlt<unknown>[];
  private altOperand?: IOrAlt<unknown>[];
  private altAfterKey?: IOrAlt<unknown>[];
  private altValue?: IOrAlt<unknown>[];

  constructor(checks: GrammarChecks = RUNTIME) {
    super([...ALL_TOKENS], { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider: messages, ...checks });
    this.performSelfAnalysis();
  }

  public program = this.RULE("program", () => {
    this.MANY(() => this.SUBRULE(this.line));
  });

  public line = this.RULE("line", () => {
    this.OPTION(() => this.CONSUME(Label));
    this.OPTION2(() => {
      this.OR(
        (this.altHead ??= [
          { ALT: () => this.CONSUME(Mnemonic, { LABEL: "head" }) },
          { ALT: () => this.CONSUME(Identifier, { LABEL: "head" }) },
        ]),
      );
      this.MANY(() => this.SUBRULE(this.operand));
    });
    this.CONSUME(NewLine);
  });

  public operand = this.RULE("operand", () => {
    this.OR(
      (this.altOperand ??= [
        { ALT: () => this.CONSUME(Arrow) },
        {
          ALT: () => {
            this.CONSUME(Name, { LABEL: "key" });
            this.OR2(
              (this.altAfterKey ??= [
                {
                  ALT: () => {
                    this.CONSUME(LBracket);
                    this.CONSUME(Integer, { LABEL: "addr" });
                    this.CONSUME(RBracket);
                  },
                },
                {
                  ALT: () => {
                    this.CONSUME(Equals);
                    this.SUBRULE(this.value);
                  },
                },
                { ALT: () => {} }, // a bare flag
              ]),
            );
          },
        },
      ]),
    );
  });

  public value = this.RULE("value", () => {
    this.OR(
      (this.altValue ??= [
        {
          ALT: () => {
            this.CONSUME(LParen);
            this.CONSUME(Value, { LABEL: "atom" });
            this.MANY(() => {
              this.CONSUME(Comma);
              this.CONSUME2(Value, { LABEL: "atom" });
            });
            this.CONSUME(RParen);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Name, { LABEL: "buffer" });
            this.CONSUME(LBracket);
            this.CONSUME2(Integer, { LABEL: "addr" });
            this.CONSUME(RBracket);
          },
        },
        {
          ALT: () => {
            this.CONSUME3(Value, { LABEL: "atom" });
            this.MANY2(() => {
              this.CONSUME2(Comma);
              this.CONSUME4(Value, { LABEL: "atom" });
            });
          },
        },
      ]),
    );
  });
}

/** One shared instance: chevrotain parsers are built once (self-analysis is costly) and reset per input. */
export const asmParser = new AsmParser();
