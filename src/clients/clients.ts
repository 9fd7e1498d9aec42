import { posix, win32 } from 'node:path';
import type { Machine } from './machine.js';

export const CLIENT_IDS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'codex'] as const;
type ClientId = (typeof CLIENT_IDS)[number];

/** How a client's file holds MCP servers. */
type ConfigShape = 'mcpServers' | 'vscode' | 'codex-toml';

export interface Client {
  id: ClientId;
  name: string;
  shape: ConfigShape;
  /**
   * Started from the Dock, Start menu or a desktop launcher without the login shell's PATH (nvm,
   * Homebrew, pipx): the snippet names node, npx and tp by absolute path.
   */
  lacksShellPath: boolean;
  /** The file `config --write` merges into; `cwd` for clients whose file lives in the project. */
  configPath(machine: Machine, cwd: string): string;
  /** What the file is, for people reading the doctor's report. */
  where: string;
}

function pathFor(machine: Machine) {
  return machine.platform === 'win32' ? win32 : posix;
}

/** %APPDATA% on Windows, ~/Library/Application Support on macOS, $XDG_CONFIG_HOME or ~/.config elsewhere. */
function appConfigDir(machine: Machine): string {
  const path = pathFor(machine);
  if (machine.platform === 'win32') return machine.env.APPDATA ?? path.join(machine.home, 'AppData', 'Roaming');
  if (machine.platform === 'darwin') return path.join(machine.home, 'Library', 'Application Support');
  return machine.env.XDG_CONFIG_HOME || path.join(machine.home, '.config');
}

export const CLIENTS: readonly Client[] = [
  {
    id: 'claude-desktop',
    name: 'Claude Desktop',
    shape: 'mcpServers',
    lacksShellPath: true,
    configPath: (machine) => pathFor(machine).join(appConfigDir(machine), 'Claude', 'claude_desktop_config.json'),
    where: 'the app’s configuration (Settings → Developer → Edit Config)',
  },
  {
    id: 'claude-code',
    name: 'Claude Code',
    shape: 'mcpServers',
    lacksShellPath: false,
    // project scope: checked in and shared; `claude mcp add --scope user` is the per-user alternative
    configPath: (machine, cwd) => pathFor(machine).join(cwd, '.mcp.json'),
    where: 'the project’s .mcp.json',
  },
  {
    id: 'cursor',
    name: 'Cursor',
    shape: 'mcpServers',
    lacksShellPath: true,
    configPath: (machine) => pathFor(machine).join(machine.home, '.cursor', 'mcp.json'),
    where: 'the global ~/.cursor/mcp.json',
  },
  {
    id: 'vscode',
    name: 'VS Code',
    shape: 'vscode',
    lacksShellPath: true,
    configPath: (machine) => pathFor(machine).join(appConfigDir(machine), 'Code', 'User', 'mcp.json'),
    where: 'the user profile’s mcp.json (MCP: Open User Configuration)',
  },
  {
    id: 'windsurf',
    name: 'Windsurf',
    shape: 'mcpServers',
    lacksShellPath: true,
    configPath: (machine) => pathFor(machine).join(machine.home, '.codeium', 'windsurf', 'mcp_config.json'),
    where: '~/.codeium/windsurf/mcp_config.json',
  },
  {
    id: 'codex',
    name: 'Codex',
    shape: 'codex-toml',
    lacksShellPath: false,
    configPath: (machine) =>
      pathFor(machine).join(machine.env.CODEX_HOME || pathFor(machine).join(machine.home, '.codex'), 'config.toml'),
    where: '~/.codex/config.toml',
  },
];

export function clientById(id: string): Client {
  const client = CLIENTS.find((candidate) => candidate.id === id);
  if (!client) throw new Error(`--client ${id}: not a supported client; use one of ${CLIENT_IDS.join(', ')}`);
  return client;
}
