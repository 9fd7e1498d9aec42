// Stands in for zod-to-json-schema, which the SDK calls only for zod 3 schemas; every schema here is zod 4.
import { leftOut } from './left-out.js';

export function zodToJsonSchema(): never {
  throw leftOut('zod-to-json-schema (JSON Schema for zod 3 schemas)');
}
