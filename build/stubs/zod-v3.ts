// Stands in for zod/v3, which the SDK uses only to build an object from a shape of zod 3 schemas;
// every schema here is zod 4.
import { leftOut } from './left-out.js';

export function object(): never {
  throw leftOut('zod 3 (z3.object)');
}
