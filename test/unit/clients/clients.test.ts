import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { CLIENTS, clientById } from '../../../src/clients/clients.js';
import { claudeMcpAddCommand, KEY_PLACEHOLDER, launchFor } from '../../../src/clients/launch.js';
import type { Machine } from '../../../src/clients/machine.js';
import { mergeConfig } from '../../../src/clients/merge.js';
import { ConfigFileError } from '../../../src/errors.js';
import { snippetText } from '../../../src/clients/snippet.js';

const mac: Machine & { toString(): string } = {
  toString: () => 'macOS',
  platform: 'darwin',
  home: '/Users/ada',
  env: {},
  nodePath: '/Users/ada/.nvm/versions/node/v22.1.0/bin/node',
  npxPath: '/Users/ada/.nvm/versions/node/v22.1.0/bin/npx',
};
const linux: Machine & { toString(): string } = {
  toString: () => 'Linux',
  platform: 'linux',
  home: '/home/ada',
  env: {},
  nodePath: '/usr/bin/node',
  npxPath: '/usr/bin/npx',
};
const windows: Machine & { toString(): string } = {
  toString: () => 'Windows',
  platform: 'win32',
  home: 'C:\\Users\\ada',
  env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
  nodePath: 'C:\\Program Files\\nodejs\\node.exe',
};

describe('client config files, where each client reads them', () => {
  it.each([
    ['claude-desktop', mac, '/Users/ada/Library/Application Support/Claude/claude_desktop_config.json'],
    ['claude-desktop', windows, 'C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json'],
    ['claude-desktop', linux, '/home/ada/.config/Claude/claude_desktop_config.json'],
    [
      'claude-desktop',
      { ...linux, env: { XDG_CONFIG_HOME: '/xdg' }, toString: (): string => 'Linux with XDG_CONFIG_HOME' },
      '/xdg/Claude/claude_desktop_config.json',
    ],
    ['claude-code', linux, '/work/project/.mcp.json'],
    ['cursor', mac, '/Users/ada/.cursor/mcp.json'],
    ['cursor', windows, 'C:\\Users\\ada\\.cursor\\mcp.json'],
    ['vscode', mac, '/Users/ada/Library/Application Support/Code/User/mcp.json'],
    ['vscode', windows, 'C:\\Users\\ada\\AppData\\Roaming\\Code\\User\\mcp.json'],
    ['vscode', linux, '/home/ada/.config/Code/User/mcp.json'],
    ['windsurf', linux, '/home/ada/.codeium/windsurf/mcp_config.json'],
    ['codex', linux, '/home/ada/.codex/config.toml'],
    [
      'codex',
      { ...linux, env: { CODEX_HOME: '/opt/codex' }, toString: (): string => 'Linux with CODEX_HOME' },
      '/opt/codex/config.toml',
    ],
  ] as const)('%s on %s', (id, machine, expected) => {
    expect(clientById(id).configPath(machine as Machine, '/work/project')).toBe(expected);
  });

  it('an unknown client is an error naming the supported ones', () => {
    expect(() => clientById('zed')).toThrow(
      /--client zed: .*claude-desktop, claude-code, cursor, vscode, windsurf, codex/,
    );
  });
});

describe('how a client starts the server', () => {
  it(
    'Claude Desktop on macOS gets npx by absolute path and a PATH with that node, since it lacks the shell’s ' + 'PATH',
    () => {
      const launch = launchFor(clientById('claude-desktop'), mac, ['--read-only']);
      expect(launch.command).toBe(mac.npxPath);
      expect(launch.args).toEqual(['-y', 'tensorpool-mcp', '--read-only']);
      expect(launch.env.PATH!.split(':')[0]).toBe('/Users/ada/.nvm/versions/node/v22.1.0/bin');
      expect(launch.env.TENSORPOOL_API_KEY).toBe(KEY_PLACEHOLDER);
    },
  );

  it('every client on Windows goes through cmd /c, which can start npx.cmd', () => {
    for (const client of CLIENTS) {
      const launch = launchFor(client, windows, []);
      expect([launch.command, ...launch.args.slice(0, 4)]).toEqual(['cmd', '/c', 'npx', '-y', 'tensorpool-mcp']);
    }
  });

  it('Claude Code uses plain npx and takes the key from the shell, so .mcp.json holds no secret', () => {
    const launch = launchFor(clientById('claude-code'), mac, []);
    expect(launch).toEqual({
      command: 'npx',
      args: ['-y', 'tensorpool-mcp'],
      env: { TENSORPOOL_API_KEY: '${TENSORPOOL_API_KEY}' },
    });
    expect(claudeMcpAddCommand(launch)).toBe(
      `claude mcp add tensorpool --env 'TENSORPOOL_API_KEY=${KEY_PLACEHOLDER}' -- npx -y tensorpool-mcp`,
    );
  });

  it('VS Code asks for the key through a password input', () => {
    const snippet = JSON.parse(snippetText(clientById('vscode'), launchFor(clientById('vscode'), linux, []))) as {
      inputs: { id: string; password: boolean }[];
      servers: { tensorpool: { type: string; env: Record<string, string> } };
    };
    expect(snippet.inputs).toEqual([
      expect.objectContaining({ id: 'tensorpool-api-key', password: true, type: 'promptString' }),
    ]);
    expect(snippet.servers.tensorpool).toMatchObject({
      type: 'stdio',
      env: { TENSORPOOL_API_KEY: '${input:tensorpool-api-key}' },
    });
  });

  it('Codex gets a TOML table with the same command', () => {
    const text = snippetText(clientById('codex'), launchFor(clientById('codex'), linux, ['--allow-dir', '/work/p']));
    expect(parseToml(text)).toEqual({
      mcp_servers: {
        tensorpool: {
          command: 'npx',
          args: ['-y', 'tensorpool-mcp', '--allow-dir', '/work/p'],
          env: { TENSORPOOL_API_KEY: KEY_PLACEHOLDER },
        },
      },
    });
  });
});

describe('merging into an existing client file', () => {
  const cursor = clientById('cursor');
  const launch = launchFor(cursor, linux, []);

  it('adds our server and keeps the other servers, settings and comments', () => {
    const before =
      '{\n  // my servers\n  "mcpServers": {\n    "other": { "command": "other-mcp" }\n  },\n  "theme": "dark"\n}\n';
    const { text } = mergeConfig(cursor, before, launch, '/h/.cursor/mcp.json');
    expect(text).toContain('// my servers');
    expect(text).toContain('"theme": "dark"');
    expect(text.indexOf('// my servers')).toBeLessThan(text.indexOf('"tensorpool"'));
    const { parse } = {
      parse: (t: string) => JSON.parse(t.replace(/^\s*\/\/.*$/gm, '')) as { mcpServers: Record<string, unknown> },
    };
    expect(parse(text).mcpServers.other).toEqual({ command: 'other-mcp' });
    expect(mergeConfig(cursor, text, launch, 'f').text).toBe(text);
  });

  it('replaces an older tensorpool entry but keeps the key the user put there', () => {
    const before = JSON.stringify({
      mcpServers: {
        tensorpool: { command: 'node', args: ['old.js'], env: { TENSORPOOL_API_KEY: 'tpk_real_0123456789abcdef' } },
      },
    });
    const merged = mergeConfig(cursor, before, launch, 'f');
    const entry = (
      JSON.parse(merged.text) as { mcpServers: { tensorpool: { args: string[]; env: Record<string, string> } } }
    ).mcpServers.tensorpool;
    expect(entry.args).toEqual(launch.args);
    expect(entry.env.TENSORPOOL_API_KEY).toBe('tpk_real_0123456789abcdef');
    expect(merged.keptKey).toBe('tpk_real_0123456789abcdef');
  });

  it('adds the VS Code key input once, next to inputs the user has', () => {
    const vscode = clientById('vscode');
    const before = JSON.stringify({ inputs: [{ type: 'promptString', id: 'other' }], servers: {} }, null, 2);
    const once = mergeConfig(vscode, before, launchFor(vscode, linux, []), 'f').text;
    const twice = mergeConfig(vscode, once, launchFor(vscode, linux, []), 'f').text;
    expect(twice).toBe(once);
    expect((JSON.parse(once) as { inputs: { id: string }[] }).inputs.map((input) => input.id)).toEqual([
      'other',
      'tensorpool-api-key',
    ]);
  });

  it('refuses a file that is not JSON, naming it and the line', () => {
    expect(() => mergeConfig(cursor, '{\n  "mcpServers": {\n    oops\n}', launch, '/h/.cursor/mcp.json')).toThrow(
      ConfigFileError,
    );
    expect(() => mergeConfig(cursor, '{\n  "mcpServers": {\n    oops\n}', launch, '/h/.cursor/mcp.json')).toThrow(
      /\/h\/\.cursor\/mcp\.json is not valid JSON .* on line 3/,
    );
    expect(() => mergeConfig(cursor, '[1, 2]', launch, 'f')).toThrow(/does not hold a JSON object/);
  });

  it('Codex: appends the table, or replaces it with its sub-tables, keeping the rest and its comments', () => {
    const codex = clientById('codex');
    const codexLaunch = launchFor(codex, linux, []);
    const before = '# my codex\nmodel = "o4"\n\n[mcp_servers.other]\ncommand = "x"\n';
    const appended = mergeConfig(codex, before, codexLaunch, 'f').text;
    expect(appended.startsWith(before.trimEnd())).toBe(true);
    const old =
      `${before}\n[mcp_servers.tensorpool]\ncommand = ` +
      `"node"\n\n[mcp_servers.tensorpool.env]\nTENSORPOOL_API_KEY = ` +
      `"tpk_real_0123456789abcdef"\n\n[profiles.fast]\nmodel = "o4-mini"\n`;
    const replaced = mergeConfig(codex, old, codexLaunch, 'f');
    const parsed = parseToml(replaced.text) as {
      model: string;
      mcp_servers: Record<string, { command: string; env?: Record<string, string> }>;
      profiles: unknown;
    };
    expect(parsed.model).toBe('o4');
    expect(parsed.profiles).toEqual({ fast: { model: 'o4-mini' } });
    expect(parsed.mcp_servers.other).toEqual({ command: 'x' });
    expect(parsed.mcp_servers.tensorpool).toEqual({
      command: 'npx',
      args: ['-y', 'tensorpool-mcp'],
      env: { TENSORPOOL_API_KEY: 'tpk_real_0123456789abcdef' },
    });
    expect(replaced.text).toContain('# my codex');
    expect(mergeConfig(codex, replaced.text, codexLaunch, 'f').text).toBe(replaced.text);
  });

  it('Codex: refuses a file that is not TOML', () => {
    expect(() =>
      mergeConfig(
        clientById('codex'),
        'model = \n',
        launchFor(clientById('codex'), linux, []),
        '/h/.codex/config.toml',
      ),
    ).toThrow(/\/h\/\.codex\/config\.toml is not valid TOML/);
  });
});
