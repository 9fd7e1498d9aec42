import type { z } from 'zod';

/**
 * A schema as tools/list shows it, without the `$schema` keyword that zod adds to every input and
 * output schema: 52 bytes, twice per tool, on a list every session sends the model. Nothing is lost:
 * MCP reads a schema without `$schema` as JSON Schema 2020-12, and what our schemas use (type,
 * properties, required, additionalProperties, pattern, lengths, items, enum, default) means the same
 * there as in draft-07. (zod writes metadata over its own keys, and an undefined value is not sent.)
 */
export function withoutDialect<Schema extends z.ZodType>(schema: Schema): Schema {
  return schema.meta({ $schema: undefined }) as Schema;
}
