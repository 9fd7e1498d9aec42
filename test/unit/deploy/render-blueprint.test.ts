// render.yaml is a one-click deployment: its start command must be one our CLI accepts as it stands,
// with the variables Render provides. Parsed only: nothing listens, nothing reaches the network.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { parseCommandLine } from '../../../src/cli.js';

const ROOT = resolve(import.meta.dirname, '../../..');

interface EnvVar {
  key: string;
  value?: string;
  sync?: boolean;
  generateValue?: boolean;
}
interface Service {
  type: string;
  runtime: string;
  buildCommand: string;
  startCommand: string;
  healthCheckPath?: string;
  envVars: EnvVar[];
}

const blueprint = parse(readFileSync(resolve(ROOT, 'render.yaml'), 'utf8')) as { services: Service[] };
const service = blueprint.services.find((candidate) => candidate.type === 'web')!;

/** What Render sets for every web service (render.com/docs/environment-variables). */
const RENDER_PROVIDED = { PORT: '10000', RENDER_EXTERNAL_HOSTNAME: 'tensorpool-mcp-x1y2.onrender.com' };

/** A start command as the shell would split it: plain words and $VARIABLES only. */
function argvOf(command: string, env: Record<string, string>): string[] {
  expect(command, 'quotes or shell operators would need a real shell parser here').toMatch(/^[\w./$= -]+$/);
  return command.split(/\s+/).map((word) =>
    word.replace(/\$(\w+)/g, (_, name: string) => {
      expect(env, `$${name} is neither provided by Render nor declared in envVars`).toHaveProperty(name);
      return env[name]!;
    }),
  );
}

/** Values for the declared variables: a generated token looks like Render's (base64 of 256 bits). */
function declaredEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of service.envVars) {
    env[variable.key] =
      variable.value ??
      (variable.generateValue ? randomBytes(32).toString('base64') : 'tpk_placeholder_entered_in_dashboard');
  }
  return env;
}

beforeEach(() => {
  for (const name of Object.keys(process.env))
    if (/^(TENSORPOOL|HOST$|PORT$|TP_PATH$)/.test(name)) vi.stubEnv(name, undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function parseStartCommand(command: string, env: Record<string, string>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const argv = argvOf(command, { ...RENDER_PROVIDED, ...env });
  // a small young generation: memory stays flat while tp prints hundreds of MB (docs/performance.md)
  expect(argv.slice(0, 3)).toEqual(['node', '--max-semi-space-size=2', 'bin/tensorpool-mcp.js']);
  expect(existsSync(resolve(ROOT, argv[2]!))).toBe(true);
  return parseCommandLine(['node', argv[2]!, ...argv.slice(3)]);
}

describe('render.yaml', () => {
  it(
    'starts a server our CLI accepts: HTTP on every address at $PORT, with authentication and the public host ' +
      'name',
    () => {
      const { config } = parseStartCommand(service.startCommand, { ...RENDER_PROVIDED, ...declaredEnv() });
      expect(config.transport).toBe('http');
      expect(config.host).toBe('0.0.0.0');
      expect(config.port).toBe(10000);
      expect(config.http?.auth.mode).toBe('token');
      expect(config.http?.allowedHosts).toContain(RENDER_PROVIDED.RENDER_EXTERNAL_HOSTNAME);
    },
  );

  it("keeps secrets in Render's secret store, never in the file", () => {
    const secrets = service.envVars.filter((variable) => /KEY|TOKEN|SECRET|PASSWORD/.test(variable.key));
    expect(secrets.map((variable) => variable.key).sort()).toEqual([
      'TENSORPOOL_API_KEY',
      'TENSORPOOL_MCP_AUTH_TOKENS',
    ]);
    for (const secret of secrets) {
      expect(secret.value, secret.key).toBeUndefined();
      expect(secret.sync === false || secret.generateValue === true, secret.key).toBe(true);
    }
  });

  it('installs the tp CLI where the start command looks for it, and builds this package', () => {
    const tpPath = argvOf(service.startCommand, { ...RENDER_PROVIDED, ...declaredEnv() }).find(
      (_, i, all) => all[i - 1] === '--tp-path',
    )!;
    expect(tpPath).toBe('.tp/bin/tp');
    expect(service.buildCommand).toMatch(/python3 -m venv \.tp && \.tp\/bin\/pip install [^&]*\btensorpool\b/);
    expect(service.buildCommand).toMatch(/npm ci --include=dev && npm run build/);
    expect(service.runtime).toBe('node');
    expect(service.healthCheckPath).toBe('/readyz');
  });

  it('works as documented with --auth tensorpool-key and no server key', () => {
    const command = service.startCommand.replace('--auth token', '--auth tensorpool-key');
    expect(command).not.toBe(service.startCommand);
    const env = Object.fromEntries(Object.entries(declaredEnv()).filter(([name]) => !/KEY|TOKEN/.test(name)));
    const { config } = parseStartCommand(command, { ...RENDER_PROVIDED, ...env });
    expect(config.http?.auth.mode).toBe('tensorpool-key');
  });
});

describe('render.yaml serves clusters and storage only, and says so', () => {
  it('gives no --allow-dir (a non-loopback server then offers no file tool) and says plainly why', () => {
    const { config } = parseStartCommand(service.startCommand, { ...RENDER_PROVIDED, ...declaredEnv() });
    expect(config.allowDirsExplicit).toBe(false);
    const text = readFileSync(resolve(ROOT, 'render.yaml'), 'utf8');
    expect(text).toMatch(/serves clusters and storage only/);
    expect(text).toMatch(/For the job workflow, run\s*#\s*tensorpool-mcp on your own machine/);
  });
});

describe('Procfile (Heroku-style platforms)', () => {
  const procfile = readFileSync(resolve(ROOT, 'Procfile'), 'utf8');
  const web = /^web: (.+)$/m.exec(procfile)?.[1];
  /** What the operator sets as config vars, documented in docs/deploying.md; the platform sets PORT. */
  const configVars = {
    PORT: '5000',
    TENSORPOOL_API_KEY: 'tpk_placeholder_entered_in_dashboard',
    TENSORPOOL_MCP_AUTH_TOKENS: randomBytes(32).toString('hex'),
    TENSORPOOL_MCP_ALLOWED_HOSTS: 'my-app.herokuapp.com',
    TP_PATH: '/app/.heroku/python/bin/tp',
  };

  it(
    'has one web process that our CLI accepts: HTTP on every address at $PORT, with a bearer token and the public ' +
      'host',
    () => {
      expect(web).toBeDefined();
      const { config } = parseStartCommand(web!, configVars);
      expect(config).toMatchObject({
        transport: 'http',
        host: '0.0.0.0',
        port: 5000,
        tpPath: configVars.TP_PATH,
        confirmMode: 'elicit',
        confirmCreates: true,
      });
      expect(config.http?.auth.mode).toBe('token');
      expect(config.http?.allowedHosts).toContain('my-app.herokuapp.com');
    },
  );

  it('refuses to start without its token, rather than serving the internet unauthenticated', () => {
    const { TENSORPOOL_MCP_AUTH_TOKENS: _token, ...rest } = configVars;
    expect(() => parseStartCommand(web!, rest)).toThrow(/--auth token needs tokens/);
  });
});
