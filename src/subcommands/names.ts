// Loaded on every start: names only. The subcommands' code is imported when one is asked for.
export const SUBCOMMANDS: readonly string[] = ['doctor', 'config'];

export const SUBCOMMANDS_HELP = `
Commands:
  doctor [flags]                  check this machine's set-up (node, tp, API key, directories) and print client configs
  config --client NAME [--write]  print (or merge into the client's file) the config for claude-desktop, claude-code,
                                  cursor, vscode, windsurf or codex
Run \`tensorpool-mcp doctor --help\` or \`tensorpool-mcp config --help\` for their flags.
`;
