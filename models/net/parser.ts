// Grammar of the .net language (chevrotain CstParser with error recovery, so one run reports every syntax error).
//
//   file        := (network | block | model)*
//   network     := "network" ID params? "input" "[" expr ("," expr)* "]" ("dataset" ID)? body
//   block       := "block" ID params? body
//   model       := "model" NAME "=" ID args? STRING?        NAME := ID ("-" (ID | INT))*  (efficientnet-b0)
//   body        := "{" statement* "}"
//   statement   := label? (let | for | repeat | if | residual | seq | join | keep | use | layer | call) ";"?
//   join        := ("concat" | "gate") body          keep := "keep" ID ("[" expr "]")?    use := "use" ID ("[" expr "]")?
//   label       := name ("." name)* ":"                      (name: identifier, integer or keyword)
//   layer       := LAYER args? ("@" ID args)*               (conv, bn, relu, relu6, clip, fc, maxpool, …)
//   args        := "(" (arg ("," arg)*)? ")"     arg := (ID "=")? (KERNEL | expr)
//   expr        := or ("?" expr ":" expr)?  with || && (== != < <= > >=) (+ -) (* / // %) ** (right) unary (- !)
import { CstParser, type CstNode } from "chevrotain";
import * as T from "./tokens.js";

export class NetParser extends CstParser {
  constructor() {
    super([...T.allTokens], { recoveryEnabled: true, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  public file = this.RULE("file", () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.networkDecl) },
        { ALT: () => this.SUBRULE(this.blockDecl) },
        { ALT: () => this.SUBRULE(this.modelDecl) },
      ]);
    });
  });

  public networkDecl = this.RULE("networkDecl", () => {
    this.CONSUME(T.Network);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.CONSUME(T.Input);
    this.SUBRULE(this.shapeLiteral);
    this.OPTION2(() => {
      this.CONSUME(T.Dataset);
      this.CONSUME2(T.Identifier, { LABEL: "dataset" });
    });
    this.SUBRULE(this.body);
  });

  public blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.SUBRULE(this.body);
  });

  public modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.SUBRULE(this.modelName, { LABEL: "name" });
    this.CONSUME(T.Assign);
    this.CONSUME2(T.Identifier, { LABEL: "network" });
    this.OPTION(() => this.SUBRULE(this.argList));
    this.OPTION2(() => this.CONSUME(T.StringLiteral));
  });

  public modelName = this.RULE("modelName", () => {
    this.CONSUME(T.Identifier, { LABEL: "parts" });
    this.MANY(() => {
      this.CONSUME(T.Minus);
      this.OR([
        { ALT: () => this.CONSUME2(T.Identifier, { LABEL: "parts" }) },
        { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: "parts" }) },
      ]);
    });
  });

  public paramList = this.RULE("paramList", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
  });

  public param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE(this.expression);
    });
  });

  public argList = this.RULE("argList", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.arg) });
    this.CONSUME(T.RParen);
  });

  public arg = this.RULE("arg", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Assign,
      DEF: () => {
        this.CONSUME(T.Identifier, { LABEL: "key" });
        this.CONSUME(T.Assign);
      },
    });
    this.OR([{ ALT: () => this.CONSUME(T.KernelSize) }, { ALT: () => this.SUBRULE(this.expression) }]);
  });

  public shapeLiteral = this.RULE("shapeLiteral", () => {
    this.CONSUME(T.LBracket);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RBracket);
  });

  public body = this.RULE("body", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RBrace);
  });

  public statement = this.RULE("statement", () => {
    this.OPTION(() => this.SUBRULE(this.label));
    this.OR([
      { ALT: () => this.SUBRULE(this.letStmt) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.repeatStmt) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.residualStmt) },
      { ALT: () => this.SUBRULE(this.seqStmt) },
      { ALT: () => this.SUBRULE(this.joinStmt) },
      { ALT: () => this.SUBRULE(this.keepStmt) },
      { ALT: () => this.SUBRULE(this.useStmt) },
      { ALT: () => this.SUBRULE(this.layerStmt) },
      { ALT: () => this.SUBRULE(this.callStmt) },
    ]);
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  public label = this.RULE("label", () => {
    this.SUBRULE(this.nameAtom);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE2(this.nameAtom);
    });
    this.CONSUME(T.Colon);
  });

  public nameAtom = this.RULE("nameAtom", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.AnyKeyword) },
    ]);
  });

  public letStmt = this.RULE("letStmt", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.expression);
  });

  public forStmt = this.RULE("forStmt", () => {
    this.CONSUME(T.For);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.In);
    this.SUBRULE(this.expression, { LABEL: "from" });
    this.CONSUME(T.DotDot);
    this.SUBRULE2(this.expression, { LABEL: "to" });
    this.SUBRULE(this.body);
  });

  public repeatStmt = this.RULE("repeatStmt", () => {
    this.CONSUME(T.Repeat);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.body);
  });

  public ifStmt = this.RULE("ifStmt", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.body, { LABEL: "then" });
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR([
        { ALT: () => this.SUBRULE(this.ifStmt, { LABEL: "elseIf" }) },
        { ALT: () => this.SUBRULE2(this.body, { LABEL: "else" }) },
      ]);
    });
  });

  public residualStmt = this.RULE("residualStmt", () => {
    this.CONSUME(T.Residual);
    this.OPTION(() => {
      this.CONSUME(T.If);
      this.SUBRULE(this.expression);
    });
    this.SUBRULE(this.body, { LABEL: "main" });
    this.OPTION2(() => {
      this.CONSUME(T.Shortcut);
      this.SUBRULE2(this.body, { LABEL: "shortcut" });
    });
  });

  public seqStmt = this.RULE("seqStmt", () => {
    this.CONSUME(T.Seq);
    this.SUBRULE(this.body);
  });

  public joinStmt = this.RULE("joinStmt", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Concat) }, { ALT: () => this.CONSUME(T.Gate) }]);
    this.SUBRULE(this.body);
  });

  public keepStmt = this.RULE("keepStmt", () => {
    this.CONSUME(T.Keep);
    this.SUBRULE(this.tensorRef);
  });

  public useStmt = this.RULE("useStmt", () => {
    this.CONSUME(T.Use);
    this.SUBRULE(this.tensorRef);
  });

  public tensorRef = this.RULE("tensorRef", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      this.SUBRULE(this.expression);
      this.CONSUME(T.RBracket);
    });
  });

  public layerStmt = this.RULE("layerStmt", () => {
    this.CONSUME(T.LayerKeyword);
    this.OPTION(() => this.SUBRULE(this.argList));
    this.MANY(() => this.SUBRULE(this.annotation));
  });

  public annotation = this.RULE("annotation", () => {
    this.CONSUME(T.At);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.argList);
  });

  public callStmt = this.RULE("callStmt", () => {
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.argList);
  });

  public expression = this.RULE("expression", () => {
    this.SUBRULE(this.orExpr, { LABEL: "test" });
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.expression, { LABEL: "then" });
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.expression, { LABEL: "else" });
    });
  });

  public orExpr = this.RULE("orExpr", () => {
    this.SUBRULE(this.andExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.OrOr, { LABEL: "ops" });
      this.SUBRULE2(this.andExpr, { LABEL: "operands" });
    });
  });

  public andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.cmpExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.AndAnd, { LABEL: "ops" });
      this.SUBRULE2(this.cmpExpr, { LABEL: "operands" });
    });
  });

  public cmpExpr = this.RULE("cmpExpr", () => {
    this.SUBRULE(this.addExpr, { LABEL: "operands" });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.EqEq, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.NotEq, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.LessEq, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.GreaterEq, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Less, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Greater, { LABEL: "ops" }) },
      ]);
      this.SUBRULE2(this.addExpr, { LABEL: "operands" });
    });
  });

  public addExpr = this.RULE("addExpr", () => {
    this.SUBRULE(this.mulExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: "ops" }) },
      ]);
      this.SUBRULE2(this.mulExpr, { LABEL: "operands" });
    });
  });

  public mulExpr = this.RULE("mulExpr", () => {
    this.SUBRULE(this.powExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.SlashSlash, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Percent, { LABEL: "ops" }) },
      ]);
      this.SUBRULE2(this.powExpr, { LABEL: "operands" });
    });
  });

  /** `a ** b`, right-associative: 2 ** 3 ** 2 = 2 ** 9. */
  public powExpr = this.RULE("powExpr", () => {
    this.SUBRULE(this.unaryExpr, { LABEL: "base" });
    this.OPTION(() => {
      this.CONSUME(T.StarStar);
      this.SUBRULE(this.powExpr, { LABEL: "exponent" });
    });
  });

  public unaryExpr = this.RULE("unaryExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Minus, { LABEL: "op" }) },
            { ALT: () => this.CONSUME(T.Not, { LABEL: "op" }) },
          ]);
          this.SUBRULE(this.unaryExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.atom) },
    ]);
  });

  public atom = this.RULE("atom", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });
}

/** One parser instance is reused (chevrotain parsers are stateful but resettable through `input`). */
let shared: NetParser | null = null;
export function netParser(): NetParser {
  shared ??= new NetParser();
  return shared;
}

export type { CstNode };
