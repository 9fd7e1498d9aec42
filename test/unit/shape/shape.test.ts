import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { tpToolResult, shapeResult } from '../../../src/shape/shape.js';
import type { TpResult } from '../../../src/tp/runner.js';

const run = (stdout: string, more: Partial<TpResult> = {}): TpResult => ({
  argv: ['tp', '--no-input', 'x'],
  exitCode: 0,
  signal: null,
  stdout,
  stderr: '',
  durationMs: 5,
  timedOut: false,
  cancelled: false,
  truncated: false,
  ...more,
});
const texts = (result: CallToolResult) => result.content.map((part) => (part.type === 'text' ? part.text : ''));

describe('shapeResult', () => {
  it("puts the parsed ids in structuredContent, never tp's text, and adds the tool-terms step on one line", () => {
    const stdout =
      '* Creating cluster...\nCluster creation initiated. Cluster ID: c-9x2 (instance type 1xH100, nodes 1)\nCheck ' +
      'its status with `tp cluster info c-9x2`\n';
    const shaped = shapeResult('cluster_create', '0.0.9', tpToolResult(run(stdout)));
    expect(shaped.structuredContent).toEqual({ ok: true, cluster_id: 'c-9x2' });
    expect(texts(shaped)).toEqual([
      'Cluster creation initiated. Cluster ID: c-9x2 (instance type 1xH100, nodes 1)\nCheck its status with `tp ' +
        'cluster info c-9x2`\n' +
        'In tool terms: `tp cluster info c-9x2` = cluster_info(cluster_id="c-9x2")',
    ]);
  });

  it("tp's own messages are never fenced; a hint from them may be any call", () => {
    const stdout = 'Job ID: j-4\nStatus: error\nRun tp job listen j-4 to see why\n';
    const shaped = shapeResult('job_info', '0.0.9', tpToolResult(run(stdout)));
    const [text] = texts(shaped);
    expect(text).not.toContain('untrusted');
    expect(text).toContain('job_listen(job_id="j-4")');
    expect(shaped.structuredContent).toEqual({ ok: true, job_id: 'j-4', status: 'FAILED' });
  });

  it('a failure says so in one headline with what tp printed after it, and keeps the exit code', () => {
    const shaped = shapeResult(
      'cluster_info',
      '0.0.9',
      tpToolResult(run('* Fetching...\nError: not found\n', { exitCode: 1, stderr: 'Traceback: boom\n' })),
    );
    expect(texts(shaped)).toEqual(['tp failed (exit code 1).\nError: not found\nTraceback: boom']);
    expect(shaped.structuredContent).toEqual({ ok: false, exit_code: 1 });
    expect(shaped.isError).toBe(true);
  });

  it(
    'leaves alone what is not a finished tp run: local tools, refusals, handles; a dry run keeps only its ' + 'flag',
    () => {
      const local: CallToolResult = {
        content: [{ type: 'text', text: 'Wrote /p/job.tp.toml' }],
        structuredContent: { ok: true, path: '/p/job.tp.toml', content: '' },
      };
      const refusal: CallToolResult = { content: [{ type: 'text', text: 'Not done' }], isError: true };
      const handle = {
        ...tpToolResult(run('Job ID: j-1\n')),
        structuredContent: {
          ...tpToolResult(run('Job ID: j-1\n')).structuredContent,
          operation: { id: 'op_1', status: 'running' },
        },
      };
      for (const result of [local, refusal, handle]) expect(shapeResult('job_push', '0.0.9', result)).toBe(result);
      const dry = tpToolResult({
        ...run(
          'Dry run: nothing was run. Without --dry-run the server would run:\ntp --no-input cluster create 1xH100\n',
        ),
        dryRun: true,
      });
      expect(shapeResult('cluster_create', '0.0.9', dry)).toEqual({
        ...dry,
        structuredContent: { ok: true, dry_run: true },
      });
      const help = tpToolResult(run('usage: tp cluster [-h] ...\nRun tp cluster info CLUSTER_ID for details\n'));
      expect(texts(shapeResult('tp_help', '0.0.9', help))).toEqual(texts(help));
    },
  );

  it("a tool with nothing to parse returns tp's words without spinner lines, and only ok", () => {
    const shaped = shapeResult(
      'account_me',
      '0.0.9',
      tpToolResult(run('* Fetching user info...\nEmail: user@example.com\n')),
    );
    expect(texts(shaped)).toEqual(['Email: user@example.com']);
    expect(shaped.structuredContent).toEqual({ ok: true });
  });
});
