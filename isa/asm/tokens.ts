// Tokens of the assembly language. The mnemonics come from the instruction table: one token per mnemonic,
// all in the Mnemonic category, each with Identifier as longer_alt (so `loadx` or `vop.foo` is an identifier
// and becomes an "unknown mnemonic" error, not a lexing error).

import { createToken, Lexer, RUNTIME, type GrammarChecks, type TokenType } from "../chevrotain.js";
import { INSTRUCTIONS } from "../instructions.js";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /;[^\n\r]*/, group: Lexer.SKIPPED });
export const NewLine = createToken({ name: "NewLine", pattern: /\r\n|\r|\n/, line_breaks: true, label: "end of line" });
export const Label = createToken({
  name: "Label",
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*:/,
  label: "label",
});
export const Arrow = createToken({ name: "Arrow", pattern: /<-/, label: "'<-'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
/** Hex (0x…) or decimal; a sign is lexed so that `-1` becomes a range error naming the field. */
// Categories keep the grammar flat (fewer rule calls per token, which is most of the parsing time):
// Value = Integer | Name, Name = Identifier | Mnemonic (`pool` is a mnemonic, a buffer and a queue).
export const Value = createToken({ name: "Value", pattern: Lexer.NA, label: "value" });
export const Name = createToken({ name: "Name", pattern: Lexer.NA, categories: [Value], label: "name" });
export const Integer = createToken({
  name: "Integer",
  pattern: /-?(?:0[xX][0-9a-fA-F]+|[0-9]+)/,
  categories: [Value],
  label: "number",
});
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/,
  categories: [Name],
  label: "name",
});
export const Mnemonic = createToken({ name: "Mnemonic", pattern: Lexer.NA, categories: [Name], label: "mnemonic" });

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One token per instruction, longest first so that no mnemonic can shadow a longer one. */
export const MNEMONIC_TOKENS: readonly TokenType[] = [...INSTRUCTIONS]
  .map((r) => r.mnemonic as string)
  .sort((a, b) => b.length - a.length || a.localeCompare(b))
  .map((m) =>
    createToken({
      name: `Mnemonic_${m.replace(/\W/g, "_")}`,
      pattern: new RegExp(escapeRegExp(m)),
      longer_alt: Identifier,
      categories: [Mnemonic],
      label: `'${m}'`,
    }),
  );

export const ALL_TOKENS: readonly TokenType[] = [
  WhiteSpace,
  Comment,
  NewLine,
  Label,
  Arrow,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Equals,
  Integer,
  Value,
  Name,
  Mnemonic,
  ...MNEMONIC_TOKENS,
  Identifier,
];

export function makeAsmLexer(checks: GrammarChecks = RUNTIME): Lexer {
  return new Lexer([...ALL_TOKENS], { ensureOptimizations: true, positionTracking: "full", ...checks });
}
export const AsmLexer = makeAsmLexer();
