export type Env = Record<string, string | undefined>;

/** The API key the server will hand to `tp`, if any; `TENSORPOOL_KEY` wins as it does in `tp`. */
export function apiKeyFrom(env: Env): string | undefined {
  const key = env.TENSORPOOL_KEY?.trim() || env.TENSORPOOL_API_KEY?.trim();
  return key || undefined;
}

/** Names of variables that hold someone's credentials (but tp's own key, which is handled apart). */
const OTHER_SECRETS = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/**
 * The environment every `tp` child gets: the server's own without other credentials, with the key
 * bridged from TENSORPOOL_API_KEY and the settings that make a non-TTY Python CLI behave.
 * Tool arguments never reach this function, so TENSORPOOL_ENGINE can only come from the operator.
 */
export function childEnvironment(serverEnv: Env): Env {
  const env: Env = {};
  // tp hands its environment to engine-sent shell commands: other credentials the server happens to hold stay here
  for (const [name, value] of Object.entries(serverEnv)) if (!OTHER_SECRETS.test(name)) env[name] = value;
  const key = apiKeyFrom(serverEnv);
  if (key) env.TENSORPOOL_KEY = key;
  else delete env.TENSORPOOL_KEY;
  // set but empty, tp fails every call with "Invalid URL '/health'"
  if (!env.TENSORPOOL_ENGINE?.trim()) delete env.TENSORPOOL_ENGINE;
  // piped stdout is block-buffered in Python: lines would arrive late or out of order
  env.PYTHONUNBUFFERED = '1';
  env.TQDM_DISABLE = '1';
  // argparse and the engine's tables wrap at 80 columns otherwise
  env.COLUMNS = '1000';
  return env;
}
