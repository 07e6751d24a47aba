// Writes a sweep's CSV, terminal summary and HTML page: the one path both `sweep` and `sweep merge` take.
import chalk from "chalk";
import type { Io } from "../io.js";
import { sweepCsv, sweepSummary, type SweepOutcome } from "./report.js";

export interface OutputArgs {
  /** A file, "-" for stdout (the CSV alone), or undefined. */
  readonly csv?: string;
  readonly html?: string;
}

export async function writeSweepOutputs(o: SweepOutcome, out: OutputArgs, io: Io, headline: string): Promise<void> {
  const csv = sweepCsv(o);
  if (out.csv === "-") io.stdout(csv);
  else {
    if (out.csv !== undefined) io.writeFile(out.csv, csv);
    io.stdout(`${headline}\n`);
    io.stdout(sweepSummary(o, (s) => (io.isTTY ? chalk.green(s) : s)));
    if (out.csv !== undefined) io.stdout(`wrote ${out.csv}\n`);
  }
  if (out.html !== undefined) {
    const { sweepPage } = await import("../html/sweep-page.js"); // vega loads only for --html
    io.writeFile(out.html, await sweepPage(o));
  }
}
