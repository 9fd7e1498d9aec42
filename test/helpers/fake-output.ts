import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Generation } from '../../src/tp/generation.js';
import { FAKE_TP, TEST_KEY, baseEnv } from './fake-tp.js';
import { publicKeyLine } from './ssh-keys.js';

export interface FakeOutput {
  stdout: string;
  stderr: string;
  exit_code: number | null;
}

/**
 * What the fake tp prints for `argv` on `generation`, run in a scratch directory holding a job config
 * (`job.tp.toml`) and a public key (`key.pub`) for the commands that read them.
 */
export function fakeTpOutput(
  generation: Generation,
  argv: readonly string[],
  env: Record<string, string> = {},
): FakeOutput {
  const dir = mkdtempSync(join(tmpdir(), 'tpmcp-output-'));
  try {
    writeFileSync(join(dir, 'job.tp.toml'), 'commands = ["python train.py"]\ninstance_type = "1xH100"\n');
    writeFileSync(join(dir, 'key.pub'), `${publicKeyLine('ssh-ed25519')}\n`);
    const result = spawnSync(process.execPath, [FAKE_TP, ...argv], {
      cwd: dir,
      env: { ...baseEnv(), TENSORPOOL_KEY: TEST_KEY, FAKE_TP_GENERATION: generation, TQDM_DISABLE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    return { stdout: result.stdout, stderr: result.stderr, exit_code: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
