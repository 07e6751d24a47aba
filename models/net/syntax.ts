// Text → AST: lex, parse with recovery, and report every lexical and syntax error of the file at once.
import type { IRecognitionException } from "../../isa/chevrotain.js";
import type { NetFile } from "./ast.js";
import { diagnosticsError, type Diagnostic } from "./diagnostics.js";
import { netParser } from "./parser.js";
import { netLexer } from "./tokens.js";
import { cstToAst } from "./visitor.js";

function describeToken(image: string, tokenName: string): string {
  if (tokenName === "EOF") return "end of file";
  return `'${image}'`;
}

function parserMessage(e: IRecognitionException): string {
  const t = e.token;
  const found = describeToken(t.image, t.tokenType.name);
  switch (e.name) {
    case "MismatchedTokenException":
      return `${e.message.replace(/^Expecting token of type --> (\w+) <--.*$/s, (_m, tok: string) => `expected ${prettyToken(tok)}`)}, found ${found}`;
    case "NoViableAltException":
      return `unexpected ${found} (${e.context.ruleStack.at(-1) ?? "statement"} expected)`;
    case "NotAllInputParsedException":
      return `unexpected ${found}: expected 'network', 'block' or 'model'`;
    default:
      return `${e.message}`;
  }
}

const PRETTY: Record<string, string> = {
  RParen: "')'",
  LParen: "'('",
  RBrace: "'}'",
  LBrace: "'{'",
  RBracket: "']'",
  LBracket: "'['",
  Comma: "','",
  Colon: "':'",
  Assign: "'='",
  DotDot: "'..'",
  Identifier: "a name",
  NumberLiteral: "a number",
  Kw_input: "'input'",
  Kw_in: "'in'",
};
function prettyToken(name: string): string {
  return PRETTY[name] ?? name.replace(/^(Kw|Layer)_/, "'").replace(/^'(.*)$/, "'$1'");
}

/** Parses a .net source; InputError listing every syntax error (file:line:col with a caret) when it does not parse. */
export function parseNetText(text: string, file: string): NetFile {
  const lexed = netLexer.tokenize(text);
  const diags: Diagnostic[] = lexed.errors.map((e) => ({
    pos: { line: e.line ?? 0, col: e.column ?? 0 },
    message: `unexpected character '${text.charAt(e.offset)}'`,
  }));
  const parser = netParser();
  parser.input = lexed.tokens;
  const cst = parser.file();
  for (const e of parser.errors) {
    const t = e.token;
    const eof = t.tokenType.name === "EOF" || Number.isNaN(t.startOffset);
    const lines = text.split(/\r?\n/);
    const pos = eof
      ? { line: lines.length, col: (lines.at(-1)?.length ?? 0) + 1 }
      : { line: t.startLine ?? 0, col: t.startColumn ?? 0 };
    diags.push({ pos, message: parserMessage(e) });
  }
  if (diags.length) throw diagnosticsError(file, text, diags);
  return cstToAst(cst);
}
