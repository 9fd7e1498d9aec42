import type { ResolvedHttpSecurity } from './security.js';

/**
 * The secrets an HTTP server holds besides the API key: the bearer tokens of --auth token. The
 * runner's redactor masks them (and their encoded forms) in every result, progress line, resource
 * and log line, as it masks the key. A new kind of server-held secret is added here.
 */
export function heldSecrets(security: ResolvedHttpSecurity | undefined): string[] {
  const auth = security?.config.auth;
  return auth?.mode === 'token' ? [...auth.tokens] : [];
}
