import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Debian's chromium (`apt-get install chromium`; .ci/run installs it), or the one CHROMIUM_PATH names.
 * undefined when there is none: the browser tests then skip, except in CI (CI=true), where they fail.
 */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export const CHROMIUM = findChromium();
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

if (!CHROMIUM) {
  if (IN_CI)
    throw new Error('chromium is missing: .ci/run installs it (apt-get install -y chromium), or set CHROMIUM_PATH');
  console.warn(
    'SKIPPED browser tests: no chromium on PATH (apt-get install -y chromium, or set CHROMIUM_PATH); CI runs them.',
  );
}
