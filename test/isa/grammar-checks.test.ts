// The lexers and parsers skip chevrotain's definition checks at run time (isa/chevrotain.ts): here they are built
// with the checks on, so an ambiguous or left-recursive rule or an unusable token pattern still fails CI.
import { expect } from "chai";
import { CHECKED } from "../../isa/chevrotain.js";
import { AsmParser } from "../../isa/asm/parser.js";
import { makeAsmLexer } from "../../isa/asm/tokens.js";
import { NetParser } from "../../models/net/parser.js";
import { makeNetLexer } from "../../models/net/tokens.js";

describe("grammar definition checks", () => {
  it("the .s lexer and parser pass chevrotain's validations", () => {
    expect(makeAsmLexer(CHECKED).lexerDefinitionErrors).to.deep.equal([]);
    expect(() => new AsmParser(CHECKED)).not.to.throw();
  });

  it("the .net lexer and parser pass chevrotain's validations", () => {
    expect(makeNetLexer(CHECKED).lexerDefinitionErrors).to.deep.equal([]);
    expect(() => new NetParser(CHECKED)).not.to.throw();
  });

  it("a broken grammar is caught with the checks on (they are not a no-op)", async () => {
    const { CstParser, createToken } = await import("../../isa/chevrotain.js");
    const A = createToken({ name: "A", pattern: /a/ });
    class LeftRecursive extends CstParser {
      constructor() {
        super([A], CHECKED);
        this.performSelfAnalysis();
      }
      public r = this.RULE("r", (): void => {
        this.SUBRULE(this.r);
        this.CONSUME(A);
      });
    }
    expect(() => new LeftRecursive()).to.throw(/Left Recursion/i);
  });
});
