import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkAllowedDirs,
  checkApiKey,
  checkNode,
  checkTp,
  describeLimits,
  maskKey,
  runChecks,
  type DoctorDeps,
  type DoctorInput,
} from '../../../src/doctor/checks.js';
import { formatFindings, hasProblem } from '../../../src/doctor/checks.js';
import type { TpResult } from '../../../src/tp/runner.js';
import { Redactor } from '../../../src/tp/redact.js';

const KEY = 'tpk_live_4c1d9e7a2b3f5061_TOPSECRET';
const result = (over: Partial<TpResult>): TpResult => ({
  argv: ['tp', 'me'],
  exitCode: 0,
  signal: null,
  stdout: '',
  stderr: '',
  durationMs: 5,
  timedOut: false,
  cancelled: false,
  truncated: false,
  ...over,
});

function deps(over: Partial<DoctorDeps> = {}): DoctorDeps {
  const redactor = new Redactor([KEY]);
  return {
    nodeVersion: 'v20.20.2',
    nodePath: '/usr/bin/node',
    env: { TENSORPOOL_API_KEY: KEY },
    resolveExecutable: (name) => (name === 'tp' ? '/home/ada/.local/bin/tp' : undefined),
    describeTp: async () => ({ version: '0.0.9', generation: '0.0.9', source: 'usage' }),
    accountMe: async () => result({ stdout: '* Authenticating...\nUser: ada@example.com\n' }),
    redact: (text) => redactor.redact(text),
    ...over,
  };
}

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tpmcp-doctor-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function input(over: Partial<DoctorInput> = {}): DoctorInput {
  const project = scratch();
  return {
    tpPath: 'tp',
    allowDirs: [project],
    cwd: project,
    home: '/home/ada',
    confirmMode: 'flag',
    confirmCreates: false,
    readOnly: false,
    guardrails: {},
    ...over,
  };
}

describe('doctor checks', () => {
  it('a sound set-up has no problem, and the report never shows the key', async () => {
    const findings = await runChecks(input(), deps());
    expect(hasProblem(findings)).toBe(false);
    const report = formatFindings(findings);
    expect(report).not.toContain(KEY);
    expect(report).toMatch(
      /\[ ok \] tp: \/home\/ada\/\.local\/bin\/tp, version 0\.0\.9, CLI generation 0\.0\.9 \(read from its help\)/,
    );
    expect(report).toMatch(/\[ ok \] API key: TENSORPOOL_API_KEY …CRET accepted/);
  });

  it('Node older than 20 fails with the fix', () => {
    expect(checkNode({ nodeVersion: 'v18.19.0', nodePath: '/usr/bin/node' })).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/Node 20 or newer/),
    });
    expect(checkNode({ nodeVersion: 'v22.12.0', nodePath: '/n' }).detail).toContain('compile cache on');
  });

  it('tp missing: one failing line with how to install it; the key is then not checked', async () => {
    const findings = await runChecks(input(), deps({ resolveExecutable: () => undefined }));
    const lines = formatFindings(findings).split('\n');
    expect(lines.filter((line) => line.includes('[FAIL]'))).toEqual([
      '  [FAIL] tp: tp not found on PATH → fix: install it with `pipx install tensorpool` (or `uv tool install ' +
        'tensorpool`), or pass --tp-path /absolute/path/to/tp',
    ]);
    expect(findings.find((finding) => finding.subject === 'API key')).toMatchObject({
      status: 'info',
      detail: expect.stringContaining('not checked'),
    });
  });

  it('a tp whose generation cannot be told is a warning with --tp-generation as the fix', async () => {
    const { finding } = await checkTp(
      { tpPath: 'tp' },
      deps({ describeTp: async () => ({ version: 'unknown', generation: '0.0.9', source: 'assumed' }) }),
    );
    expect(finding).toMatchObject({ status: 'warn', fix: expect.stringContaining('--tp-generation') });
  });

  it('a tp that does not run fails, with the key masked in what it said', async () => {
    const { finding, usable } = await checkTp(
      { tpPath: 'tp' },
      deps({ describeTp: async () => Promise.reject(new Error(`crashed with ${KEY}`)) }),
    );
    expect(usable).toBe(false);
    expect(finding.status).toBe('fail');
    expect(JSON.stringify(finding)).not.toContain(KEY);
  });

  it('no key: fails, saying where it comes from', async () => {
    expect(await checkApiKey(deps({ env: {} }), true)).toMatchObject({
      status: 'fail',
      detail: 'TENSORPOOL_API_KEY is not set',
      fix: expect.stringContaining('tensorpool.dev/dashboard'),
    });
  });

  it('a rejected key fails with what TensorPool said, key masked even when tp echoes it', async () => {
    const finding = await checkApiKey(
      deps({ accountMe: async () => result({ exitCode: 1, stdout: `* Authenticating...\nInvalid API key ${KEY}\n` }) }),
      true,
    );
    expect(finding.status).toBe('fail');
    expect(finding.detail).toMatch(/rejected by TensorPool: Invalid API key/);
    expect(JSON.stringify(finding)).not.toContain(KEY);
  });

  it.each([
    [
      'no connection',
      {
        stdout:
          '* Authenticating...\nCannot reach the TensorPool. Please check your internet connection.\nHaving trouble? ' +
          'Contact team@tensorpool.dev\n',
      },
    ],
    [
      'a read timeout',
      { stdout: '* Authenticating...\nUnexpected error during health check: HTTPSConnectionPool read timed out\n' },
    ],
    ['tp me timing out', { timedOut: true }],
  ])('cannot reach TensorPool (%s) is told apart from a rejected key', async (_case, over) => {
    const finding = await checkApiKey(deps({ accountMe: async () => result({ exitCode: 1, ...over }) }), true);
    expect(finding).toMatchObject({
      status: 'fail',
      subject: 'TensorPool',
      detail: expect.stringMatching(/^cannot reach TensorPool, so TENSORPOOL_API_KEY …CRET was not checked/),
    });
    expect(finding.fix).toMatch(/network, a proxy/);
    expect(finding.detail).not.toMatch(/rejected/);
  });

  it('TENSORPOOL_KEY wins as it does in tp, and is named', async () => {
    const finding = await checkApiKey(
      deps({ env: { TENSORPOOL_KEY: KEY, TENSORPOOL_API_KEY: 'other-key-of-some-length' } }),
      true,
    );
    expect(finding.detail).toMatch(/^TENSORPOOL_KEY …CRET/);
  });

  it('masks short keys completely', () => {
    expect(maskKey('abc123')).toBe('(hidden)');
    expect(maskKey(KEY)).toBe('…CRET');
  });

  it('allowed directories: a missing one fails (the server would not start); none in the home directory warns', () => {
    expect(checkAllowedDirs({ allowDirs: ['/no/such/dir'], cwd: '/', home: '/home/ada' })).toMatchObject({
      status: 'fail',
      detail: '--allow-dir /no/such/dir: no such directory',
    });
    const home = scratch();
    expect(checkAllowedDirs({ allowDirs: [], cwd: home, home })).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('--allow-dir'),
    });
  });

  it('an empty instance-type list fails: it would block every cluster_create', () => {
    expect(describeLimits({ guardrails: { allowInstanceTypes: [] } }).status).toBe('fail');
    expect(describeLimits({ guardrails: { allowInstanceTypes: ['1xH100'], maxNodes: 2 } })).toMatchObject({
      status: 'info',
      detail: 'instance types 1xH100, at most 2 node(s) per cluster, volumes of any size',
    });
  });
});
