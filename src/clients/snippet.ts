import { stringify as toToml } from 'smol-toml';
import type { Client } from './clients.js';
import { SERVER_KEY, VSCODE_KEY_INPUT, type ServerLaunch } from './launch.js';

/** What goes under the client's server list for this server. */
export function serverEntry(client: Client, launch: ServerLaunch): Record<string, unknown> {
  const entry = { command: launch.command, args: launch.args, env: launch.env };
  return client.shape === 'vscode' ? { type: 'stdio', ...entry } : entry;
}

export const VSCODE_KEY_PROMPT = {
  type: 'promptString',
  id: VSCODE_KEY_INPUT,
  description: 'TensorPool API key (from https://tensorpool.dev/dashboard)',
  password: true,
} as const;

/** The whole snippet as the client's file would hold it, ready to paste. */
export function snippetText(client: Client, launch: ServerLaunch): string {
  const entry = serverEntry(client, launch);
  switch (client.shape) {
    case 'mcpServers':
      return JSON.stringify({ mcpServers: { [SERVER_KEY]: entry } }, null, 2);
    case 'vscode':
      return JSON.stringify({ inputs: [VSCODE_KEY_PROMPT], servers: { [SERVER_KEY]: entry } }, null, 2);
    case 'codex-toml':
      return tomlSection(launch);
  }
}

/** `[mcp_servers.tensorpool]` with its env as an inline table, as Codex documents it. */
export function tomlSection(launch: ServerLaunch): string {
  const body = toToml({ command: launch.command, args: launch.args });
  const env = Object.entries(launch.env)
    .map(([name, value]) => `${name} = ${JSON.stringify(value)}`)
    .join(', ');
  return `[mcp_servers.${SERVER_KEY}]\n${body.trim()}\nenv = { ${env} }`;
}
