// Tokens of the .net network description language (see docs/zoo.md for the language).
import { createToken, Lexer, RUNTIME, type GrammarChecks, type TokenType } from "../../isa/chevrotain.js";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: Lexer.SKIPPED });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

/** Keywords: declared before Identifier; `longer_alt` keeps `conv1` or `inputs` an identifier. */
function keyword(word: string): TokenType {
  return createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(`${word}\\b`),
    longer_alt: Identifier,
    categories: [AnyKeyword],
  });
}
/** A category so that labels (`conv: seq {…}`, `fc: fc(1000)`) may use keywords as names. */
export const AnyKeyword = createToken({ name: "AnyKeyword", pattern: Lexer.NA });
/** Category of the layer keywords: `conv(…)`, `bn`, `relu`, … */
export const LayerKeyword = createToken({ name: "LayerKeyword", pattern: Lexer.NA });

function layerKeyword(word: string): TokenType {
  return createToken({
    name: `Layer_${word}`,
    pattern: new RegExp(`${word}\\b`),
    longer_alt: Identifier,
    categories: [AnyKeyword, LayerKeyword],
  });
}

export const Network = keyword("network");
export const Block = keyword("block");
export const Model = keyword("model");
export const Input = keyword("input");
export const Dataset = keyword("dataset");
export const Let = keyword("let");
export const For = keyword("for");
export const In = keyword("in");
export const Repeat = keyword("repeat");
export const If = keyword("if");
export const Else = keyword("else");
export const Residual = keyword("residual");
export const Shortcut = keyword("shortcut");
export const Seq = keyword("seq");
export const Concat = keyword("concat");
export const Gate = keyword("gate");
export const Keep = keyword("keep");
export const Use = keyword("use");

/** Every layer kind the language knows; the loader maps each to IR nodes. */
export const LAYER_KINDS = [
  "conv",
  "bn",
  "relu6",
  "relu",
  "clip",
  "fc",
  "maxpool",
  "avgpool",
  "gap",
  "flatten",
  "shortcutA",
  "dropout",
  "sigmoid",
  "silu",
  "hardsigmoid",
  "hardswish",
  "upsample",
] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];
export const layerTokens: readonly TokenType[] = LAYER_KINDS.map(layerKeyword);

/** `3x3`: a kernel size (square or not). */
export const KernelSize = createToken({ name: "KernelSize", pattern: /\d+x\d+/ });
export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /\d+(?:\.\d+)?/ });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"[^"\n]*"/ });

export const DotDot = createToken({ name: "DotDot", pattern: /\.\./ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/ });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/ });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Question = createToken({ name: "Question", pattern: /\?/ });
export const At = createToken({ name: "At", pattern: /@/ });

export const EqEq = createToken({ name: "EqEq", pattern: /==/ });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/ });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/ });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=/ });
export const Less = createToken({ name: "Less", pattern: /</ });
export const Greater = createToken({ name: "Greater", pattern: />/ });
export const AndAnd = createToken({ name: "AndAnd", pattern: /&&/ });
export const OrOr = createToken({ name: "OrOr", pattern: /\|\|/ });
export const Not = createToken({ name: "Not", pattern: /!/ });
export const Assign = createToken({ name: "Assign", pattern: /=/ });

export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const StarStar = createToken({ name: "StarStar", pattern: /\*\*/ });
export const Star = createToken({ name: "Star", pattern: /\*/ });
export const SlashSlash = createToken({ name: "SlashSlash", pattern: /\/\// });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const Percent = createToken({ name: "Percent", pattern: /%/ });

/** Order matters: longer patterns first (`..` before `.`, `==` before `=`, `3x3` before `3`, keywords before identifiers). */
export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  Comment,
  AnyKeyword,
  LayerKeyword,
  Network,
  Block,
  Model,
  Input,
  Dataset,
  Let,
  For,
  In,
  Repeat,
  If,
  Else,
  Residual,
  Shortcut,
  Seq,
  Concat,
  Gate,
  Keep,
  Use,
  ...layerTokens,
  Identifier,
  KernelSize,
  NumberLiteral,
  StringLiteral,
  DotDot,
  Dot,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Semicolon,
  Colon,
  Question,
  At,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  AndAnd,
  OrOr,
  Not,
  Assign,
  Plus,
  Minus,
  StarStar,
  Star,
  SlashSlash,
  Slash,
  Percent,
];

/**
 * safeMode skips the first-character lookup table: building it costs more than lexing a whole zoo file in safe
 * mode (.net files are a few KB), and the tokens are the same.
 */
export function makeNetLexer(checks: GrammarChecks = RUNTIME): Lexer {
  return new Lexer([...allTokens], { positionTracking: "full", ensureOptimizations: false, safeMode: true, ...checks });
}
export const netLexer = makeNetLexer();
