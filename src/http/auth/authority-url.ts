import { isLoopback } from '../../net.js';

/** https, or http to this machine only: keys fetched in the clear from elsewhere could be swapped. */
export function checkAuthorityUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} ${value} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new Error(`${what} ${value} must use https (http only on 127.0.0.1 or localhost)`);
  }
  return url;
}
