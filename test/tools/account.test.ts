import { describe, it } from 'vitest';
import { accountTools } from '../../src/tools/account.js';
import { expectRunsArgv } from '../helpers/tool-cases.js';
import { sharedToolServer } from '../helpers/tool-server.js';
import { describeToolsnaps } from '../helpers/toolsnaps.js';

/**
 * account_me and the SSH key tools: their schemas (toolsnaps) and the argv they run. Every generation:
 * generations.test.ts.
 */

describeToolsnaps(accountTools);

const server = sharedToolServer();

describe('against the fake tp', () => {
  it.each([
    ['account_me', {}, ['--no-input', 'me']],
    ['ssh_key_list', {}, ['--no-input', 'me', 'sshkey', 'list']],
  ])('%s %j runs tp with the exact argv and returns its output', async (name, args, argv) => {
    await expectRunsArgv(server, name, args, argv);
  });
});
