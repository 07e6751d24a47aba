// A small JSON Schema checker for the subset docs/report.schema.json uses: type (incl. unions), required,
// properties, additionalProperties (schema), items, enum, minimum. Returns the list of violations.
type Schema = {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

export function checkSchema(schema: Schema, v: unknown, path = "$", errors: string[] = []): string[] {
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const t = typeOf(v);
    const ok = types.some((want) => want === t || (want === "integer" && t === "number" && Number.isInteger(v)));
    if (!ok) {
      errors.push(`${path}: expected ${types.join("|")}, got ${t}`);
      return errors;
    }
  }
  if (schema.enum && !schema.enum.includes(v))
    errors.push(`${path}: ${JSON.stringify(v)} not in ${JSON.stringify(schema.enum)}`);
  if (schema.minimum !== undefined && typeof v === "number" && v < schema.minimum)
    errors.push(`${path}: ${v} < ${schema.minimum}`);
  if (typeOf(v) === "object") {
    const o = v as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in o)) errors.push(`${path}: missing '${k}'`);
    for (const [k, val] of Object.entries(o)) {
      const sub = schema.properties?.[k];
      if (sub) checkSchema(sub, val, `${path}.${k}`, errors);
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected '${k}'`);
      else if (typeof schema.additionalProperties === "object")
        checkSchema(schema.additionalProperties, val, `${path}.${k}`, errors);
    }
  }
  if (typeOf(v) === "array" && schema.items)
    (v as unknown[]).forEach((x, i) => checkSchema(schema.items!, x, `${path}[${i}]`, errors));
  return errors;
}
