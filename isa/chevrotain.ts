// chevrotain, loaded from the single-file ES module its package ships (lib/chevrotain.mjs, the same release
// bundled with its lodash-es helpers) rather than from the package entry (lib/src/api.js), which imports about
// 600 separate lodash-es modules: loading those costs a few hundred milliseconds of every `.s` or `.net` parse,
// the model zoo included. Every runtime use of chevrotain goes through this module, so there is one copy of its
// classes (instanceof checks between token types and parsers hold); types still come from the package.
import type * as Chevrotain from "chevrotain";

const entry = import.meta.resolve("chevrotain");
const chevrotain = (await import(new URL("../chevrotain.mjs", entry).href)) as typeof Chevrotain;

export const { createToken, createTokenInstance, tokenLabel, Lexer, CstParser } = chevrotain;

/**
 * Our lexers and parsers skip chevrotain's definition checks (ambiguities, left recursion, unusable token
 * patterns) when they are built for use: the checks cost more than the parse of a whole zoo file, and they find
 * nothing new at run time. test/isa/grammar-checks.test.ts builds every lexer and parser with them on.
 */
export interface GrammarChecks {
  readonly skipValidations: boolean;
}
export const RUNTIME: GrammarChecks = { skipValidations: true };
export const CHECKED: GrammarChecks = { skipValidations: false };
export type Lexer = Chevrotain.Lexer;
export type CstParser = Chevrotain.CstParser;
export type {
  CstElement,
  CstNode,
  IOrAlt,
  IParserErrorMessageProvider,
  IRecognitionException,
  IToken,
  TokenType,
} from "chevrotain";
