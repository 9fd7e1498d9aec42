/**
 * An argv as a POSIX shell command line, quoting only the words that need it, so that a printed command
 * (a dry run, a `claude mcp add` line) can be pasted into a shell and runs that same argv.
 */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}
