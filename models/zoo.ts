// The model zoo (models/zoo/*.net) and the one entry point that turns a model spec into a graph:
// `resnet56`, `resnet56:struct-a`, `path/to/net.net[:model][:variant]`, or `path/to/model.onnx`.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../isa/errors.js";
import type { Graph } from "./ir.js";
import { elaborateNet, parseNet, type NetDocument, type NetModelInfo } from "./net/load.js";
import { DENSE } from "./net/layerspec.js";
import { loadOnnx } from "./onnx/load.js";
import { verifyGraph } from "./shapes.js";
import { initGraphWeights } from "./weights.js";

export interface ZooModel {
  readonly name: string;
  readonly dataset: string;
  readonly variants: readonly string[];
  readonly description: string;
  /** The .net file that defines it. */
  readonly file: string;
}

export interface LoadModelOptions {
  /** Reads a user file (.net, .onnx and its external data); throws when it does not exist. */
  readonly readFile: (path: string) => Uint8Array;
  /**
   * "random" (default): seeded random structured weights wherever the model has none (all zoo and .net models).
   * "file": weights from the file (ONNX); zoo and .net models, which carry none, get random ones as with "random".
   * "none": shapes only, weights stay null (counting, listing: no weight generation cost).
   */
  readonly weights?: "random" | "file" | "none";
  readonly seed?: string | number;
}

/** Zoo files in listing order (CIFAR first, as in the paper); other .net files dropped into the folder follow. */
const ZOO_ORDER = [
  "cifar_resnet.net",
  "resnet.net",
  "mobilenetv2.net",
  "mobilenetv3.net",
  "efficientnet.net",
  "hrnet.net",
];
const DEFAULT_SEED = "sumac";

/** The package root: the nearest folder above this module holding package.json (works from source and from dist/). */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error("internal: cannot find the sumac package root (package.json) above models/zoo.ts");
    dir = up;
  }
}

export function zooDir(): string {
  return path.join(packageRoot(), "models", "zoo");
}

let zooCache: { docs: Map<string, NetDocument>; models: ZooModel[] } | null = null;
/** Zoo files parsed so far, by file name: a zoo model needs only the file that declares it. */
const parsedFiles = new Map<string, NetDocument>();

function zooFiles(): string[] {
  return fs
    .readdirSync(zooDir())
    .filter((f) => f.endsWith(".net"))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function parseZooFile(f: string, text?: string): NetDocument {
  let doc = parsedFiles.get(f);
  if (!doc) {
    doc = parseNet(text ?? fs.readFileSync(path.join(zooDir(), f), "utf8"), `models/zoo/${f}`);
    parsedFiles.set(f, doc);
  }
  return doc;
}

function zooInfo(m: NetModelInfo, f: string): ZooModel {
  return {
    name: m.name,
    dataset: m.dataset ?? "",
    variants: m.variants,
    description: m.description,
    file: `models/zoo/${f}`,
  };
}

function zoo(): { docs: Map<string, NetDocument>; models: ZooModel[] } {
  if (zooCache) return zooCache;
  const docs = new Map<string, NetDocument>();
  const models: ZooModel[] = [];
  for (const f of zooFiles()) {
    const doc = parseZooFile(f);
    for (const m of doc.models) {
      if (docs.has(m.name)) throw new Error(`internal: zoo model '${m.name}' is defined twice`);
      docs.set(m.name, doc);
      models.push(zooInfo(m, f));
    }
  }
  zooCache = { docs, models };
  return zooCache;
}

/**
 * A zoo model by name, parsing only the file whose text declares it (`model NAME =` at the start of a line, or
 * `network NAME` in a file without model declarations), which its parse then confirms; any other case, and an
 * unknown name, parses the whole zoo. Parsing one file instead of all of them is most of a small run's start-up.
 */
function zooModel(name: string): { doc: NetDocument; info: ZooModel } | null {
  if (!zooCache) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const declared = new RegExp(`^[ \\t]*model[ \\t]+${escaped}[ \\t]*=`, "m");
    const network = new RegExp(`^[ \\t]*network[ \\t]+${escaped}\\b`, "m");
    for (const f of zooFiles()) {
      const text = fs.readFileSync(path.join(zooDir(), f), "utf8");
      if (!declared.test(text) && !(network.test(text) && !/^[ \t]*model\b/m.test(text))) continue;
      const doc = parseZooFile(f, text);
      const m = doc.models.find((x) => x.name === name);
      if (m) return { doc, info: zooInfo(m, f) };
    }
  }
  const { docs, models } = zoo();
  const doc = docs.get(name);
  const info = models.find((m) => m.name === name);
  return doc && info ? { doc, info } : null;
}

function rank(f: string): number {
  const i = ZOO_ORDER.indexOf(f);
  return i < 0 ? ZOO_ORDER.length : i;
}

/** Every zoo model with its dataset, variants and a one-line description. */
export function listModels(): { name: string; dataset: string; variants: string[]; description: string }[] {
  return zoo().models.map((m) => ({
    name: m.name,
    dataset: m.dataset,
    variants: [...m.variants],
    description: m.description,
  }));
}

function readText(p: string, opts: LoadModelOptions): string {
  return new TextDecoder().decode(readUserFile(p, opts));
}

function readUserFile(p: string, opts: LoadModelOptions): Uint8Array {
  try {
    return opts.readFile(p);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new InputError(
      `${p}: cannot read the model file${code === "ENOENT" ? " (no such file)" : code ? ` (${code})` : ""}`,
    );
  }
}

function withWeights(g: Graph, opts: LoadModelOptions): Graph {
  if (opts.weights === "none") return g;
  return initGraphWeights(g, String(opts.seed ?? DEFAULT_SEED));
}

/** A `.net` file spec: `file.net`, `file.net:variant`, `file.net:model`, `file.net:model:variant`. */
function loadNetSpec(spec: string, opts: LoadModelOptions): Graph {
  const m = /^(.*?\.net)((?::[\w.-]+){0,2})$/i.exec(spec);
  if (!m) throw new InputError(`${spec}: expected file.net, file.net:variant or file.net:model:variant`);
  const file = m[1]!;
  const parts = m[2] ? m[2].slice(1).split(":") : [];
  const doc = parseNet(readText(file, opts), file);
  let model: string | undefined;
  let variant: string | undefined;
  if (parts.length === 2) [model, variant] = parts;
  else if (parts.length === 1) {
    const p = parts[0]!;
    if (doc.models.some((x) => x.name === p)) model = p;
    else variant = p;
  }
  const graph = elaborateNet(doc, { model, variant });
  verifyGraph(graph);
  return withWeights(graph, opts);
}

function loadOnnxSpec(file: string, opts: LoadModelOptions): Graph {
  const bytes = readUserFile(file, opts);
  const graph = loadOnnx(bytes, {
    path: file,
    readFile: (p) => {
      try {
        return opts.readFile(p);
      } catch {
        return null;
      }
    },
    weights: opts.weights ?? "file",
    seed: String(opts.seed ?? DEFAULT_SEED),
  });
  return graph;
}

/** Turns a model spec into a verified graph (shapes filled); InputError naming the model, variant or file otherwise. */
export function loadModel(spec: string, opts: LoadModelOptions): Graph {
  if (/\.onnx$/i.test(spec)) return loadOnnxSpec(spec, opts);
  if (/\.net(:|$)/i.test(spec)) return loadNetSpec(spec, opts);
  const [name = "", variant = DENSE, ...rest] = spec.split(":");
  const found = rest.length ? null : zooModel(name);
  if (!found)
    throw new InputError(
      `unknown model '${spec}' (models: ${zoo()
        .models.map((m) => m.name)
        .join(", ")}; or a .net / .onnx file)`,
    );
  const { doc, info } = found;
  if (!info.variants.includes(variant))
    throw new InputError(`model '${name}' has no variant '${variant}' (variants: ${info.variants.join(", ")})`);
  const graph = elaborateNet(doc, { model: name, variant });
  verifyGraph(graph);
  return withWeights(graph, opts);
}
