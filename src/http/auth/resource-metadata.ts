import type { IncomingMessage } from 'node:http';

/** Where RFC 9728 puts the metadata of a resource: the well-known prefix goes before the resource's path. */
export const METADATA_PREFIX = '/.well-known/oauth-protected-resource';

export interface ResourceDescription {
  /** The resource identifier: the public URL of /mcp, which tokens must name as their audience. */
  resource: string;
  issuer: string;
  scopes: readonly string[];
}

/** The RFC 9728 document a client reads to find the authorization server for this MCP server. */
export function protectedResourceMetadata({ resource, issuer, scopes }: ResourceDescription): Record<string, unknown> {
  return {
    resource,
    authorization_servers: [issuer],
    bearer_methods_supported: ['header'],
    ...(scopes.length > 0 ? { scopes_supported: [...scopes] } : {}),
    resource_name: 'TensorPool MCP server',
  };
}

/** https://mcp.example.com/mcp → https://mcp.example.com/.well-known/oauth-protected-resource/mcp */
export function metadataUrlOf(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}${METADATA_PREFIX}${path}`;
}

/**
 * The resource identifier: the audience when the operator gave a URL (the public address behind any
 * proxy, as RFC 8707 and the MCP authorization spec ask), else this request's own address of /mcp.
 * The Host has passed the allow-list by now; X-Forwarded-Proto only picks http or https.
 */
export function resourceOf(audience: string, req: IncomingMessage, mcpPath: string): string {
  if (/^https?:\/\//i.test(audience)) return audience;
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]!
    .trim()
    .toLowerCase();
  const proto =
    forwarded === 'https' || forwarded === 'http'
      ? forwarded
      : 'encrypted' in req.socket && req.socket.encrypted
        ? 'https'
        : 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}${mcpPath}`;
}
