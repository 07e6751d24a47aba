// Pareto front of points that minimise two objectives.

/** Indices of the points no other point dominates (≤ in both objectives and < in one). */
export function paretoFront(points: readonly { readonly x: number; readonly y: number }[]): Set<number> {
  const order = points.map((_, i) => i).sort((a, b) => points[a]!.x - points[b]!.x || points[a]!.y - points[b]!.y);
  const front = new Set<number>();
  let bestY = Infinity;
  for (const i of order) {
    const p = points[i]!;
    if (p.y < bestY) {
      front.add(i);
      bestY = p.y;
    }
  }
  return front;
}
