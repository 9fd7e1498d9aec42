import { describe, expect, it } from 'vitest';
import { thisInstallation } from '../../../src/clients/installation.js';
import { launchFor } from '../../../src/clients/launch.js';
import { clientById } from '../../../src/clients/clients.js';
import type { Machine } from '../../../src/clients/machine.js';

const linux: Machine = {
  platform: 'linux',
  home: '/home/ada',
  env: {},
  nodePath: '/usr/bin/node',
  npxPath: '/usr/bin/npx',
};

describe('thisInstallation', () => {
  it("through npx (the package in npx's cache): npx", () => {
    expect(
      thisInstallation('/home/ada/.npm/_npx/1a2b/node_modules/tensorpool-mcp/bin/tensorpool-mcp.js', { PATH: '' }),
    ).toEqual({ kind: 'npx' });
  });

  it('from a clone: the script itself', () => {
    expect(thisInstallation('/src/tensorpool-mcp/bin/tensorpool-mcp.js', { PATH: '' })).toEqual({
      kind: 'script',
      script: '/src/tensorpool-mcp/bin/tensorpool-mcp.js',
    });
  });

  it('--command wins over everything', () => {
    expect(thisInstallation('/home/ada/.npm/_npx/1a2b/x.js', {}, '/opt/tp-mcp')).toEqual({
      kind: 'command',
      command: '/opt/tp-mcp',
    });
  });
});

describe('launchFor each installation', () => {
  const cursor = clientById('cursor');
  const claudeDesktop = clientById('claude-desktop');
  it('a clone runs node with the absolute script path, for every client', () => {
    const machine = { ...linux, installation: { kind: 'script', script: '/src/t/bin/tensorpool-mcp.js' } as const };
    expect(launchFor(cursor, machine, ['--read-only'])).toMatchObject({
      command: '/usr/bin/node',
      args: ['/src/t/bin/tensorpool-mcp.js', '--read-only'],
    });
  });

  it("a global install runs tensorpool-mcp, or node and its script for clients without the shell's PATH", () => {
    const machine = {
      ...linux,
      installation: {
        kind: 'global',
        command: 'tensorpool-mcp',
        script: '/usr/lib/node_modules/tensorpool-mcp/bin/tensorpool-mcp.js',
      } as const,
    };
    const shell = { ...cursor, lacksShellPath: false };
    const gui = { ...claudeDesktop, lacksShellPath: true };
    expect(launchFor(shell, machine, [])).toMatchObject({ command: 'tensorpool-mcp', args: [] });
    expect(launchFor(gui, machine, [])).toMatchObject({
      command: '/usr/bin/node',
      args: ['/usr/lib/node_modules/tensorpool-mcp/bin/tensorpool-mcp.js'],
    });
  });
});
