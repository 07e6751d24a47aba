// The CLI's window on the world, so that tests can run commands in-process with captured output.
import * as fs from "node:fs";

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stdout is a terminal: colours and progress bars only then. */
  readonly isTTY: boolean;
  readonly readFile: (path: string) => Uint8Array;
  readonly writeFile: (path: string, data: string | Uint8Array) => void;
  readonly exists: (path: string) => boolean;
  readonly cwd: string;
}

export function nodeIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    readFile: (p) => fs.readFileSync(p),
    writeFile: (p, d) => {
      const dir = p.replace(/[/\\][^/\\]*$/, "");
      if (dir && dir !== p) fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(p, d);
    },
    exists: (p) => fs.existsSync(p),
    cwd: process.cwd(),
  };
}

/** An in-memory Io for tests: collects output, serves files from a map, falls back to the real file system for reads. */
export function memoryIo(
  files: Record<string, string | Uint8Array> = {},
): Io & { out: string; err: string; files: Map<string, Uint8Array> } {
  const store = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(files)) store.set(k, typeof v === "string" ? new TextEncoder().encode(v) : v);
  const io = {
    out: "",
    err: "",
    files: store,
    isTTY: false,
    cwd: process.cwd(),
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
    readFile: (p: string) => store.get(p) ?? fs.readFileSync(p),
    writeFile: (p: string, d: string | Uint8Array) => {
      store.set(p, typeof d === "string" ? new TextEncoder().encode(d) : d);
    },
    exists: (p: string) => store.has(p) || fs.existsSync(p),
  };
  return io;
}
