import { z } from 'zod';
import { tpOutputSchema } from '../registry/results.js';
import { withoutDialect } from '../registry/schema-dialect.js';
import type { ToolDefinition } from '../registry/tool.js';
import { PARSED_FIELDS, type ParsedField } from './ids.js';

const FIELD_SCHEMAS: Record<ParsedField, z.ZodType> = {
  cluster_id: z.string(),
  storage_id: z.string(),
  job_id: z.string(),
  key_id: z.string(),
  status: z.string(),
  instance_ids: z.array(z.string()),
  request_ids: z.array(z.string()),
  cluster_ids: z.array(z.string()),
  storage_ids: z.array(z.string()),
  job_ids: z.array(z.string()),
  key_ids: z.array(z.string()),
};

const cache = new WeakMap<ToolDefinition, z.ZodType>();

/**
 * The output schema a tool is listed and checked with. A tp tool's is the one compact run schema
 * (registry/results.ts) plus the optional fields its text may yield (ids.ts), open to the run's
 * other fields, which the server instructions describe once instead of 28 times.
 */
export function outputSchemaFor(tool: ToolDefinition): z.ZodType {
  let schema = cache.get(tool);
  if (!schema) {
    if (tool.outputSchema === tpOutputSchema) {
      const parsed = Object.fromEntries((PARSED_FIELDS[tool.name] ?? []).map((field) => [field, FIELD_SCHEMAS[field].optional()]));
      schema = withoutDialect(z.looseObject({ ...tpOutputSchema, ...parsed }));
    } else {
      schema = withoutDialect(z.object(tool.outputSchema));
    }
    cache.set(tool, schema);
  }
  return schema;
}
