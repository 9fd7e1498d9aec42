// `npm run bench:agent` (bench/agent.mjs) runs the four workflows of issue 16 in a shell and through
// the built server. The numbers and their targets are the bench's business, not the suite's; what
// is held here is that every workflow still gets its work done on both sides (the bench checks the
// tp commands that ran), and that the run leaves no process and no file behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { baseEnv } from '../helpers/fake-tp.js';
import { assertBuilt } from '../helpers/server-process.js';

const BENCH = resolve(import.meta.dirname, '../../bench/agent.mjs');
let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface Report {
  ok: boolean;
  tasks: {
    id: string;
    ok: boolean;
    problems: string[];
    shell: { steps: unknown[]; read: number };
    server: { steps: unknown[]; readText: number; readStrict: number };
  }[];
  serverFixed: { tools: number; toolsList: number };
  targets: { name: string; pass: boolean }[];
}

/** Processes that run in `dir` or name it on their command line (the bench's directories are under it). */
function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(dir) || readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

it(
  'every workflow of issue 16 gets its work done in the shell and through the server, and nothing is left ' + 'behind',
  async () => {
    assertBuilt();
    scratch = mkdtempSync(join(tmpdir(), 'tpmcp-agent-bench-'));
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (done, fail) => {
        const child = spawn(process.execPath, [BENCH, '--json'], {
          env: { ...baseEnv(), TMPDIR: scratch },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk));
        child.once('error', fail);
        child.once('close', (exit) => done({ code: exit, stdout: out, stderr: err }));
      },
    );
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.tasks.map((task) => task.id)).toEqual(['train', 'failed', 'cleanup', 'storage']);
    for (const task of report.tasks) {
      expect(task.problems, task.id).toEqual([]);
      expect(task.shell.read, task.id).toBeGreaterThan(0);
      expect(task.server.readText, task.id).toBeGreaterThan(0);
      expect(task.server.readStrict, task.id).toBeGreaterThanOrEqual(task.server.readText);
    }
    expect(report.ok).toBe(true);
    expect(report.serverFixed.tools).toBeGreaterThan(0);
    expect(report.targets.length).toBe(report.tasks.length + 3);
    // the bench's directories (under TMPDIR) are gone, and no server or tp it started still runs
    expect(readdirSync(scratch)).toEqual([]);
    expect(processesIn(scratch)).toEqual([]);
  },
);
