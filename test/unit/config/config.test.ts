import { describe, expect, it } from 'vitest';
import { configFromOptions, DEFAULT_CONFIG, resolveConfig } from '../../../src/config/config.js';
import { readOptions } from '../../../src/config/command-line.js';
import { defaultOptionValues } from '../../../src/config/options.js';

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
});
