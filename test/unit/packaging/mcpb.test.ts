import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getMcpConfigForManifest, MANIFEST_SCHEMAS, type McpbManifestAny } from '@anthropic-ai/mcpb';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleArgsToFlags } from '../../../src/mcpb/bundle-args.js';
import { FAKE_TP, FakeTpWorkspace } from '../../helpers/fake-tp.js';
import { assertBuilt } from '../../helpers/server-process.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as McpbManifestAny & {
  manifest_version: string;
};
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  description: string;
};

/** What the host (Claude Desktop) builds from the manifest and the user's settings, with its own code. */
async function hostLaunch(extensionPath: string, userConfig: Record<string, string | boolean | string[]>) {
  const config = await getMcpConfigForManifest({
    manifest,
    extensionPath,
    systemDirs: {},
    userConfig,
    pathSeparator: '/',
  });
  if (!config) throw new Error('the host would not start the server');
  return config as { command: string; args: string[]; env: Record<string, string> };
}

describe('manifest.json (MCP bundle)', () => {
  it('passes the mcpb tool’s validation for its manifest version', () => {
    const schema = MANIFEST_SCHEMAS[manifest.manifest_version as keyof typeof MANIFEST_SCHEMAS];
    expect(schema, `mcpb knows manifest_version ${manifest.manifest_version}`).toBeDefined();
    const result = schema.safeParse(manifest);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('names the same package, version and description as package.json', () => {
    expect(manifest).toMatchObject({ name: pkg.name, version: pkg.version, description: pkg.description });
  });

  it('asks for the key (kept secret), directories, the tp path, read-only, approval and instance types', () => {
    expect(manifest.user_config).toMatchObject({
      api_key: { type: 'string', sensitive: true, required: true },
      allowed_directories: { type: 'directory', multiple: true },
      tp_path: { type: 'file', required: false },
      read_only: { type: 'boolean', default: false },
      approval_mode: { type: 'string', default: 'elicit' },
      allowed_instance_types: { type: 'string', required: false },
    });
    expect(manifest.server.mcp_config.env).toEqual({ TENSORPOOL_API_KEY: '${user_config.api_key}' });
  });

  it('the host’s arguments become our flags: all settings given', async () => {
    const launch = await hostLaunch('/ext', {
      api_key: 'k',
      allowed_directories: ['/work/a', '/work/b c'],
      tp_path: '/home/ada/.local/bin/tp',
      read_only: true,
      approval_mode: 'elicit',
      allowed_instance_types: '1xH100,*L40S',
    });
    // a small young generation: memory stays flat while tp prints hundreds of MB (docs/performance.md)
    expect(launch.args[0]).toBe('--max-semi-space-size=2');
    expect(launch.args[1]).toBe('/ext/server/dist/mcpb-launch.js');
    expect(bundleArgsToFlags(launch.args.slice(2))).toEqual([
      '--stdio',
      '--tp-path',
      '/home/ada/.local/bin/tp',
      '--confirm',
      'elicit',
      '--read-only',
      '--allow-instance-types',
      '1xH100,*L40S',
      '--allow-dir',
      '/work/a',
      '--allow-dir',
      '/work/b c',
    ]);
  });

  it('the host’s arguments become our flags: only the key given, nothing unset reaches the server', async () => {
    const launch = await hostLaunch('/ext', { api_key: 'k' });
    expect(launch.args.some((arg) => arg.includes('${user_config'))).toBe(true);
    expect(bundleArgsToFlags(launch.args.slice(2))).toEqual(['--stdio', '--confirm', 'elicit']);
    expect(bundleArgsToFlags(['--tp-path', '', '--read-only', 'false', '--allow-dir'])).toEqual([]);
  });
});

describe('the bundle’s entry point runs the server with those flags', () => {
  let ws: FakeTpWorkspace;
  let extension: string;
  let client: Client;

  beforeAll(() => {
    assertBuilt();
    ws = new FakeTpWorkspace();
    // the bundle's layout, server/ holding bin/ and dist/ as built here
    extension = mkdtempSync(join(tmpdir(), 'tpmcp-mcpb-'));
    symlinkSync(ROOT, join(extension, 'server'));
  });
  afterAll(async () => {
    await client?.close();
    ws?.cleanup();
    rmSync(extension, { recursive: true, force: true });
  });

  it('server_status shows the settings the user chose', async () => {
    const launch = await hostLaunch(extension, {
      api_key: 'tpk_from_keychain_0123456789',
      allowed_directories: [ws.dir],
      tp_path: FAKE_TP,
      read_only: true,
      approval_mode: 'elicit',
    });
    const { TENSORPOOL_KEY: _ignored, ...env } = ws.env();
    client = new Client({ name: 'mcpb', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: launch.args,
        env: { ...env, ...launch.env } as Record<string, string>,
        cwd: '/',
        stderr: 'pipe',
      }),
    );
    const status = (await client.callTool({ name: 'server_status', arguments: {} })).structuredContent as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({
      tp_path: FAKE_TP,
      api_key_set: true,
      read_only: true,
      confirm_mode: 'elicit',
      guardrails: { allow_instance_types: null },
    });
    expect(status.allowed_dirs).toEqual([ws.dir]);
  });
});
