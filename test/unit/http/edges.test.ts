import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ListenError } from '../../../src/errors.js';
import { listen, listenProblem } from '../../../src/http/edges.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('listen: a failed bind is one sentence, not a crash', () => {
  it('names a port in use and the option to change', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const error = await listen(() => {}, port, '127.0.0.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as Error).message).toBe(`port ${port} is in use; pick another with --port`);
  });

  it('names an address this machine does not have', async () => {
    // TEST-NET-3: never assigned to an interface, and binding it sends nothing anywhere
    const error = await listen(() => {}, 0, '203.0.113.7').catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'cannot bind --host 203.0.113.7: no network interface of this machine has that address',
    );
  });

  it('listens on a bracketed IPv6 literal as given in a URL', async () => {
    const server = await listen(() => {}, 0, '[::1]').catch((e: unknown) => e);
    if (server instanceof ListenError) {
      // a machine without IPv6 loopback still gets a sentence, not a crash
      expect(server.message).toMatch(/cannot bind --host \[::1\]/);
      return;
    }
    servers.push(server as Server);
    expect((server as Server).address()).toMatchObject({ address: '::1' });
  });

  it.each([
    [
      { code: 'EACCES', message: '' },
      80,
      '0.0.0.0',
      'port 80 needs root on this system; pick one above 1023 with --port',
    ],
    [
      { code: 'ENOTFOUND', message: '' },
      3000,
      'no-such-host.invalid',
      'cannot bind --host no-such-host.invalid: the name does not resolve to an address',
    ],
    [{ code: 'EWHATEVER', message: 'odd' }, 3000, '127.0.0.1', 'cannot listen on 127.0.0.1 port 3000: odd'],
  ])('explains %j', (error, port, host, message) => {
    expect(listenProblem(Object.assign(new Error(error.message), error), port, host)).toBe(message);
  });
});
