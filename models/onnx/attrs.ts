// Typed access to a NodeProto's attributes, with errors that name the node.
import { InputError } from "../../isa/errors.js";
import type { AttributeProtoObj, NodeProtoObj, TensorProtoObj } from "./schema.js";

export class Attrs {
  private readonly byName: Map<string, AttributeProtoObj>;
  constructor(
    private readonly node: NodeProtoObj,
    private readonly where: string,
  ) {
    this.byName = new Map((node.attribute ?? []).map((a) => [a.name ?? "", a]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a?.i !== undefined ? Number(a.i) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a?.f !== undefined ? a.f : fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.byName.get(name);
    return a ? (a.ints ?? []).map(Number) : undefined;
  }

  floats(name: string): number[] | undefined {
    const a = this.byName.get(name);
    return a ? (a.floats ?? []) : undefined;
  }

  string(name: string, fallback: string): string {
    const a = this.byName.get(name);
    return a?.s !== undefined ? new TextDecoder().decode(a.s) : fallback;
  }

  tensor(name: string): TensorProtoObj | undefined {
    return this.byName.get(name)?.t;
  }

  /** Errors on attributes that the frontend does not implement (rather than silently ignoring them). */
  reject(name: string, isDefault: (a: AttributeProtoObj) => boolean): void {
    const a = this.byName.get(name);
    if (a && !isDefault(a))
      throw new InputError(`${this.where}: attribute '${name}' of ${this.node.opType} is not supported`);
  }
}
