// Readable, stable layer names for conv/fc nodes: the PyTorch module path when the exporter put it in the node name
// (`/layers/layers.0/conv1/Conv` → `layers.0.conv1`), else the weight initializer's name (`fc.weight` → `fc`).

/** PyTorch's exporter names nodes by scope: each segment is a child name, often already qualified by its parent. */
export function modulePathOf(nodeName: string): string | null {
  if (!nodeName.startsWith("/")) return null;
  const segments = nodeName.split("/").filter((s) => s.length > 0);
  segments.pop(); // the op itself, e.g. "Conv" or "Gemm_1"
  if (segments.length === 0) return null;
  let path = "";
  for (const s of segments) path = path === "" ? s : s.startsWith(`${path}.`) ? s : `${path}.${s}`;
  return path;
}

export function layerName(nodeName: string, weightName: string, fallback: string): string {
  const fromScope = modulePathOf(nodeName);
  if (fromScope) return fromScope;
  if (/^[A-Za-z_][\w.]*\.weight$/.test(weightName)) return weightName.slice(0, -".weight".length);
  return nodeName || fallback;
}
