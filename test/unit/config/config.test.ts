import { describe, expect, it } from 'vitest';
import { configFromOptions, DEFAULT_CONFIG, resolveConfig, runnerLimits } from '../../../src/config/config.js';
import { readOptions } from '../../../src/config/command-line.js';
import { defaultOptionValues } from '../../../src/config/options.js';
import { ConfigError } from '../../../src/errors.js';
import { TpRunner } from '../../../src/tp/runner.js';

describe('Config', () => {
  it("the defaults are the option table's, in the units the server uses", () => {
    expect(DEFAULT_CONFIG).toMatchObject({
      transport: 'stdio',
      host: '127.0.0.1',
      port: 3000,
      sessionIdleMs: 1_800_000,
      tpPath: 'tp',
      tpGeneration: 'auto',
      timeoutMs: 1_800_000,
      maxProcesses: 4,
      allowedDirs: [],
      allowDirsExplicit: false,
      trustClientRoots: false,
      readOnly: false,
      allowSecrets: false,
      confirmMode: 'elicit',
      confirmCreates: true,
      dryRun: false,
      guardrails: { allowInstanceTypes: undefined, maxNodes: undefined, maxStorageGb: undefined },
      syncBudgetMs: 20_000,
      heartbeatMs: 10_000,
      operationTtlMs: 600_000,
    });
    expect(configFromOptions(defaultOptionValues())).toEqual(DEFAULT_CONFIG);
  });

  it('reads a command line into one complete, frozen object', () => {
    const { values } = readOptions(
      ['node', 'x', '--http', '--sync-budget', '3', '--max-nodes', '2', '--allow-instance-types', '1xH100'],
      {
        TENSORPOOL_MCP_CONFIRM: 'elicit',
      },
    );
    const config = configFromOptions(values, { allowedDirs: ['/srv/project'] });
    expect(config).toMatchObject({
      transport: 'http',
      syncBudgetMs: 3000,
      confirmMode: 'elicit',
      allowedDirs: ['/srv/project'],
      guardrails: { allowInstanceTypes: ['1xH100'], maxNodes: 2, maxStorageGb: undefined },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.guardrails)).toBe(true);
    expect(Object.isFrozen(config.guardrails.allowInstanceTypes)).toBe(true);
  });

  it('resolveConfig fills in what a library user leaves out, without freezing their objects', () => {
    const dirs = ['/srv/project'];
    const config = resolveConfig({
      allowedDirs: dirs,
      dryRun: true,
      guardrails: { maxNodes: 1 },
      syncBudgetMs: undefined,
    });
    expect(config).toEqual({
      ...DEFAULT_CONFIG,
      allowedDirs: dirs,
      dryRun: true,
      guardrails: { ...DEFAULT_CONFIG.guardrails, maxNodes: 1 },
    });
    expect(Object.isFrozen(config.allowedDirs)).toBe(true);
    expect(Object.isFrozen(dirs)).toBe(false);
    expect(() => {
      (config as { dryRun: boolean }).dryRun = false;
    }).toThrow(TypeError);
  });

  it('carries the HTTP security settings derived from the hosting options, frozen all the way down', () => {
    const { values } = readOptions(
      ['node', 'x', '--http', '--host', '0.0.0.0', '--allow-unauthenticated', '--allowed-origins', 'https://a.example'],
      {},
      () => {},
    );
    const warnings: string[] = [];
    const config = configFromOptions(values, undefined, (warning) => warnings.push(warning));
    expect(config.http).toMatchObject({
      auth: { mode: 'none' },
      allowedOrigins: ['https://a.example'],
      maxSessions: 100,
      maxSessionsPerCaller: 16,
    });
    expect(warnings).toEqual([expect.stringMatching(/^WARNING: --allow-unauthenticated/)]);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(Object.isFrozen(config.http?.auth)).toBe(true);
    expect(Object.isFrozen(config.http?.allowedOrigins)).toBe(true);
    // stdio has none, and a library Config none either
    expect(DEFAULT_CONFIG.http).toBeUndefined();
    expect(resolveConfig({ readOnly: true }).http).toBeUndefined();
  });

  it('refuses hosting options that do not hold together, naming the option', () => {
    const { values } = readOptions(['node', 'x', '--http', '--host', '0.0.0.0'], {}, () => {});
    expect(() => configFromOptions(values)).toThrow(ConfigError);
    expect(() => configFromOptions(values)).toThrow(/--host 0.0.0.0 is reachable from other machines/);
  });

  it("hands a runner the Config's process limit and an output bound within the result budget", () => {
    const limits = runnerLimits(resolveConfig({ maxProcesses: 7, maxResultBytes: 40_960 }));
    expect(limits.maxProcesses).toBe(7);
    expect(4 * (limits.outputHeadBytes + limits.outputTailBytes)).toBe(40_960);
    // a library caller that leaves a limit out hears which one, instead of a runner that never starts tp
    expect(() => new TpRunner({ tpPath: 'tp', env: {}, timeoutMs: 1000 } as never)).toThrow(/maxProcesses/);
  });
});
