// Preloaded into every benchmarked process (node --import): at exit, writes the process's peak resident set and
// CPU time to the file named by SUMAC_BENCH_USAGE, so whole-process figures need no platform tool such as time(1).
// Peak RSS is Linux's VmHWM where there is one: getrusage's maxrss survives exec, so a child would report its
// parent's peak when that was larger.
import * as fs from "node:fs";

function peakRssKiB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS;
}

const file = process.env["SUMAC_BENCH_USAGE"];
if (file)
  process.on("exit", () => {
    const u = process.resourceUsage();
    fs.writeFileSync(file, JSON.stringify({ maxRssKiB: peakRssKiB(), cpuUs: u.userCPUTime + u.systemCPUTime }));
  });
