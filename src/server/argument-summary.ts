/**
 * A call's arguments in words, for the approval question and the operation list. Key material is
 * never repeated: a private key pasted by mistake must not travel further than the refusal.
 */

/** Fields that hold key material; never shown. */
const KEY_FIELDS = new Set(['ssh_public_key', 'public_key']);

function shown(args: Record<string, unknown>, hidden: readonly string[]): [string, unknown][] {
  return Object.entries(args).filter(
    ([name, value]) => value !== undefined && !KEY_FIELDS.has(name) && !hidden.includes(name),
  );
}

const MAX_SUMMARY = 200;

/** One short line for operation_list, e.g. `instance_type=1xH100 wait=true`; job commands are left out for length. */
export function summarizeArguments(args: Record<string, unknown>): string {
  const text = shown(args, ['commands'])
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}...` : text;
}

/** One line per argument, for the person asked to approve the call; `confirm` is the question itself. */
export function describeArguments(args: Record<string, unknown>): string {
  return shown(args, ['confirm'])
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('\n');
}
