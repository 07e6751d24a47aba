// ONNX ModelProto → graph IR (DESIGN §4, frontend + the normalisations that belong to reading a file). This file
// walks the graph; ImportContext (context.ts) tracks what each tensor is; ops.ts maps each op to its translator:
//  - constant and shape-only subgraphs are folded (PyTorch's F.pad export, Q/DQ of initializers): ops-constants.ts,
//    ops-shape.ts, constfold.ts;
//  - PyTorch's option-A shortcut (Slice step 2 on H and W, then Pad or Concat of zero channels) → `shortcutA`:
//    shortcut-a.ts;
//  - Gemm / MatMul (+ Add bias) → `fc` (ops-linear.ts), Flatten / Reshape / Squeeze to a vector → `flatten`
//    (ops-shape.ts), Identity dropped;
//  - an already-decomposed structured conv (Pad → Unsqueeze → AveragePool 3D stride 1 → Mul by the window
//    volume → Squeeze → Conv) → `pad` + `sumpool` + `conv`: sumpool.ts;
//  - a Mul by a scalar constant rides along as a pending scale until a conv/fc (or BN) folds it into its
//    weights; if none does before an op that cannot carry it (Add of differently scaled maps, Q, the graph
//    output), that is an InputError naming the Mul. A per-channel Mul/Add right after a conv/fc is folded
//    into its weights/bias: pending-scale.ts;
//  - QDQ models: Q/DQ pairs on feature maps are removed and their scale/zero point recorded in graph.quant.
//    ONNX Runtime's quantiser drops a ReLU when the quantised range starts at 0 (zero point = qmin), because
//    the Q clamps; a `relu` node is put back there unless the map is already known non-negative: ops-qdq.ts.
// Anything else is an InputError naming the node and op: never a silent skip.
import { InputError } from "../../isa/errors.js";
import type { Graph } from "../ir.js";
import { Attrs } from "./attrs.js";
import { ImportContext } from "./context.js";
import { translatorFor } from "./ops.js";
import { decodeModel } from "./read.js";
import type { NodeProtoObj } from "./schema.js";

export { SUPPORTED_OPS } from "./ops.js";

export interface ImportOptions {
  /** The model file (named in errors; external data is resolved relative to it). */
  readonly path: string;
  readonly readFile: (path: string) => Uint8Array | null;
  /** "none": do not read external data files at all (shapes only). */
  readonly skipExternal?: boolean;
}

export interface ImportResult {
  readonly graph: Graph;
  /** External data files referenced by the model but absent (or skipped). */
  readonly missingData: readonly string[];
}

function baseName(path: string): string {
  const file = path.split(/[/\\]/).pop() ?? path;
  return file.replace(/\.onnx$/i, "");
}

function translate(cx: ImportContext, n: NodeProtoObj, index: number): void {
  cx.enter(n, index);
  const op = n.opType ?? "";
  if (n.domain && n.domain !== "ai.onnx") cx.fail(`op domain '${n.domain}' is not supported`);
  const translator = translatorFor(op);
  if (!translator)
    throw new InputError(
      `${cx.path}: node '${n.name || `#${index}`}' has op type '${op}', which sumac does not support`,
    );
  cx.setValue(cx.outName(0), translator(cx, new Attrs(n, cx.where)));
}

/** Reads an ONNX model into the graph IR (weights may be null when external data is absent or skipped). */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions): ImportResult {
  const { graph: g, opset } = decodeModel(bytes, opts.path);
  const imp = new ImportContext(opts.path, opts.readFile, opts.skipExternal ?? false, opset);
  const outputs = (g.output ?? []).map((o) => o.name ?? "");
  if (outputs.length !== 1)
    throw new InputError(`${opts.path}: the graph has ${outputs.length} outputs; sumac reads single-output models`);
  imp.countUses(g.node ?? [], outputs);
  for (const t of g.initializer ?? []) imp.addInitializer(t);
  const inputs = (g.input ?? []).filter((i) => !imp.values.has(i.name ?? ""));
  if (inputs.length !== 1)
    throw new InputError(
      `${opts.path}: the graph has ${inputs.length} non-constant inputs; sumac reads single-input models`,
    );
  const input = imp.addInput(inputs[0]!);
  (g.node ?? []).forEach((n, i) => translate(imp, n, i));
  const { output } = imp.finish(outputs[0]!);
  const graph: Graph = {
    name: baseName(opts.path),
    input: { name: input.ir, shape: input.shape },
    output,
    nodes: imp.nodes,
    shapes: imp.shapes,
    ...(imp.quant.size ? { quant: imp.quant } : {}),
    randomWeights: false,
  };
  return { graph, missingData: imp.missing };
}
