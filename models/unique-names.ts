// Layer names must be unique within a graph (they key weights, reports and --struct rules); both frontends use this.

/** Hands out unique names: a taken name gets `_1`, `_2`, … */
export class NameTable {
  private readonly taken = new Set<string>();
  unique(name: string): string {
    let n = name;
    for (let i = 1; this.taken.has(n); i++) n = `${name}_${i}`;
    this.taken.add(n);
    return n;
  }
}
