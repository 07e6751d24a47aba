// Errors in a .net file: each at file:line:col, rendered with the source line and a caret; all of them go into one InputError.
import { InputError } from "../../isa/errors.js";
import type { Pos } from "./ast.js";

export interface Diagnostic {
  readonly pos: Pos;
  readonly message: string;
}

/** Thrown inside the loader for an error that stops elaboration (shape mismatch, bad value). */
export class NetError extends Error {
  constructor(
    readonly pos: Pos,
    message: string,
  ) {
    super(message);
  }
}

function caretLines(source: string, pos: Pos): string[] {
  const line = source.split(/\r?\n/)[pos.line - 1];
  if (line === undefined) return [];
  const gutter = String(pos.line).padStart(5);
  return [`${gutter} | ${line}`, `${" ".repeat(gutter.length)} | ${" ".repeat(Math.max(0, pos.col - 1))}^`];
}

/** One InputError for all diagnostics: the first line names the first error (and how many follow); details hold each with its caret. */
export function diagnosticsError(file: string, source: string, diags: readonly Diagnostic[]): InputError {
  const sorted = [...diags].sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
  const at = (d: Diagnostic): string => `${file}:${d.pos.line}:${d.pos.col}: ${d.message}`;
  const first = sorted[0]!;
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more error${sorted.length > 2 ? "s" : ""})` : "";
  const details: string[] = [];
  for (const d of sorted) details.push(at(d), ...caretLines(source, d.pos));
  return new InputError(`${at(first)}${more}`, details);
}
