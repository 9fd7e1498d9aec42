import { abortable } from './abortable.js';
import { UnsupportedError } from '../errors.js';
import type { TpRunner } from './runner.js';

/**
 * The shapes of the `tp` CLI (docs/tp-cli.md §1): 0.0.6 takes flags where 0.0.7 takes
 * positionals; 0.0.8 renamed `--experimental-container` to `--container`; 0.0.9 sizes storage by
 * GB instead of a volume type and adds object storage.
 */
export const GENERATIONS = ['0.0.6', '0.0.7', '0.0.8', '0.0.9'] as const;
export type Generation = (typeof GENERATIONS)[number];
const NEWEST: Generation = '0.0.9';

export function atLeast(generation: Generation, minimum: Generation): boolean {
  return GENERATIONS.indexOf(generation) >= GENERATIONS.indexOf(minimum);
}

const UPGRADE_HINT =
  'Upgrade tp with `pipx upgrade tensorpool` (or `uv tool upgrade tensorpool`, `pip install -U tensorpool`).';

/** A tool or parameter the installed `tp` lacks; raised before anything is spawned. */
export function unsupported(what: string, generation: Generation, supported: string): UnsupportedError {
  return new UnsupportedError(what, generation, supported, generation === NEWEST ? '' : UPGRADE_HINT);
}

/** Throws unless `generation` is at least `minimum`. */
export function requireAtLeast(what: string, generation: Generation, minimum: Generation): void {
  if (!atLeast(generation, minimum)) throw unsupported(what, generation, `${minimum} or newer`);
}

/** Reads the generation off the usage lines `tp … --help` prints (no key, no network needed). */
export function generationFromUsage(storageCreateUsage: string, clusterCreateUsage: string): Generation | undefined {
  const storage = firstUsageLine(storageCreateUsage);
  if (!storage) return undefined;
  if (/\s-t TYPE\b/.test(storage)) return '0.0.6';
  if (/\ssize\s*$/.test(storage)) return '0.0.9';
  if (/\svolume_type\s*$/.test(storage)) {
    const cluster = firstUsageLine(clusterCreateUsage) ?? '';
    return /--experimental-container\b/.test(cluster) ? '0.0.7' : '0.0.8';
  }
  return undefined;
}

function firstUsageLine(text: string): string | undefined {
  return text
    .split('\n')
    .find((line) => line.startsWith('usage: '))
    ?.trimEnd();
}

const GUESS_TTL_MS = 5 * 60_000;

export interface InstallationFacts {
  /** What `tp --version` printed, if it ran. */
  version?: string;
  generation: Generation;
  /** How the generation was found: from help usage lines, from the version, or the operator's override. */
  source: 'usage' | 'version' | 'override' | 'assumed';
}

/**
 * The installed `tp`: probed once, lazily, on first need; a failed probe is not cached, so
 * installing tp while the server runs is enough.
 */
export class TpInstallation {
  private facts: Promise<InstallationFacts> | undefined;

  constructor(
    private readonly runner: Pick<TpRunner, 'run'>,
    private readonly override?: Generation,
  ) {}

  async generation(signal?: AbortSignal): Promise<Generation> {
    return this.override ?? (await this.describe(signal)).generation;
  }

  /** `signal` lets one caller stop waiting; the shared probe goes on for the others. */
  async describe(signal?: AbortSignal): Promise<InstallationFacts> {
    this.facts ??= this.probe().then(
      (facts) => {
        // a guess is kept a while, not for good: tp may be fixed or upgraded meanwhile
        if (facts.source === 'assumed') setTimeout(() => (this.facts = undefined), GUESS_TTL_MS).unref();
        return facts;
      },
      (error: unknown) => {
        this.facts = undefined;
        throw error;
      },
    );
    return abortable(this.facts, signal);
  }

  private async probe(): Promise<InstallationFacts> {
    const help = (args: string[]) => this.runner.run(args, { requiresKey: false, timeoutMs: 30_000, queued: false });
    const [version, storage, cluster] = await Promise.all([
      help(['--version']),
      help(['storage', 'create', '--help']),
      help(['cluster', 'create', '--help']),
    ]);
    const versionText = version.exitCode === 0 ? version.stdout.trim().split('\n')[0] : undefined;
    if (this.override) return { version: versionText, generation: this.override, source: 'override' };
    const fromUsage = generationFromUsage(storage.stdout, cluster.stdout);
    if (fromUsage) return { version: versionText, generation: fromUsage, source: 'usage' };
    const fromVersion = GENERATIONS.find((generation) => generation === versionText);
    if (fromVersion) return { version: versionText, generation: fromVersion, source: 'version' };
    return { version: versionText, generation: NEWEST, source: 'assumed' };
  }
}
