import { API_KEY_VARIABLE, apiKeyFrom, type Env, TP_KEY_VARIABLE } from '../config/api-key.js';

export type { Env };

/**
 * What tp needs of the server's environment to start and reach the engine, on Linux, macOS and
 * Windows: the search path and home (pipx and uv shims live there), locale, temp directory, proxies
 * and CA bundles, Python's own start-up variables, and Windows' system directories. Everything else
 * (DATABASE_URL, cloud credentials, tokens) stays with the server: tp hands its environment to the
 * shell commands the engine sends. More with --pass-env NAME.
 */
const ALLOWED_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'TZ',
  'LANG',
  'LANGUAGE',
  'TMPDIR',
  'TMP',
  'TEMP',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'XDG_RUNTIME_DIR',
  'VIRTUAL_ENV',
  'PIPX_HOME',
  'PIPX_BIN_DIR',
  'UV_TOOL_DIR',
  'UV_TOOL_BIN_DIR',
  'UV_CACHE_DIR',
  // Windows: Python cannot start without SYSTEMROOT, and finds home and %APPDATA% through these
  'SYSTEMROOT',
  'SystemRoot',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'USERNAME',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
]);

/**
 * Locale (LC_ALL, LC_CTYPE, …), tp's own settings, and Python's start-up (PYTHONPATH, PYTHONHOME, PYTHONIOENCODING, …).
 */
const ALLOWED_PREFIXES = /^(LC_|TENSORPOOL_|PYTHON)/;

/** Variables of the server that tp may see: the allow-list, plus the names (or `PREFIX*`) the operator passes. */
function isPassedToTp(name: string, passEnv: readonly string[]): boolean {
  if (ALLOWED_NAMES.has(name)) return true;
  if (passEnv.some((passed) => (passed.endsWith('*') ? name.startsWith(passed.slice(0, -1)) : name === passed)))
    return true;
  // the server's own settings (TENSORPOOL_MCP_*, auth tokens among them) are not tp's
  return ALLOWED_PREFIXES.test(name) && !name.startsWith('TENSORPOOL_MCP_');
}

/**
 * The environment every `tp` child gets: the allowed part of the server's, with the key bridged
 * from TENSORPOOL_API_KEY and the settings that make a non-TTY Python CLI behave. Tool arguments
 * never reach this function, so TENSORPOOL_ENGINE can only come from the operator.
 */
export function childEnvironment(serverEnv: Env, passEnv: readonly string[] = []): Env {
  const env: Env = {};
  for (const [name, value] of Object.entries(serverEnv))
    if (value !== undefined && isPassedToTp(name, passEnv)) env[name] = value;
  const key = apiKeyFrom(serverEnv);
  delete env[API_KEY_VARIABLE];
  if (key) env[TP_KEY_VARIABLE] = key;
  else delete env[TP_KEY_VARIABLE];
  // set but empty, tp fails every call with "Invalid URL '/health'"
  if (!env.TENSORPOOL_ENGINE?.trim()) delete env.TENSORPOOL_ENGINE;
  // piped stdout is block-buffered in Python: lines would arrive late or out of order
  env.PYTHONUNBUFFERED = '1';
  env.TQDM_DISABLE = '1';
  // argparse and the engine's tables wrap at 80 columns otherwise
  env.COLUMNS = '1000';
  return env;
}
