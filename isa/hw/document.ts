// A resolved config written back as a config document: every settable key with its value, every price with its
// unit and source. Resolving the document gives the same machine (same id and hash), so a program directory can
// carry the machine it was compiled for as an ordinary, validated hw.json.
import { resolveHw } from "./config.js";
import { LEAVES, TABLES } from "./schema.js";
import type { HwConfig, Sourced } from "./types.js";

function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) cur = (cur as Record<string, unknown> | undefined)?.[part];
  return cur;
}

function setAt(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur = doc;
  for (const part of parts.slice(0, -1)) cur = (cur[part] ??= {}) as Record<string, unknown>;
  cur[parts[parts.length - 1]!] = value;
}

export function hwDocument(hw: HwConfig): Record<string, unknown> {
  const doc: Record<string, unknown> = { preset: hw.preset };
  if (hw.description !== undefined) doc["description"] = hw.description;
  // A value the configuration derived (a supply from the node, a clock by the alpha-power law) is left out: the
  // document re-derives it the same way, and writing it would make it look given.
  const derived = (path: string) => hw.sources?.[path]?.startsWith("derived:") === true;
  for (const [path] of LEAVES) {
    const v = valueAt(hw, path);
    if (v !== undefined && !derived(path)) setAt(doc, path, v);
  }
  if (hw.sources)
    doc["sources"] = Object.fromEntries(
      Object.entries(hw.sources).filter(([p]) => LEAVES.some(([q]) => q === p) && !derived(p)),
    );
  // Prices: only those the settings alone do not give (the preset's table and the values derived from sizes),
  // so that the document names exactly what was overridden and resolves to the same id.
  const implied = resolveHw({ file: { path: "hw.json", text: JSON.stringify(doc) } });
  const tableOf = (c: HwConfig, name: string) =>
    (c as unknown as Record<string, Readonly<Record<string, Sourced>> | undefined>)[name] ?? {};
  for (const t of TABLES) {
    const mine = tableOf(hw, t.name);
    const base = tableOf(implied, t.name);
    const changed = t.keys.filter(
      (k) => mine[k] && (mine[k].value !== base[k]?.value || mine[k].unit !== base[k]?.unit),
    );
    if (changed.length > 0) doc[t.name] = Object.fromEntries(changed.map((k) => [k, { ...mine[k]! }]));
  }
  return doc;
}
