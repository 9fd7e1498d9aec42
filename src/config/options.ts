import { delimiter } from 'node:path';
import { OptionValueError } from '../errors.js';
import { TOOLSETS } from '../registry/selection.js';
import { GENERATIONS, type Generation } from '../tp/generation.js';

/**
 * Every command-line option, declared once: its flag, its environment variable, how a value is read,
 * its default and its help. The command line and the environment both go through this table
 * (command-line.ts), and --help is printed from it, so the defaults it shows are the ones that apply.
 */

/** Sections of --help. */
export const HELP_GROUPS = {
  transport: 'Transport:',
  hosting: 'Hosted HTTP (authentication, allow-lists, limits):',
  tp: 'Running tp:',
  files: 'Files:',
  tools: 'Choosing tools:',
  safety: 'Approval and dry runs:',
  limits: 'Spending limits:',
  operations: 'Long operations:',
} as const;

export interface OptionSpec<T> {
  /** As commander writes them: `--port <port>`, or `--read-only` for a switch. */
  flags: string;
  env?: string;
  group: keyof typeof HELP_GROUPS;
  help: string;
  /** What applies when neither the flag nor the variable is given. */
  default: T;
  /** How --help names the default, when the value itself would not say it (e.g. "the launch directory"). */
  defaultHelp?: string;
  /**
   * Reads a value given on the command line; `previous` is what earlier repetitions of the flag gave. Absent: a switch.
   */
  parse?: (value: string, previous: T | undefined) => T;
  /** Reads the environment variable; default: `parse` of the whole value. */
  parseEnv?: (value: string) => T;
  /** How --help shows the variable, when it takes another form than the flag (e.g. `NAME=1`). */
  envHelp?: string;
  choices?: readonly string[];
  conflicts?: string;
  /** Means something only with --http: given on the command line without it, it is an error, not ignored. */
  httpOnly?: true;
}

function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

/** A flag without a value; its variable understands 1/true/yes and 0/false/no. */
function switchOption(
  spec: Omit<OptionSpec<boolean>, 'default' | 'parse' | 'parseEnv' | 'envHelp'>,
): OptionSpec<boolean> {
  return { ...spec, default: false, parseEnv: switchValue, envHelp: spec.env && `${spec.env}=1` };
}

function switchValue(value: string): boolean {
  const word = value.trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(word)) return true;
  if (['0', 'false', 'no'].includes(word)) return false;
  throw new OptionValueError('use 1/true/yes or 0/false/no');
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
      throw new OptionValueError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

const text = (value: string): string => value;

/** Comma-separated, and repeatable on the command line; an empty value is a mistake, not "none". */
function list(name: string, example: string) {
  return (value: string, previous: readonly string[] | undefined): readonly string[] => {
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    if (items.length === 0) throw new OptionValueError(`${name} needs at least one name, e.g. ${example}.`);
    return [...(previous ?? []), ...items];
  };
}

/** Variable names, each optionally ending in `*`: a typo like `HF TOKEN` would otherwise pass nothing, silently. */
function passEnvNames(value: string, previous: readonly string[] | undefined): readonly string[] {
  const names = list('--pass-env', 'HF_HOME,WANDB_MODE')(value, previous);
  const bad = names.find((name) => !/^[A-Za-z_][A-Za-z0-9_]*\*?$/.test(name));
  if (bad !== undefined)
    throw new OptionValueError(
      `--pass-env takes variable names (letters, digits, _; NAME* for a prefix), not '${bad}'.`,
    );
  return names;
}

function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value))
      throw new OptionValueError(`Allowed choices are ${choices.join(', ')}.`);
    return value as T;
  };
}

const AUTH_MODES = ['none', 'token', 'tensorpool-key', 'oauth'] as const;
export type AuthModeName = (typeof AUTH_MODES)[number];

const CONFIRM_MODES = ['flag', 'elicit', 'always-elicit'] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];
const TP_GENERATIONS = ['auto', ...GENERATIONS] as const;

export const OPTIONS = {
  stdio: switchOption({
    flags: '--stdio',
    group: 'transport',
    help: 'serve MCP over stdin/stdout (the default)',
    conflicts: 'http',
  }),
  http: switchOption({
    flags: '--http',
    group: 'transport',
    help: 'serve MCP over Streamable HTTP at http://HOST:PORT/mcp',
  }),
  port: option({
    flags: '--port <port>',
    env: 'PORT',
    group: 'transport',
    help: 'HTTP port (0 picks a free one)',
    default: 3000,
    parse: integer('--port', 0, 65535),
    httpOnly: true,
  }),
  host: option({
    flags: '--host <host>',
    env: 'HOST',
    group: 'transport',
    help: 'HTTP bind address; a non-loopback one only with --host, never from HOST',
    default: '127.0.0.1',
    parse: text,
    httpOnly: true,
  }),
  sessionIdle: option({
    flags: '--session-idle <seconds>',
    env: 'TENSORPOOL_MCP_SESSION_IDLE',
    group: 'transport',
    help: 'HTTP: close a session (and stop what it runs) after this long without a request',
    default: 1800,
    parse: integer('--session-idle', 1, 604800),
    httpOnly: true,
  }),
  auth: option<AuthModeName | undefined>({
    flags: '--auth <mode>',
    env: 'TENSORPOOL_MCP_AUTH',
    group: 'hosting',
    help:
      "how callers authenticate: token (--auth-token), tensorpool-key (each caller's own TensorPool API key), " +
      'oauth, none',
    default: undefined,
    defaultHelp: 'token when tokens are given, else none (loopback only)',
    choices: AUTH_MODES,
    parse: oneOf(AUTH_MODES),
    httpOnly: true,
  }),
  authToken: option<readonly string[] | undefined>({
    flags: '--auth-token <tokens>',
    env: 'TENSORPOOL_MCP_AUTH_TOKENS',
    group: 'hosting',
    help:
      'accepted bearer tokens, comma-separated (prefer the variable or --auth-token-file: a command line is ' +
      'visible to other users)',
    default: undefined,
    defaultHelp: 'none',
    parse: list('--auth-token', '$(openssl rand -hex 32)'),
    httpOnly: true,
  }),
  authTokenFile: option<string | undefined>({
    flags: '--auth-token-file <path>',
    env: 'TENSORPOOL_MCP_AUTH_TOKEN_FILE',
    group: 'hosting',
    help: 'a file of accepted bearer tokens, one per line (# comments)',
    default: undefined,
    parse: text,
    httpOnly: true,
  }),
  oauthIssuer: option<string | undefined>({
    flags: '--oauth-issuer <url>',
    env: 'TENSORPOOL_MCP_OAUTH_ISSUER',
    group: 'hosting',
    help: "with --auth oauth: the authorization server's issuer URL",
    default: undefined,
    parse: text,
    httpOnly: true,
  }),
  oauthAudience: option<string | undefined>({
    flags: '--oauth-audience <aud>',
    env: 'TENSORPOOL_MCP_OAUTH_AUDIENCE',
    group: 'hosting',
    help: 'with --auth oauth: the audience tokens must carry, best the public URL of /mcp',
    default: undefined,
    parse: text,
    httpOnly: true,
  }),
  oauthScope: option<readonly string[] | undefined>({
    flags: '--oauth-scope <scopes>',
    env: 'TENSORPOOL_MCP_OAUTH_SCOPE',
    group: 'hosting',
    help: 'with --auth oauth: scopes every token must hold, comma-separated',
    default: undefined,
    defaultHelp: 'none',
    parse: list('--oauth-scope', 'mcp:tools'),
    httpOnly: true,
  }),
  // deliberately without a variable: serving a network without authentication must be said on the command line
  allowUnauthenticated: switchOption({
    flags: '--allow-unauthenticated',
    group: 'hosting',
    help: 'serve a non-loopback --host without authentication (only behind a proxy that authenticates)',
    httpOnly: true,
  }),
  allowedHosts: option<readonly string[] | undefined>({
    flags: '--allowed-hosts <names>',
    env: 'TENSORPOOL_MCP_ALLOWED_HOSTS',
    group: 'hosting',
    help: 'Host names this server answers to besides its own addresses, comma-separated; * turns the check off',
    default: undefined,
    defaultHelp:
      "the loopback names and the bind address, plus this machine's names and addresses on a non-loopback bind",
    parse: list('--allowed-hosts', 'mcp.example.com'),
    httpOnly: true,
  }),
  allowedOrigins: option<readonly string[] | undefined>({
    flags: '--allowed-origins <origins>',
    env: 'TENSORPOOL_MCP_ALLOWED_ORIGINS',
    group: 'hosting',
    help:
      'web origins that may send requests (a request without Origin, from a non-browser client, always may); * ' +
      'allows any',
    default: undefined,
    defaultHelp: 'none',
    parse: list('--allowed-origins', 'https://app.example.com'),
    httpOnly: true,
  }),
  corsOrigin: option<readonly string[] | undefined>({
    flags: '--cors-origin <origins>',
    env: 'TENSORPOOL_MCP_CORS_ORIGIN',
    group: 'hosting',
    help: 'web origins that get CORS headers (exposing Mcp-Session-Id), comma-separated; * for any',
    default: undefined,
    defaultHelp: 'CORS off',
    parse: list('--cors-origin', 'https://app.example.com'),
    httpOnly: true,
  }),
  maxSessions: option({
    flags: '--max-sessions <n>',
    env: 'TENSORPOOL_MCP_MAX_SESSIONS',
    group: 'hosting',
    help: 'most open sessions; more get 503 with Retry-After',
    default: 100,
    parse: integer('--max-sessions', 1, 100_000),
    httpOnly: true,
  }),
  maxSessionsPerCaller: option({
    flags: '--max-sessions-per-caller <n>',
    env: 'TENSORPOOL_MCP_MAX_SESSIONS_PER_CALLER',
    group: 'hosting',
    help:
      'most open sessions of one authenticated caller (token, API key or OAuth principal); more get 429 with ' +
      'Retry-After',
    default: 16,
    parse: integer('--max-sessions-per-caller', 1, 100_000),
    httpOnly: true,
  }),
  trustProxy: switchOption({
    flags: '--trust-proxy',
    env: 'TENSORPOOL_MCP_TRUST_PROXY',
    group: 'hosting',
    help:
      "behind one proxy that appends the client's address to X-Forwarded-For: limit key checks by that address, " +
      "not the proxy's",
    httpOnly: true,
  }),

  tpPath: option({
    flags: '--tp-path <path>',
    env: 'TP_PATH',
    group: 'tp',
    help: 'the tp executable',
    default: 'tp',
    defaultHelp: 'tp on PATH',
    parse: text,
  }),
  tpGeneration: option<'auto' | Generation>({
    flags: '--tp-generation <generation>',
    env: 'TENSORPOOL_MCP_TP_GENERATION',
    group: 'tp',
    help: 'tp CLI generation to build commands for; auto detects it from the installed tp',
    default: 'auto',
    choices: TP_GENERATIONS,
    parse: oneOf(TP_GENERATIONS),
  }),
  timeout: option({
    flags: '--timeout <seconds>',
    env: 'TENSORPOOL_MCP_TIMEOUT',
    group: 'tp',
    help: 'limit for one tp call',
    default: 1800,
    parse: integer('--timeout', 1, 86400),
  }),
  maxProcesses: option({
    flags: '--max-processes <n>',
    env: 'TENSORPOOL_MCP_MAX_PROCESSES',
    group: 'tp',
    help:
      'most tp processes at once; further calls wait, taking turns across callers (across sessions without ' +
      'authentication)',
    default: 4,
    parse: integer('--max-processes', 1, 64),
  }),
  passEnv: option<readonly string[]>({
    flags: '--pass-env <names>',
    env: 'TENSORPOOL_MCP_PASS_ENV',
    group: 'tp',
    help:
      'further environment variables tp may see, comma-separated and repeatable; NAME* for a prefix (tp gets ' +
      'only PATH, HOME, locale, proxy, CA, temp, Python and TENSORPOOL_* otherwise)',
    default: [],
    defaultHelp: 'none',
    parse: passEnvNames,
  }),
  envFile: option<string | undefined>({
    flags: '--env-file <path>',
    env: 'TENSORPOOL_MCP_ENV_FILE',
    group: 'tp',
    help: '.env file to load, without overriding the environment; from an implicit ./.env only the API key is read',
    default: undefined,
    defaultHelp: './.env if present',
    parse: text,
  }),

  allowDir: option<readonly string[]>({
    flags: '--allow-dir <dir>',
    env: 'TENSORPOOL_MCP_ALLOWED_DIRS',
    group: 'files',
    help: "directory file tools may use (repeatable); a client's MCP roots can only narrow these",
    default: [],
    defaultHelp: 'the launch directory, unless it is / or holds your home directory',
    parse: (value, previous) => [...(previous ?? []), value],
    parseEnv: (value) => value.split(delimiter).filter((dir) => dir.trim() !== ''),
    envHelp: `TENSORPOOL_MCP_ALLOWED_DIRS, "${delimiter}"-separated`,
  }),
  // over stdio the client runs on this machine and its roots name this machine's folders; over HTTP they need not
  trustClientRoots: switchOption({
    flags: '--trust-client-roots',
    env: 'TENSORPOOL_MCP_TRUST_CLIENT_ROOTS',
    group: 'files',
    help:
      "HTTP: narrow the allowed directories to each client's MCP roots, as stdio always does (roots never widen " +
      'them)',
    httpOnly: true,
  }),

  toolsets: option<readonly string[] | undefined>({
    flags: '--toolsets <names>',
    env: 'TENSORPOOL_MCP_TOOLSETS',
    group: 'tools',
    help: `toolsets to offer, comma-separated: ${TOOLSETS.join(', ')}, or default, all`,
    default: undefined,
    defaultHelp: 'all but object_storage; none when --tools is given',
    parse: list('--toolsets', 'clusters,jobs'),
  }),
  tools: option<readonly string[] | undefined>({
    flags: '--tools <names>',
    env: 'TENSORPOOL_MCP_TOOLS',
    group: 'tools',
    help: 'single tools to offer in addition (alone: only these)',
    default: undefined,
    defaultHelp: 'none',
    parse: list('--tools', 'cluster_list,job_list'),
  }),
  excludeTools: option<readonly string[] | undefined>({
    flags: '--exclude-tools <names>',
    env: 'TENSORPOOL_MCP_EXCLUDE_TOOLS',
    group: 'tools',
    help: 'tools never to offer',
    default: undefined,
    defaultHelp: 'none',
    parse: list('--exclude-tools', 'cluster_destroy'),
  }),
  readOnly: switchOption({
    flags: '--read-only',
    env: 'TENSORPOOL_MCP_READ_ONLY',
    group: 'tools',
    help: 'offer only tools that change nothing',
  }),
  allowSecrets: switchOption({
    flags: '--allow-secrets',
    env: 'TENSORPOOL_MCP_ALLOW_SECRETS',
    group: 'tools',
    help: 'offer object-storage tools that print or write secret keys, and show the key object_storage_enable prints',
  }),

  confirm: option<ConfirmMode>({
    flags: '--confirm <mode>',
    env: 'TENSORPOOL_MCP_CONFIRM',
    group: 'safety',
    help:
      'how irreversible and sensitive calls are approved: elicit (ask the person where the client can, ' +
      'confirm=true elsewhere), flag (confirm=true), always-elicit',
    default: 'elicit',
    choices: CONFIRM_MODES,
    parse: oneOf(CONFIRM_MODES),
  }),
  // on by default: a newcomer expects a GPU cluster not to start billing without being asked
  confirmCreates: option<boolean>({
    flags: '--no-confirm-creates',
    env: 'TENSORPOOL_MCP_CONFIRM_CREATES',
    group: 'safety',
    help:
      'do not approve calls that start billing (cluster_create, storage_create, job_push, storage_edit growing a ' +
      'volume); by default they are approved like irreversible ones',
    default: true,
    parseEnv: switchValue,
    envHelp: 'TENSORPOOL_MCP_CONFIRM_CREATES=0',
  }),
  dryRun: switchOption({
    flags: '--dry-run',
    env: 'TENSORPOOL_MCP_DRY_RUN',
    group: 'safety',
    help: 'tools that would change anything report the tp command instead of running it',
  }),

  allowInstanceTypes: option<readonly string[] | undefined>({
    flags: '--allow-instance-types <list>',
    env: 'TENSORPOOL_MCP_ALLOW_INSTANCE_TYPES',
    group: 'limits',
    help: 'instance types cluster_create may start, comma-separated, * as wildcard (e.g. 1xH100,*L40S)',
    default: undefined,
    defaultHelp: 'any',
    parse: list('--allow-instance-types', '1xH100,*L40S'),
  }),
  maxNodes: option<number | undefined>({
    flags: '--max-nodes <n>',
    env: 'TENSORPOOL_MCP_MAX_NODES',
    group: 'limits',
    help: 'most nodes one cluster_create may ask for',
    default: undefined,
    defaultHelp: 'no limit',
    parse: integer('--max-nodes', 1, 10_000),
  }),
  maxStorageGb: option<number | undefined>({
    flags: '--max-storage-gb <gb>',
    env: 'TENSORPOOL_MCP_MAX_STORAGE_GB',
    group: 'limits',
    help: 'largest volume storage_create or storage_edit may ask for',
    default: undefined,
    defaultHelp: 'no limit',
    parse: integer('--max-storage-gb', 1, 100_000_000),
  }),

  syncBudget: option({
    flags: '--sync-budget <seconds>',
    env: 'TENSORPOOL_MCP_SYNC_BUDGET',
    group: 'operations',
    help: 'a call still running after this long returns an operation handle to follow with operation_status',
    default: 20,
    parse: integer('--sync-budget', 1, 3600),
  }),
  maxResultKb: option({
    flags: '--max-result-kb <kb>',
    env: 'TENSORPOOL_MCP_MAX_RESULT_KB',
    group: 'operations',
    help: "most of tp's output one tool result carries (the cut is marked; all of it stays readable as a resource)",
    default: 80,
    parse: integer('--max-result-kb', 8, 100_000),
  }),
  maxOutputMb: option({
    flags: '--max-output-mb <mb>',
    env: 'TENSORPOOL_MCP_MAX_OUTPUT_MB',
    group: 'operations',
    help:
      "most of one operation's output kept on disk (its head and tail; the middle is cut); all operations " +
      'together keep at most 4 times this',
    default: 100,
    parse: integer('--max-output-mb', 1, 1_000_000),
  }),
  operationTtl: option({
    flags: '--operation-ttl <seconds>',
    env: 'TENSORPOOL_MCP_OPERATION_TTL',
    group: 'operations',
    help: 'how long finished operations stay readable',
    default: 600,
    parse: integer('--operation-ttl', 1, 86400),
  }),
};

export type OptionName = keyof typeof OPTIONS;

/** What the table reads: one value per option, from the flag, else the variable, else the default. */
export type OptionValues = { readonly [K in OptionName]: (typeof OPTIONS)[K] extends OptionSpec<infer T> ? T : never };

export function defaultOptionValues(): OptionValues {
  return Object.fromEntries(Object.entries(OPTIONS).map(([name, spec]) => [name, spec.default])) as OptionValues;
}
