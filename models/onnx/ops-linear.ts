// The weighted layers: Conv → `conv`; Gemm and MatMul (a feature vector times a constant matrix) → `fc`. Each folds
// the input's pending scale into its weights.
import type { Attrs } from "./attrs.js";
import { broadcast, makeConst, transpose } from "./constfold.js";
import type { ImportContext } from "./context.js";
import { layerName } from "./naming.js";
import { view } from "./ops-shape.js";
import { EPS_SCALE, scaledCopy } from "./pending-scale.js";
import { DataType } from "./schema.js";
import { elementCount } from "./tensors.js";
import type { DynValue, Value } from "./values.js";
import { pads4, window2 } from "./windows.js";

export function opConv(cx: ImportContext, a: Attrs): Value {
  const x = cx.map(0);
  if (x.shape.length !== 3)
    cx.fail(`input [${x.shape.join(",")}] is not a [C,H,W] feature map (only 2D convolution is supported)`);
  const w = cx.constIn(1, "weight");
  const b = cx.optConst(2, "bias");
  if (w.dims.length !== 4) cx.fail(`weight dims [${w.dims.join(",")}] are not [Cout, Cin/groups, kh, kw]`);
  const [cout, cpg, kh, kw] = w.dims as [number, number, number, number];
  const groups = a.int("group", 1);
  const cin = x.shape[0]!;
  if (cpg * groups !== cin)
    cx.fail(`weight expects ${cpg * groups} input channels (group ${groups}), the input has ${cin}`);
  const stride = window2(cx, a, "strides", 1);
  const dilation = window2(cx, a, "dilations", 1);
  const ks = a.ints("kernel_shape");
  if (ks && (ks[0] !== kh || ks[1] !== kw)) cx.fail(`kernel_shape [${ks.join(",")}] does not match the weight`);
  const pads = pads4(cx, a, x.shape[1]!, x.shape[2]!, kh, kw, stride, dilation);
  const H = Math.floor((x.shape[1]! + pads[0] + pads[2] - dilation * (kh - 1) - 1) / stride) + 1;
  const W = Math.floor((x.shape[2]! + pads[1] + pads[3] - dilation * (kw - 1) - 1) / stride) + 1;
  if (H < 1 || W < 1) cx.fail(`output would be empty for input [${x.shape.join(",")}]`);
  if (b && elementCount(b.dims) !== cout) cx.fail(`bias has ${elementCount(b.dims)} values, expected ${cout}`);
  const name = layerName(cx.node.name ?? "", cx.node.input?.[1] ?? "", `conv${cx.nodes.length}`);
  return cx.emit(
    {
      op: "conv",
      name,
      inputs: [x.ir],
      output: cx.outName(),
      cin,
      cout,
      kh,
      kw,
      stride,
      pads,
      dilation,
      groups,
      weight: scaledCopy(w, x.scale),
      // A bias whose values are in an absent data file is still a bias (counted as one add per output): zeros stand
      // in, like the seeded weights of --weights random.
      bias: b ? (scaledCopy(b, 1) ?? new Float32Array(cout)) : null,
    },
    [cout, H, W],
    false,
  );
}

/** An `fc` over `x` (flattened first if it is a map) with a [P, Q] weight that this call may scale in place. */
function fc(
  cx: ImportContext,
  x: DynValue,
  weightPQ: Float32Array | null,
  P: number,
  Q: number,
  bias: Float32Array | null,
  weightName: string,
): DynValue {
  const v = x.shape.length === 1 ? x : view(cx, x, [elementCount(x.shape)]);
  if (v.shape[0] !== Q) cx.fail(`weight expects ${Q} input features, the input has ${v.shape[0]}`);
  if (weightPQ && Math.abs(v.scale - 1) > EPS_SCALE)
    for (let i = 0; i < weightPQ.length; i++) weightPQ[i] = weightPQ[i]! * v.scale;
  const name = layerName(cx.node.name ?? "", weightName, `fc${cx.nodes.length}`);
  return cx.emit({ op: "fc", name, inputs: [v.ir], output: cx.outName(), P, Q, weight: weightPQ, bias }, [P], false);
}

export function opGemm(cx: ImportContext, a: Attrs): Value {
  const x = cx.map(0);
  if (a.int("transA", 0) !== 0) cx.fail("transA = 1 is not supported");
  const w = cx.constIn(1, "weight");
  if (w.dims.length !== 2) cx.fail(`weight dims [${w.dims.join(",")}] are not 2D`);
  const transB = a.int("transB", 0) === 1;
  const wt = transB ? w : w.data ? transpose(w) : { ...w, dims: [w.dims[1]!, w.dims[0]!] };
  const [P, Q] = wt.dims as [number, number];
  const alpha = a.float("alpha", 1);
  const beta = a.float("beta", 1);
  const c = cx.optConst(2, "bias");
  let bias: Float32Array | null = null;
  if (c?.data) {
    const bc = broadcast(makeConst([P], DataType.FLOAT, new Float32Array(P)), c, (_z, v) => v * beta);
    if (elementCount(bc.dims) !== P) cx.fail(`bias dims [${c.dims.join(",")}] do not broadcast to [${P}]`);
    bias = Float32Array.from(bc.data!);
  } else if (c) bias = new Float32Array(P); // values in an absent data file: still a bias (see opConv)
  return fc(cx, x, scaledCopy(wt, alpha), P, Q, bias, cx.node.input?.[1] ?? "");
}

export function opMatMul(cx: ImportContext): Value {
  const x = cx.map(0);
  const w = cx.constIn(1, "weight");
  if (w.dims.length !== 2) cx.fail("only a feature vector times a 2D constant matrix is supported");
  const [Q, P] = w.dims as [number, number];
  const wt = w.data ? Float32Array.from(transpose(w).data!) : null;
  return fc(cx, x, wt, P, Q, null, cx.node.input?.[1] ?? "");
}
