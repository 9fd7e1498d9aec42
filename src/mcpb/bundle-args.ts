/** Flags that take no value: the bundle passes "true" or "false" after them. */
const SWITCHES = new Set(['--read-only', '--no-confirm-creates', '--dry-run', '--allow-secrets']);
/** Flags the manifest writes alone, with no setting behind them. */
const STANDALONE = new Set(['--stdio']);

/**
 * Turns the arguments an MCP bundle host builds from manifest.json into tensorpool-mcp's flags.
 * The host substitutes each `${user_config.x}`: an unset optional value stays as that literal text,
 * an empty one is "", a boolean is "true"/"false", and a list (allowed directories) expands into
 * several arguments after its flag. So: a flag without a usable value is left out, a switch is kept
 * only when "true", and a flag followed by several values is repeated for each.
 */
export function bundleArgsToFlags(args: readonly string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < args.length; ) {
    const flag = args[i]!;
    let next = i + 1;
    while (next < args.length && !args[next]!.startsWith('--')) next++;
    const values = args
      .slice(i + 1, next)
      .filter((value) => value.trim() !== '' && !/^\$\{user_config\.[^}]*\}$/.test(value));
    i = next;
    if (!flag.startsWith('--')) continue;
    if (SWITCHES.has(flag)) {
      if (values[0] === 'true') flags.push(flag);
    } else if (STANDALONE.has(flag)) {
      flags.push(flag);
    } else {
      for (const value of values) flags.push(flag, value);
    }
  }
  return flags;
}
