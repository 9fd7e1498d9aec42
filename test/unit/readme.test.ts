import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { toolTable } from '../helpers/tool-table.js';

const ROOT = resolve(import.meta.dirname, '../..');
const README = resolve(ROOT, 'README.md');
const TOOLS_DOC = resolve(ROOT, 'docs/tools.md');
const START =
  '<!-- tool-table:start (generated from the registry; UPDATE_DOCS=1 npx vitest run test/unit/readme.test.ts) -->';
const END = '<!-- tool-table:end -->';

describe('docs/tools.md', () => {
  it(
    'its tool table is exactly what the registry declares: names, toolsets, parameters, annotations, ' + 'generations',
    () => {
      const doc = readFileSync(TOOLS_DOC, 'utf8');
      const start = doc.indexOf(START);
      const end = doc.indexOf(END);
      expect(start, 'docs/tools.md lacks the tool table markers').toBeGreaterThan(-1);
      const expected = toolTable(allTools);
      if (process.env.UPDATE_DOCS) {
        writeFileSync(TOOLS_DOC, `${doc.slice(0, start + START.length)}\n${expected}\n${doc.slice(end)}`);
        return;
      }
      expect(doc.slice(start + START.length, end).trim()).toBe(expected);
    },
  );
});

describe('README', () => {
  const readme = readFileSync(README, 'utf8');

  it('gives the two commands a newcomer needs', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('stays a quick start: under 15 KB, with the reference material in docs/ that it links to', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(15 * 1024);
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((match) => match[1]!);
    const pages = links.filter((link) => link.endsWith('.md'));
    expect(new Set(pages)).toEqual(
      new Set(['docs/configuration.md', 'docs/tools.md', 'docs/security.md', 'docs/deploying.md']),
    );
    // besides the pages, only the view's screenshots (test/e2e/app-view.browser.test.ts takes them)
    expect(
      links.filter((link) => !link.endsWith('.md')).every((link) => /^docs\/screenshots\/[a-z-]+\.png$/.test(link)),
    ).toBe(true);
    for (const link of links) expect(existsSync(resolve(ROOT, link)), link).toBe(true);
  });

  it('counts the tools the registry has, and names only tools that exist', () => {
    expect(readme).toContain(`${allTools.length} tools`);
    const names = new Set(allTools.map((tool) => tool.name));
    const mentioned = [
      ...readme.matchAll(/`((?:cluster|storage|job|account|ssh_key|object_storage|server|tp|operation)_[a-z_]+)`/g),
    ].map((match) => match[1]!);
    expect(mentioned.filter((name) => !names.has(name))).toEqual([]);
  });

  it('its Cursor and VS Code install links carry the published launch (npx) with the workspace folder allowed', () => {
    const cursor = /cursor\.com\/en\/install-mcp\?name=tensorpool&config=([A-Za-z0-9+/=]+)\)/.exec(readme)?.[1];
    expect(JSON.parse(Buffer.from(cursor!, 'base64').toString('utf8'))).toEqual({
      command: 'npx',
      args: ['-y', 'tensorpool-mcp', '--allow-dir', '${workspaceFolder}'],
      env: { TENSORPOOL_API_KEY: '<your TensorPool API key>' },
    });
    const vscode = new URL(/\((https:\/\/insiders\.vscode\.dev\/redirect\/mcp\/install\?[^)]+)\)/.exec(readme)![1]!);
    expect(JSON.parse(vscode.searchParams.get('config')!)).toEqual({
      command: 'npx',
      args: ['-y', 'tensorpool-mcp', '--allow-dir', '${workspaceFolder}'],
      env: { TENSORPOOL_API_KEY: '${input:tensorpool-api-key}' },
    });
    expect(JSON.parse(vscode.searchParams.get('inputs')!)).toEqual([
      expect.objectContaining({ id: 'tensorpool-api-key', password: true }),
    ]);
  });
});

describe('README install links carry what the hand-written blocks do', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  /** The first ```json block after `heading`, parsed. */
  const blockAfter = (heading: string) => {
    const section = readme.slice(readme.indexOf(heading));
    return JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
  };
  const link = (prefix: string) => new URL(new RegExp(`${prefix.replace(/[.?/]/g, '\\$&')}[^)\\s]+`).exec(readme)![0]);

  it('Cursor: the base64 config of the deeplink is the block of its section', () => {
    const config = JSON.parse(
      Buffer.from(link('https://cursor.com/en/install-mcp?').searchParams.get('config')!, 'base64').toString('utf8'),
    );
    expect(config).toEqual(blockAfter('### Cursor').mcpServers!.tensorpool);
    expect(config.args).toContain('--allow-dir');
  });

  it('VS Code: the URL-encoded config and inputs of the link are the block of its section', () => {
    const url = link('https://insiders.vscode.dev/redirect/mcp/install?');
    const block = blockAfter('### VS Code') as unknown as {
      inputs: unknown[];
      servers: { tensorpool: Record<string, unknown> };
    };
    const { type: _type, ...server } = block.servers.tensorpool;
    expect(JSON.parse(url.searchParams.get('config')!)).toEqual(server);
    expect(JSON.parse(url.searchParams.get('inputs')!)).toEqual(block.inputs);
    expect(server.args).toContain('--allow-dir');
  });
});
