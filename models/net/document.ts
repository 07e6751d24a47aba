// A parsed and checked .net file, and the models it offers (with the variants its structure annotations define).
import type { NetFile, NetworkDecl, Stmt } from "./ast.js";
import { checkNetFile } from "./check.js";
import { diagnosticsError } from "./diagnostics.js";
import { DENSE, variantOfTag } from "./layerspec.js";
import { parseNetText } from "./syntax.js";

/** A model a .net file offers: a `model` declaration, or a bare network with its default parameters. */
export interface NetModelInfo {
  readonly name: string;
  readonly network: string;
  readonly dataset: string | null;
  readonly description: string;
  readonly variants: readonly string[];
}

/** A parsed and checked .net file. */
export interface NetDocument {
  readonly file: string;
  readonly text: string;
  readonly ast: NetFile;
  readonly models: readonly NetModelInfo[];
}

function annotationTags(stmts: readonly Stmt[], into: Set<string>): void {
  for (const s of stmts) {
    if (s.kind === "layer") for (const a of s.annotations) into.add(a.tag);
    else if (s.kind === "for" || s.kind === "repeat" || s.kind === "seq" || s.kind === "join")
      annotationTags(s.body, into);
    else if (s.kind === "if") {
      annotationTags(s.then, into);
      annotationTags(s.else, into);
    } else if (s.kind === "residual") {
      annotationTags(s.main, into);
      annotationTags(s.shortcut ?? [], into);
    }
  }
}

/** Variants of a network: dense plus one per annotation tag used by the network or any block it may call. */
function variantsOf(ast: NetFile, net: NetworkDecl): string[] {
  const tags = new Set<string>();
  annotationTags(net.body, tags);
  for (const b of ast.blocks) annotationTags(b.body, tags);
  return [DENSE, ...[...tags].sort().map(variantOfTag)];
}

/** Parses and checks a .net file; InputError with every error (file:line:col and a caret) when it is malformed. */
export function parseNet(text: string, file: string): NetDocument {
  const ast = parseNetText(text, file);
  const diags = checkNetFile(ast);
  if (diags.length) throw diagnosticsError(file, text, diags);
  const nets = new Map(ast.networks.map((n) => [n.name, n]));
  const models: NetModelInfo[] = ast.models.length
    ? ast.models.map((m) => {
        const net = nets.get(m.network)!;
        return {
          name: m.name,
          network: net.name,
          dataset: net.dataset,
          description: m.description ?? "",
          variants: variantsOf(ast, net),
        };
      })
    : ast.networks.map((n) => ({
        name: n.name,
        network: n.name,
        dataset: n.dataset,
        description: "",
        variants: variantsOf(ast, n),
      }));
  return { file, text, ast, models };
}
