import type { TpRunner } from '../../tp/runner.js';
import type { AuthConfig } from '../../config/http-security.js';
import type { Authenticator } from './authenticator.js';
import { StaticTokenAuthenticator } from './static-tokens.js';
import { TensorPoolKeyAuthenticator, tpMeVerifier } from './tensorpool-key.js';

export type { Authenticator } from './authenticator.js';

export interface AuthDependencies {
  /** Runs `tp me` for --auth tensorpool-key. */
  runner: TpRunner;
  mcpPath: string;
  onError?: (message: string) => void;
}

/** The authenticator for an auth mode; undefined for 'none'. jose is loaded only for OAuth. */
export async function createAuthenticator(
  auth: AuthConfig,
  deps: AuthDependencies,
): Promise<Authenticator | undefined> {
  switch (auth.mode) {
    case 'none':
      return undefined;
    case 'token':
      return new StaticTokenAuthenticator(auth.tokens);
    case 'tensorpool-key':
      return new TensorPoolKeyAuthenticator(tpMeVerifier(deps.runner), {
        onUnavailable: (reason) => deps.onError?.(`could not check a caller's API key with tp me: ${reason}`),
      });
    case 'oauth': {
      const { OAuthAuthenticator } = await import('./oauth.js');
      const authenticator = new OAuthAuthenticator({ ...auth, mcpPath: deps.mcpPath, onError: deps.onError });
      authenticator.warmUp();
      return authenticator;
    }
  }
}
