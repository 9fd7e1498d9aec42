import { z } from 'zod';
import { ToolError } from '../errors.js';

/**
 * Tool arguments are strict: a misspelled name (`nodes` for `num_nodes`) would otherwise be dropped
 * without a word, and the call would run with the default the model did not ask for.
 */

/** Lowercase with separators removed, so `numNodes`, `num-nodes` and `NUM_NODES` compare equal. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Optimal string alignment distance: Levenshtein plus the swap of two neighbours (`nmae`). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The real parameters an unknown name most likely meant, best first; empty when none is close.
 * Same name in another spelling beats a name that contains it as whole words (`nodes` in
 * `num_nodes`, `public_key` in `ssh_public_key`), which beats a near spelling (`num_ndoes`), which
 * beats a shared word (`gpu_type` and `instance_type`).
 */
export function closestParameters(unknown: string, known: readonly string[]): string[] {
  const target = squash(unknown);
  if (!target) return [];
  const same = known.filter((name) => squash(name) === target);
  if (same.length > 0) return same;

  const unknownWords = words(unknown);
  const containing = known.filter((name) => {
    const nameWords = words(name);
    // every word of the unknown name, in order, as a run of the real name's words (or the other way round)
    const runOf = (whole: string[], part: string[]) =>
      part.length > 0 && whole.some((_, start) => part.every((word, k) => whole[start + k] === word));
    return runOf(nameWords, unknownWords) || runOf(unknownWords, nameWords);
  });
  if (containing.length > 0) return containing;

  const limit = Math.max(1, Math.floor(target.length / 3));
  const scored = known
    .map((name) => ({ name, distance: editDistance(target, squash(name)) }))
    .filter((entry) => entry.distance <= limit)
    .sort((a, b) => a.distance - b.distance);
  if (scored.length > 0)
    return scored.filter((entry) => entry.distance === scored[0]!.distance).map((entry) => entry.name);

  // last resort: a shared word that says something (`gpu_type` → `instance_type`, `node_count` → `num_nodes`)
  const telling = unknownWords.filter((word) => word.length >= 3).map((word) => word.replace(/s$/, ''));
  return known.filter((name) => words(name).some((word) => telling.includes(word.replace(/s$/, ''))));
}

/** What the model reads when it passed arguments the tool does not have. */
export function unknownArgumentsMessage(
  toolName: string,
  unknown: readonly string[],
  known: readonly string[],
): string {
  const named = unknown.map((name) => {
    const suggestions = closestParameters(name, known);
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?)` : '';
    return `"${name}"${hint}`;
  });
  const takes = known.length > 0 ? `${toolName} takes: ${known.join(', ')}.` : `${toolName} takes no arguments.`;
  return `Unknown argument${unknown.length > 1 ? 's' : ''} ${named.join(', ')}. ${takes} Nothing was run.`;
}

/**
 * A schema as a list shows it (the view's app-only tools), without the `$schema` keyword that zod adds
 * to every schema: 52 bytes a tool, on a list every session sends the model. Nothing is lost:
 * MCP reads a schema without `$schema` as JSON Schema 2020-12, and what our schemas use (type,
 * properties, required, additionalProperties, pattern, lengths, items, enum, default) means the same
 * there as in draft-07. (zod writes metadata over its own keys, and an undefined value is not sent.)
 */
function withoutDialect<Schema extends z.ZodType>(schema: Schema): Schema {
  return schema.meta({ $schema: undefined }) as Schema;
}

/**
 * The object schema a tool's arguments are parsed with (parseArguments below), strict
 * (`additionalProperties: false`). An unknown key fails the call, naming the key and the real
 * parameter it most likely meant; every other issue keeps its own message.
 */
export function strictInput<Shape extends z.ZodRawShape>(toolName: string, shape: Shape): z.ZodObject<Shape> {
  // built once per tool, not once per session
  const cached = built.get(shape);
  if (cached?.toolName === toolName) return cached.schema as z.ZodObject<Shape>;
  const known = Object.keys(shape);
  const schema = withoutDialect(
    z.strictObject(shape, {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? unknownArgumentsMessage(toolName, issue.keys, known) : undefined,
    }),
  );
  built.set(shape, { toolName, schema });
  return schema;
}

const built = new WeakMap<z.ZodRawShape, { toolName: string; schema: z.ZodObject }>();

/**
 * A call's arguments, parsed against its tool's strict schema (defaults filled in); anything wrong throws a
 * ToolError that names each field and its rule, and nothing has run.
 */
export function parseArguments<Shape extends z.ZodRawShape>(
  toolName: string,
  shape: Shape,
  raw: unknown,
): z.infer<z.ZodObject<Shape>> {
  const parsed = strictInput(toolName, shape).safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  throw new ToolError(`Invalid arguments for ${toolName}: ${issues.join('; ')}`);
}
