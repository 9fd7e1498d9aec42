// Loaded on every start: names only. The subcommands' code is imported when one is asked for.
export const SUBCOMMANDS: readonly string[] = ['doctor', 'config'];

export const SUBCOMMANDS_HELP = `
Commands:
  doctor [flags]                  check this machine's set-up (node, tp, API key, directories) and print client configs
  config --client NAME [--write]  print (or merge into the client's file) the config for claude-desktop, claude-code,
                                  cursor, vscode, windsurf or codex
Run \`tensorpool-mcp doctor --help\` or \`tensorpool-mcp config --help\` for their flags.
`;

/**
 * For a first argument that is a word but no subcommand (`doctr`): the subcommand it was probably
 * meant to be, within two edits, or undefined. The server takes no arguments, so any word is a mistake.
 */
export function mistypedSubcommand(word: string | undefined): string | undefined {
  if (word === undefined || word.startsWith('-') || SUBCOMMANDS.includes(word)) return undefined;
  const scored = SUBCOMMANDS.map((name) => ({ name, distance: editDistance(word.toLowerCase(), name) })).sort(
    (a, b) => a.distance - b.distance,
  );
  return scored[0] && scored[0].distance <= 2 ? scored[0].name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
