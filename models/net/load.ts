// .net source → graph IR: parse and check (document.ts), then elaborate one network for one variant (elaborate.ts).
import type { Graph } from "../ir.js";
import { elaborateNet, type ElaborateOptions } from "./elaborate.js";
import { parseNet } from "./document.js";

export { elaborateNet, type ElaborateOptions } from "./elaborate.js";
export { parseNet, type NetDocument, type NetModelInfo } from "./document.js";

/** Parse, check and elaborate in one step. */
export function loadNet(text: string, file: string, opts: ElaborateOptions = {}): Graph {
  return elaborateNet(parseNet(text, file), opts);
}
