import type { Config, ConfigInput } from '../config/config.js';
import { resolveAllowedDirs } from '../files/allowed-dirs.js';
import { approvalInForce, limitsInWords } from '../config/in-words.js';
import { API_KEY_VARIABLE, apiKeyFrom, type Env, keyVariableInForce } from '../config/api-key.js';
import type { InstallationFacts } from '../tp/generation.js';
import { keyVerdict } from '../tp/key-check.js';
import type { TpResult } from '../tp/runner.js';

/** ok and info are fine; warn is worth knowing; fail means the server will not work as set up. */
type Status = 'ok' | 'info' | 'warn' | 'fail';

export interface Finding {
  status: Status;
  subject: string;
  detail: string;
  /** What to do about it, in one line. */
  fix?: string;
}

/** The set-up being checked: the same values the server would start with. */
export interface DoctorInput extends Pick<Config, 'tpPath' | 'confirmMode' | 'confirmCreates' | 'readOnly'> {
  /** --allow-dir as given: the checks resolve it, to report a problem instead of stopping. */
  allowDirs: readonly string[];
  cwd: string;
  home: string;
  guardrails: NonNullable<ConfigInput['guardrails']>;
}

/** Everything the checks touch outside themselves, so that server_status can run them with its own runner. */
export interface DoctorDeps {
  nodeVersion: string;
  nodePath: string;
  env: Env;
  resolveExecutable(command: string): string | undefined;
  /** The installed tp's version and generation (`tp --version`, `tp … --help`). */
  describeTp(): Promise<InstallationFacts>;
  /** `tp me` with the key. */
  accountMe(): Promise<TpResult>;
  /** Masks the key in anything tp printed. */
  redact(text: string): string;
}

const MIN_NODE_MAJOR = 20;
const KEY_SOURCE = 'https://tensorpool.dev/dashboard';

export function checkNode(deps: Pick<DoctorDeps, 'nodeVersion' | 'nodePath'>): Finding {
  const major = Number(deps.nodeVersion.replace(/^v/, '').split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    return {
      status: 'fail',
      subject: 'Node',
      detail: `${deps.nodeVersion} at ${deps.nodePath} is too old`,
      fix: `install Node ${MIN_NODE_MAJOR} or newer (https://nodejs.org)`,
    };
  }
  const cache = major >= 22 ? ', compile cache on' : '';
  return { status: 'ok', subject: 'Node', detail: `${deps.nodeVersion} at ${deps.nodePath}${cache}` };
}

export async function checkTp(
  input: Pick<DoctorInput, 'tpPath'>,
  deps: DoctorDeps,
): Promise<{ finding: Finding; usable: boolean }> {
  const where = deps.resolveExecutable(input.tpPath);
  if (!where) {
    return {
      usable: false,
      finding: {
        status: 'fail',
        subject: 'tp',
        detail: `${input.tpPath} not found${input.tpPath.includes('/') ? '' : ' on PATH'}`,
        fix:
          'install it with `pipx install tensorpool` (or `uv tool install tensorpool`), or pass --tp-path ' +
          '/absolute/path/to/tp',
      },
    };
  }
  try {
    const facts = await deps.describeTp();
    const how = {
      usage: 'read from its help',
      version: 'from its version',
      override: 'set by --tp-generation',
      assumed: 'assumed',
    }[facts.source];
    const detail = `${where}, version ${facts.version ?? 'unknown'}, CLI generation ${facts.generation} (${how})`;
    if (facts.source === 'assumed') {
      return {
        usable: true,
        finding: {
          status: 'warn',
          subject: 'tp',
          detail,
          fix:
            'pass --tp-generation 0.0.6|0.0.7|0.0.8|0.0.9 to name the generation, or upgrade tp with `pipx ' +
            'upgrade tensorpool`',
        },
      };
    }
    return { usable: true, finding: { status: 'ok', subject: 'tp', detail } };
  } catch (error) {
    const message = deps.redact(error instanceof Error ? error.message : String(error));
    return {
      usable: false,
      finding: {
        status: 'fail',
        subject: 'tp',
        detail: `${where} does not run: ${message}`,
        fix: 'reinstall it with `pipx reinstall tensorpool`, or pass --tp-path to a working tp',
      },
    };
  }
}

/** The last four characters only, and only of a key long enough that they give nothing away. */
export function maskKey(key: string): string {
  return key.length >= 16 ? `…${key.slice(-4)}` : '(hidden)';
}

export async function checkApiKey(deps: DoctorDeps, tpUsable: boolean): Promise<Finding> {
  const key = apiKeyFrom(deps.env);
  if (!key) {
    return {
      status: 'fail',
      subject: 'API key',
      detail: `${API_KEY_VARIABLE} is not set`,
      fix: `set ${API_KEY_VARIABLE} to your key from ${KEY_SOURCE} (in the client's "env" block, or a .env file)`,
    };
  }
  const variable = keyVariableInForce(deps.env);
  const shown = `${variable} ${maskKey(key)}`;
  if (!tpUsable) return { status: 'info', subject: 'API key', detail: `${shown} is set; not checked, tp does not run` };
  const verdict = keyVerdict(await deps.accountMe());
  if ('unavailable' in verdict) {
    // the key is only in question when TensorPool answered (docs/tp-cli.md, the health check)
    return {
      status: 'fail',
      subject: 'TensorPool',
      detail: `cannot reach TensorPool, so ${shown} was not checked: ${deps.redact(verdict.unavailable)}`,
      fix:
        'check the network, a proxy (HTTPS_PROXY; tp sees the proxy and CA variables) or TENSORPOOL_ENGINE; the ' +
        'key may be fine',
    };
  }
  if (verdict.valid) return { status: 'ok', subject: 'API key', detail: `${shown} accepted by TensorPool (tp me)` };
  return {
    status: 'fail',
    subject: 'API key',
    detail: `${shown} rejected by TensorPool: ${deps.redact(verdict.said)}`,
    fix: `check the key at ${KEY_SOURCE}`,
  };
}

export function checkAllowedDirs(input: Pick<DoctorInput, 'allowDirs' | 'cwd' | 'home'>): Finding {
  try {
    const resolved = resolveAllowedDirs(input);
    if (resolved.allowedDirs.length === 0) {
      return {
        status: 'warn',
        subject: 'allowed directories',
        detail: `none: file tools (job_init, job_push, job_pull, …) will refuse; started in ${input.cwd}`,
        fix: 'pass --allow-dir /path/to/your/project (repeatable)',
      };
    }
    const source =
      input.allowDirs.length > 0
        ? ''
        : ' (the launch directory; clients start servers elsewhere, so name it with --allow-dir)';
    return { status: 'ok', subject: 'allowed directories', detail: `${resolved.allowedDirs.join(', ')}${source}` };
  } catch (error) {
    return {
      status: 'fail',
      subject: 'allowed directories',
      detail: error instanceof Error ? error.message : String(error),
      fix: 'create the directory or correct the --allow-dir path; the server refuses to start otherwise',
    };
  }
}

function describeApproval(input: Pick<DoctorInput, 'confirmMode' | 'confirmCreates' | 'readOnly'>): Finding {
  const parts = [approvalInForce(input.confirmMode, undefined, input.confirmCreates)];
  if (input.readOnly) parts.push('read-only: nothing that changes anything is offered');
  return { status: 'info', subject: 'approval', detail: parts.join('; ') };
}

export function describeLimits(input: Pick<DoctorInput, 'guardrails'>): Finding {
  const detail = limitsInWords(input.guardrails, 'any').join(', ');
  if (input.guardrails.allowInstanceTypes?.length === 0) {
    return {
      status: 'fail',
      subject: 'limits',
      detail: `${detail}: an empty instance-type list blocks every cluster_create`,
      fix: 'name the types, e.g. --allow-instance-types 1xH100,*L40S, or leave the flag out',
    };
  }
  return { status: 'info', subject: 'limits', detail };
}

/** Every check, in the order a person would fix things. */
export async function runChecks(input: DoctorInput, deps: DoctorDeps): Promise<Finding[]> {
  const tp = await checkTp(input, deps);
  return [
    checkNode(deps),
    tp.finding,
    await checkApiKey(deps, tp.usable),
    checkAllowedDirs(input),
    describeApproval(input),
    describeLimits(input),
  ];
}

const MARK: Record<Status, string> = { ok: ' ok ', info: 'info', warn: 'warn', fail: 'FAIL' };

/** One line per finding; a problem carries its fix on the same line. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map(
      (finding) =>
        `  [${MARK[finding.status]}] ${finding.subject}: ` +
        `${finding.detail}${finding.fix ? ` → fix: ${finding.fix}` : ''}`,
    )
    .join('\n');
}

export function hasProblem(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.status === 'fail');
}
