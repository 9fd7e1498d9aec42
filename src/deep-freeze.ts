/**
 * Freezes `value` and everything it reaches, for objects shared by every session (the Config, the
 * cached tools/list): none of them may change it for the others. Returns `value` itself.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
