// A stable text dump of the layer list (for --dump-after normalise/structure/calibrate/quantise): one line per
// layer with shapes, parameters, fused clamp, structure, and for int8 programs the scales and integer parameters.

import type { Shape } from "../models/ir.js";
import type { AnyLayer, Clamp, FrontProgram, Rescale } from "./layers.js";

const fmt = (s: Shape | undefined): string => (s ? `[${s.join(",")}]` : "[?]");
const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(6));

function clampText(c: Clamp): string {
  if (c.lo === -Infinity && c.hi === Infinity) return "";
  if (c.lo === 0 && c.hi === Infinity) return " relu";
  return ` clamp=${num(c.lo)}..${num(c.hi)}`;
}

function range(a: Int32Array): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo === hi ? String(lo) : `${lo}..${hi}`;
}

function attrs(l: AnyLayer): string {
  switch (l.kind) {
    case "conv": {
      const p = [`k=${l.kh}x${l.kw}`, `s=${l.stride}`, `p=${l.pads.join(",")}`];
      if (l.dilation !== 1) p.push(`d=${l.dilation}`);
      if (l.groups !== 1) p.push(`g=${l.groups}`);
      if (l.structured)
        p.push(`struct(c=${l.structured.c},n=${l.structured.n},res=${l.structured.residual.toExponential(2)})`);
      return p.join(" ");
    }
    case "fc":
      return `P=${l.P} Q=${l.Q}${l.structured ? ` struct(R=${l.structured.R},res=${l.structured.residual.toExponential(2)})` : ""}`;
    case "add":
      return l.shortcut ? `shortcutA(s=${l.shortcut.stride},before=${l.shortcut.before})` : "";
    case "maxpool":
    case "avgpool":
      return `k=${l.k} s=${l.stride} p=${l.pad}`;
    case "gap":
      return "";
    case "sumpool":
      return `win=${l.kc}x${l.kh}x${l.kw} d=${l.dilation} p=${l.pads.join(",")}`;
    case "act":
      return l.fn === "hardsigmoid" ? `${l.fn}(alpha=${num(l.alpha)},beta=${num(l.beta)})` : l.fn;
    case "mul":
      return l.broadcast ? "broadcast" : "";
    case "concat":
      return "";
    case "resize":
      return `${l.mode} x${l.scaleH}x${l.scaleW}${l.mode === "bilinear" ? ` ${l.coord}` : ""}`;
  }
}

const rescale = (q: Rescale | undefined): string =>
  q ? ` q{mult=${q.mult} shift=${q.shift} out=${q.lo}..${q.hi}}` : "";

function quant(l: AnyLayer): string {
  switch (l.kind) {
    case "conv":
    case "fc": {
      if (!l.q) return "";
      const r = l.q.requant;
      const e = l.q.eBits !== undefined ? ` E=${l.q.eBits}b>>${l.q.eShift}` : "";
      return ` q{mult=${range(r.mult)} shift=${range(r.shift)} bias=${range(r.bias)} out=${r.lo}..${r.hi}${e}}`;
    }
    case "add":
      return l.q ? ` q{ma=${l.q.ma} mb=${l.q.mb} shift=${l.q.shift} out=${l.q.lo}..${l.q.hi}}` : "";
    case "maxpool":
    case "avgpool":
    case "gap":
      return l.q ? ` q{mult=${l.q.mult} shift=${l.q.shift} out=${l.q.lo}..${l.q.hi}}` : "";
    case "sumpool":
      return l.q ? ` q{E=${l.q.eBits}b>>${l.q.eShift}}` : "";
    case "act":
      return l.q ? ` q{lut=${range(l.q.lut)}}` : "";
    case "mul":
    case "resize":
      return rescale(l.q);
    case "concat":
      return "";
  }
}

export function printLayers(lp: FrontProgram): string {
  const scale = (t: string): string => (lp.dtype === "int8" ? `@${num(lp.scales.get(t) ?? NaN)}` : "");
  const lines = [
    `layers ${lp.model} mode=${lp.mode} dtype=${lp.dtype}  input ${lp.input.name}${fmt(lp.input.shape)}${scale(lp.input.name)}  output ${lp.output}`,
  ];
  for (const l of lp.layers) {
    const ins = l.inputs.map((t) => `${t}${fmt(lp.shapes.get(t))}${scale(t)}`).join(" + ");
    const a = attrs(l);
    lines.push(
      `  ${l.name}: ${l.kind} ${ins} -> ${l.output}${fmt(l.outShape)}${scale(l.output)}${a ? ` ${a}` : ""}${clampText(l.clamp)}${quant(l)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
