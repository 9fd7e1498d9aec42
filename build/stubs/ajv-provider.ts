// Stands in for @modelcontextprotocol/sdk's validation/ajv-provider.js. The SDK's Server constructs
// one eagerly but uses it only in Server.elicitInput(), which tensorpool-mcp never calls (it sends
// elicitation/create itself and reads the answer with zod). Keeps ajv and ajv-formats out.
import { leftOut } from './left-out.js';

export class AjvJsonSchemaValidator {
  getValidator(): never {
    throw leftOut('JSON Schema validation with ajv (Server.elicitInput)');
  }
}
