// The variables the TensorPool API key is read from, named here once. A leaf: tp/, errors.ts and the
// client snippets import it, so it imports nothing.

export type Env = Record<string, string | undefined>;

/** The variable users are told to set (client snippets, hints, doctor). */
export const API_KEY_VARIABLE = 'TENSORPOOL_API_KEY';
/** The variable tp itself reads, first: the server hands tp the key under this name. */
export const TP_KEY_VARIABLE = 'TENSORPOOL_KEY';
/** Both, in the order they win. */
export const KEY_VARIABLES: readonly string[] = [TP_KEY_VARIABLE, API_KEY_VARIABLE];

/** The API key the server will hand to `tp`, if any; `TENSORPOOL_KEY` wins as it does in `tp`. */
export function apiKeyFrom(env: Env): string | undefined {
  const key = env[TP_KEY_VARIABLE]?.trim() || env[API_KEY_VARIABLE]?.trim();
  return key || undefined;
}

/** Which variable the key in force came from, for a message that names it; undefined without a key. */
export function keyVariableInForce(env: Env): string | undefined {
  if (env[TP_KEY_VARIABLE]?.trim()) return TP_KEY_VARIABLE;
  return env[API_KEY_VARIABLE]?.trim() ? API_KEY_VARIABLE : undefined;
}

/**
 * A warning when both key variables are set and differ: TENSORPOOL_KEY is used (as tp itself does), and
 * a stale one left in the shell would otherwise make every call fail while hints name the other.
 */
export function keyVariableConflict(env: Env): string | undefined {
  const key = env[TP_KEY_VARIABLE]?.trim();
  const apiKey = env[API_KEY_VARIABLE]?.trim();
  if (!key || !apiKey || key === apiKey) return undefined;
  return (
    `${TP_KEY_VARIABLE} and ${API_KEY_VARIABLE} are both set and differ: ${TP_KEY_VARIABLE} is used (tp reads ` +
    `it first); unset the one that is stale`
  );
}

/** `env` without the key variables: for a server whose callers bring their own key (--auth tensorpool-key). */
export function withoutKey(env: Env): Env {
  return { ...env, [TP_KEY_VARIABLE]: undefined, [API_KEY_VARIABLE]: undefined };
}
