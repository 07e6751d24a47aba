// Static checks of a parsed .net file, collected all at once before anything runs: unknown names (variables, blocks,
// networks, layer arguments, annotation keys), wrong argument counts, duplicate declarations.
import type { Annotation, Arg, Expr, NetFile, Param, Pos, Stmt, Value } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import { BUILTIN_VARS, LAYER_SPECS } from "./layerspec.js";

class Scope {
  private readonly names = new Set<string>();
  constructor(private readonly parent: Scope | null) {}
  add(n: string): void {
    this.names.add(n);
  }
  has(n: string): boolean {
    return this.names.has(n) || (this.parent?.has(n) ?? false);
  }
  child(): Scope {
    return new Scope(this);
  }
}

export function checkNetFile(file: NetFile): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const err = (pos: Pos, message: string): void => {
    diags.push({ pos, message });
  };
  const blocks = new Map(file.blocks.map((b) => [b.name, b]));
  const networks = new Map(file.networks.map((n) => [n.name, n]));

  const seen = new Set<string>();
  for (const d of [...file.networks, ...file.blocks]) {
    if (seen.has(d.name)) err(d.pos, `'${d.name}' is declared twice`);
    seen.add(d.name);
  }
  const modelNames = new Set<string>();
  for (const m of file.models) {
    if (modelNames.has(m.name)) err(m.pos, `model '${m.name}' is declared twice`);
    modelNames.add(m.name);
  }

  const expr = (e: Expr, scope: Scope): void => {
    switch (e.kind) {
      case "num":
        return;
      case "var":
        if (!scope.has(e.name)) err(e.pos, `unknown name '${e.name}'`);
        return;
      case "unary":
        expr(e.arg, scope);
        return;
      case "binary":
        expr(e.left, scope);
        expr(e.right, scope);
        return;
      case "cond":
        expr(e.test, scope);
        expr(e.then, scope);
        expr(e.else, scope);
        return;
    }
  };
  const value = (v: Value, scope: Scope, kernelOk: boolean): void => {
    if (v.kind === "ksize") {
      if (!kernelOk) err(v.pos, "a kernel size like 3x3 is not allowed here");
    } else expr(v, scope);
  };

  /** Binds call arguments to parameters: positional first, then by name; every parameter without a default must be given. */
  const bindArgs = (args: readonly Arg[], params: readonly Param[], scope: Scope, what: string, pos: Pos): void => {
    const given = new Set<string>();
    let positional = 0;
    for (const a of args) {
      value(a.value, scope, false);
      if (a.key === null) {
        const p = params[positional++];
        if (!p) err(a.pos, `${what} takes ${params.length} argument${params.length === 1 ? "" : "s"}`);
        else given.add(p.name);
      } else if (!params.some((p) => p.name === a.key))
        err(
          a.pos,
          `${what} has no parameter '${a.key}' (parameters: ${params.map((p) => p.name).join(", ") || "none"})`,
        );
      else if (given.has(a.key)) err(a.pos, `parameter '${a.key}' is given twice`);
      else given.add(a.key);
    }
    for (const p of params) if (!p.default && !given.has(p.name)) err(pos, `${what} needs parameter '${p.name}'`);
  };

  const paramScope = (params: readonly Param[], scope: Scope): void => {
    for (const p of params) {
      if (p.default) expr(p.default, scope);
      scope.add(p.name);
    }
  };

  const annotation = (a: Annotation, layer: keyof typeof LAYER_SPECS, scope: Scope): void => {
    const spec = LAYER_SPECS[layer];
    if (!spec.structureKeys.length) {
      err(a.pos, `'${layer}' takes no structure annotation (only conv and fc do)`);
      return;
    }
    const inner = scope.child();
    for (const v of spec.structureVars) inner.add(v);
    const keys = new Set<string>();
    for (const arg of a.args) {
      if (arg.key === null || !spec.structureKeys.includes(arg.key)) {
        err(arg.pos, `@${a.tag} on ${layer} takes ${spec.structureKeys.map((k) => `${k}=…`).join(", ")}`);
        continue;
      }
      if (keys.has(arg.key)) err(arg.pos, `'${arg.key}' is given twice`);
      keys.add(arg.key);
      value(arg.value, inner, false);
    }
    if (layer === "fc" && !keys.has("R")) err(a.pos, `@${a.tag} on fc needs R=…`);
  };

  const body = (stmts: readonly Stmt[], scope: Scope): void => {
    for (const s of stmts) stmt(s, scope);
  };

  const stmt = (s: Stmt, scope: Scope): void => {
    switch (s.kind) {
      case "let":
        expr(s.value, scope);
        scope.add(s.name);
        return;
      case "for": {
        expr(s.from, scope);
        expr(s.to, scope);
        const inner = scope.child();
        inner.add(s.var);
        body(s.body, inner);
        return;
      }
      case "repeat":
        expr(s.count, scope);
        body(s.body, scope.child());
        return;
      case "if":
        expr(s.test, scope);
        body(s.then, scope.child());
        body(s.else, scope.child());
        return;
      case "residual":
        if (s.when) expr(s.when, scope);
        body(s.main, scope.child());
        if (s.shortcut) body(s.shortcut, scope.child());
        return;
      case "seq":
      case "join":
        body(s.body, scope.child());
        return;
      case "keep":
      case "use":
        if (s.index) expr(s.index, scope);
        return;
      case "call": {
        const b = blocks.get(s.block);
        if (!b) {
          err(s.pos, `unknown block '${s.block}'${blocks.size ? ` (blocks: ${[...blocks.keys()].join(", ")})` : ""}`);
          for (const a of s.args) value(a.value, scope, false);
          return;
        }
        bindArgs(s.args, b.params, scope, `block '${b.name}'`, s.pos);
        return;
      }
      case "layer": {
        const spec = LAYER_SPECS[s.layer];
        let positional = 0;
        const given = new Set<string>();
        for (const a of s.args) {
          const key = a.key ?? spec.positional[positional++];
          if (key === undefined) {
            err(
              a.pos,
              `'${s.layer}' takes ${spec.positional.length ? `at most ${spec.positional.length} positional argument(s) (${spec.positional.join(", ")})` : "no positional arguments"}`,
            );
            value(a.value, scope, true);
            continue;
          }
          if (!spec.keys.includes(key)) {
            err(
              a.pos,
              `'${s.layer}' has no argument '${key}'${spec.keys.length ? ` (arguments: ${spec.keys.join(", ")})` : ""}`,
            );
            continue;
          }
          if (given.has(key)) err(a.pos, `argument '${key}' is given twice`);
          given.add(key);
          value(a.value, scope, spec.kernel.includes(key));
        }
        if (s.layer === "conv" && !given.has("out")) err(s.pos, "conv needs its output channels: conv(64, 3x3, …)");
        if (s.layer === "conv" && !given.has("k")) err(s.pos, "conv needs a kernel size: conv(64, 3x3, …)");
        if (s.layer === "fc" && !given.has("out")) err(s.pos, "fc needs its output features: fc(1000)");
        if (s.layer === "upsample" && !given.has("scale")) err(s.pos, "upsample needs its factor: upsample(2)");
        if ((s.layer === "maxpool" || s.layer === "avgpool") && !given.has("k"))
          err(s.pos, `${s.layer} needs a kernel size: ${s.layer}(3x3, stride=2)`);
        const tags = new Set<string>();
        for (const a of s.annotations) {
          if (tags.has(a.tag)) err(a.pos, `@${a.tag} is given twice on this layer`);
          tags.add(a.tag);
          annotation(a, s.layer, scope);
        }
        return;
      }
    }
  };

  const root = new Scope(null);
  for (const b of BUILTIN_VARS) root.add(b);
  for (const b of file.blocks) {
    const scope = root.child();
    paramScope(b.params, scope);
    body(b.body, scope);
  }
  for (const n of file.networks) {
    const scope = root.child();
    paramScope(n.params, scope);
    for (const d of n.input) expr(d, scope);
    body(n.body, scope);
  }
  for (const m of file.models) {
    const n = networks.get(m.network);
    if (!n)
      err(
        m.pos,
        `unknown network '${m.network}'${networks.size ? ` (networks: ${[...networks.keys()].join(", ")})` : ""}`,
      );
    else bindArgs(m.args, n.params, root, `network '${n.name}'`, m.pos);
  }
  return diags;
}
