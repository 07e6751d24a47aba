// Bad input of every kind the CLI takes: exit 2, a first line `sumac: error: …` naming the file, key or flag,
// no stack trace, and no work done (nothing on stdout).
import { expect } from "chai";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

const B = "test/fixtures/bad";

const CASES: readonly (readonly [string[], RegExp])[] = [
  [["frob"], /unknown command 'frob'/],
  [[], /name a command/],
  [["models", "--bogus"], /Unknown argument: bogus/],
  [["count", "resnet20", "--json"], /Not enough arguments following: json/],
  [["run", "resnet20", "--engine", "warp"], /engine.*warp/],
  [["run", "resnet20", "--mode", "sparse"], /mode.*sparse/],
  [["run", "resnet20:struct-z"], /no variant 'struct-z'.*struct-a/],
  [["count", "resnet57"], /unknown model 'resnet57'.*resnet56/],
  [["count", `${B}/missing.net`], /missing\.net/],
  [["run", "resnet20", "--input", `${B}/seven-bytes.f32`], /seven-bytes\.f32: 7 bytes.*12288 bytes/],
  [["compare", "resnet20", "--input", `${B}/seven-bytes.f32`], /seven-bytes\.f32: 7 bytes/],
  [["run", "resnet20", "--hw", `${B}/trailing-comma.json`], /trailing-comma\.json:1:20/],
  [["run", "resnet20", "--set", "pool.lanes=-1"], /pool\.lanes = -1 is out of range/],
  [["run", "resnet20", "--set", "mac.rowz=8"], /mac\.rowz.*mac\.rows/],
  [["run", "resnet20", "--set", "dram.gbps=-1"], /dram\.gbps/],
  [["run", "resnet20", "--batch", "0"], /--batch/],
  [["run", "resnet20", "--tol", "5"], /--tol 5/],
  [["run", "resnet20", "--struct", `${B}/bad-struct.json`], /bad-struct\.json: layer 'conv1'.*c=99/],
  [["run", "resnet20", "--struct", `${B}/missing.json`], /missing\.json: no such file/],
  [["run", "resnet20", "--timing-only", "--max-cycles", "10"], /--max-cycles 10/],
  [["compile", "resnet20", "--dump-after", "nope"], /unknown pass 'nope'.*tile/],
  [["simulate", `${B}`], /manifest\.json: missing/],
  [["disasm", `${B}/random.bin`], /random\.bin: 100 bytes is not a whole number of 16-byte words/],
  [["inspect", `${B}/random.bin`], /unknown model/],
  [["hw", "nope"], /unknown preset 'nope'/],
  [["sweep", "resnet20", "--set", "mac.rows=0,8"], /mac\.rows = 0/],
];

describe("bad input everywhere: exit 2, one clear first line, no stack, no work", function () {
  this.timeout(60_000);
  for (const [argv, pattern] of CASES) {
    it(`sumac ${argv.join(" ")}`, async () => {
      const io = memoryIo();
      expect(await main(argv, io), io.err).to.equal(2);
      const lines = io.err.split("\n").filter((l) => l !== "");
      expect(lines[0]).to.match(/^sumac: error: /);
      expect(lines[0]).to.match(pattern);
      expect(io.err).not.to.match(/^\s+at /m);
      expect(io.out).to.equal("");
    });
  }
});
