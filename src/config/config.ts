import type { AllowedDirs } from '../files/allowed-dirs.js';
import type { Generation } from '../tp/generation.js';
import type { Env } from './api-key.js';
import { streamBounds } from '../tp/output-bounds.js';
import type { TpRunnerOptions } from '../tp/runner.js';
import { deepFreeze } from '../deep-freeze.js';
import { resolveHttpSecurity, type HttpSecurityConfig } from './http-security.js';
import { defaultOptionValues, type ConfirmMode, type OptionValues } from './options.js';

/** Spending limits set by the operator; a call outside them is refused before anything runs. */
export interface Guardrails {
  /** Instance types that may be started; `*` matches any run of characters. Undefined: any. */
  readonly allowInstanceTypes: readonly string[] | undefined;
  readonly maxNodes: number | undefined;
  readonly maxStorageGb: number | undefined;
}

/**
 * How the operator started the server: complete, frozen, the same for every session and call.
 * What the server finds out while it runs (the installed tp, the tools it registered, a client's
 * roots) is not configuration: see RuntimeFacts.
 */
export interface Config {
  // transport
  readonly transport: 'stdio' | 'http';
  readonly host: string;
  readonly port: number;
  /** HTTP: a session without a request for this long is closed, with whatever it still runs. */
  readonly sessionIdleMs: number;
  /** HTTP: authentication, allow-lists and session limits; undefined over stdio. */
  readonly http: HttpSecurityConfig | undefined;

  // running tp
  readonly tpPath: string;
  /** 'auto': detected from the installed tp. */
  readonly tpGeneration: 'auto' | Generation;
  /** Limit of one tp call. */
  readonly timeoutMs: number;
  /** Most tp processes at once; further calls wait, taking turns across callers (sessions, without authentication). */
  readonly maxProcesses: number;
  /** Variables of the server's environment tp gets beyond its allow-list (tp/environment.ts); NAME* is a prefix. */
  readonly passEnv: readonly string[];

  // files
  /** Directories file tools may read and write, as real paths; empty: file tools refuse. */
  readonly allowedDirs: readonly string[];
  /** Why `allowedDirs` is empty, phrased for the model and the user. */
  readonly allowedDirsProblem: string | undefined;
  /**
   * Whether allowedDirs came from --allow-dir, not the launch-directory default (a non-loopback HTTP server offers file
   * tools only then).
   */
  readonly allowDirsExplicit: boolean;
  /** HTTP: narrow allowedDirs to each client's MCP roots (stdio always does; roots never widen them). */
  readonly trustClientRoots: boolean;

  // choosing tools (selectTools reads these)
  readonly toolsets: readonly string[] | undefined;
  readonly tools: readonly string[] | undefined;
  readonly excludeTools: readonly string[] | undefined;
  readonly readOnly: boolean;
  /** Object-storage secrets may be shown, and the tools that print them are offered. */
  readonly allowSecrets: boolean;

  // approval and dry runs
  /** How irreversible (and, with confirmCreates, billing) calls are approved. */
  readonly confirmMode: ConfirmMode;
  readonly confirmCreates: boolean;
  /** Tools that would change something report the tp command instead of running it. */
  readonly dryRun: boolean;

  readonly guardrails: Guardrails;

  // long operations
  /** A call still running after this long returns an operation handle. */
  readonly syncBudgetMs: number;
  /** Progress heartbeat while tp prints nothing. */
  readonly heartbeatMs: number;
  /** How long finished operations stay readable. */
  readonly operationTtlMs: number;
  /** What one tool result may carry of tp's output (tp/output-bounds.ts splits it). */
  readonly maxResultBytes: number;
  /**
   * Most bytes of one operation's output kept on disk; past it the middle is cut (the process keeps 4× this in all).
   */
  readonly maxOutputBytes: number;
}

/** The generation the operator named, if any: commands are built for it and detection is skipped. */
export function generationOverride(config: Config): Generation | undefined {
  return config.tpGeneration === 'auto' ? undefined : config.tpGeneration;
}

/** A TpRunner's options for this Config and the environment tp is run with (the key is read from it). */
export function runnerOptions(config: Config, env: Env): TpRunnerOptions {
  return { tpPath: config.tpPath, env, passEnv: config.passEnv, timeoutMs: config.timeoutMs, ...runnerLimits(config) };
}

/** What a TpRunner takes of the Config: how many processes at once, and how much of each stream it keeps. */
export function runnerLimits(config: Pick<Config, 'maxProcesses' | 'maxResultBytes'>): {
  maxProcesses: number;
  outputHeadBytes: number;
  outputTailBytes: number;
} {
  const { headBytes, tailBytes } = streamBounds(config.maxResultBytes);
  return { maxProcesses: config.maxProcesses, outputHeadBytes: headBytes, outputTailBytes: tailBytes };
}

/** What a library user may set; everything left out takes its default. (HTTP security is the command line's.) */
export type ConfigInput = Partial<Omit<Config, 'guardrails' | 'http'>> & { readonly guardrails?: Partial<Guardrails> };

/** No directory: file tools refuse until the operator (or a client's roots) names one. */
const NO_DIRS: AllowedDirs = { allowedDirs: [], allowedDirsProblem: undefined };

/** Settings without a flag, declared here once. */
const FIXED = {
  heartbeatMs: 10_000,
} as const;

/**
 * The Config the option table's values describe, or a ConfigError naming the option and what is allowed.
 * `dirs`: --allow-dir resolved against the launch directory. `warn` hears what the operator chose that is
 * risky (said loudly at start-up).
 */
export function configFromOptions(
  values: OptionValues,
  dirs: AllowedDirs = NO_DIRS,
  warn: (warning: string) => void = () => {},
): Config {
  let http: HttpSecurityConfig | undefined;
  if (values.http) {
    const resolved = resolveHttpSecurity(values, { host: values.host });
    resolved.warnings.forEach(warn);
    http = resolved.config;
  }
  return deepFreeze({
    transport: values.http ? 'http' : 'stdio',
    host: values.host,
    port: values.port,
    sessionIdleMs: values.sessionIdle * 1000,
    http,
    tpPath: values.tpPath,
    tpGeneration: values.tpGeneration,
    timeoutMs: values.timeout * 1000,
    maxProcesses: values.maxProcesses,
    passEnv: values.passEnv,
    allowedDirs: dirs.allowedDirs,
    allowedDirsProblem: dirs.allowedDirsProblem,
    allowDirsExplicit: values.allowDir.length > 0,
    trustClientRoots: values.trustClientRoots,
    toolsets: values.toolsets,
    tools: values.tools,
    excludeTools: values.excludeTools,
    readOnly: values.readOnly,
    allowSecrets: values.allowSecrets,
    confirmMode: values.confirm,
    confirmCreates: values.confirmCreates,
    dryRun: values.dryRun,
    guardrails: {
      allowInstanceTypes: values.allowInstanceTypes,
      maxNodes: values.maxNodes,
      maxStorageGb: values.maxStorageGb,
    },
    syncBudgetMs: values.syncBudget * 1000,
    heartbeatMs: FIXED.heartbeatMs,
    operationTtlMs: values.operationTtl * 1000,
    maxResultBytes: values.maxResultKb * 1024,
    maxOutputBytes: values.maxOutputMb * 1024 * 1024,
  });
}

/** Every default, once: the option table's, and FIXED. */
export const DEFAULT_CONFIG: Config = configFromOptions(defaultOptionValues());

/** A complete, frozen Config: `input` over the defaults. */
export function resolveConfig(input: ConfigInput = {}): Config {
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  // a copy: freezing must not reach into the caller's own arrays
  return deepFreeze(
    structuredClone({
      ...DEFAULT_CONFIG,
      ...defined,
      guardrails: { ...DEFAULT_CONFIG.guardrails, ...input.guardrails },
    }),
  );
}
