import { describe, expect, it } from 'vitest';
import { parseFields } from '../../../src/app/tables.js';

describe("tp's info as the view's fields", () => {
  it('reads "Key: value" lines as fields', () => {
    expect(parseFields('* Fetching job info...\nJob ID: j-1\nStatus: running\nExit Code: 0')).toEqual({
      job_id: 'j-1',
      status: 'running',
      exit_code: '0',
    });
  });
});
