import { describe, expect, it } from 'vitest';
import { BoundedOutput } from '../../../src/tp/bounded-output.js';
import { REDACTED, Redactor } from '../../../src/tp/redact.js';
import { StreamRedactor as EncodedStreamRedactor } from '../../../src/tp/stream-redactor.js';

const none = new Redactor([]);

describe('BoundedOutput', () => {
  it('keeps everything while under the bound, even a character split across chunks', () => {
    const out = new BoundedOutput(4, 4);
    const rocket = Buffer.from('ab🚀');
    out.push(rocket.subarray(0, 3));
    out.push(rocket.subarray(3));
    expect(out.truncated).toBe(false);
    expect(out.render(none)).toBe('ab🚀');
  });

  it('keeps head and tail with a marker when the output is larger', () => {
    const out = new BoundedOutput(10, 10);
    for (let i = 0; i < 1000; i++) out.push(Buffer.from(`line ${String(i).padStart(4, '0')}\n`));
    const text = out.render(none);
    expect(out.truncated).toBe(true);
    expect(text.startsWith('line 0000\n')).toBe(true);
    expect(text.endsWith('line 0999\n')).toBe(true);
    expect(text).toMatch(/\[\.\.\. 9980 bytes of output cut by tensorpool-mcp \.\.\.\]/);
    expect(out.totalBytes).toBe(10_000);
  });

  it('holds memory to the bound whatever is pushed', () => {
    const out = new BoundedOutput(1024, 1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 500; i++) out.push(chunk);
    expect(out.render(none).length).toBeLessThan(3000);
  });
});

describe('Redactor', () => {
  const key = 'tpk_live_ABCDEFGH12345678';
  const redactor = new Redactor([key, undefined, '']);

  it('masks every occurrence', () => {
    expect(redactor.redact(`key=${key} again ${key}`)).toBe(`key=${REDACTED} again ${REDACTED}`);
  });

  it('masks the pieces of a key that a cut split in two', () => {
    const out = new BoundedOutput(20, 20);
    out.push(Buffer.from(`xxxxxxxxxx${key}${'-'.repeat(100)}${key}yyyyy`));
    const text = out.render(redactor);
    expect(text).not.toContain(key.slice(0, 6));
    expect(text).not.toContain(key.slice(-6));
  });

  it('ignores blank secrets instead of masking every empty string', () => {
    expect(new Redactor(['', '  ']).redact('hello')).toBe('hello');
  });
});

describe('StreamRedactor', () => {
  it('releases ordinary text at once and holds back only what could begin a secret', async () => {
    const { StreamRedactor } = await import('../../../src/tp/stream-redactor.js');
    const key = 'tpk_live_ABCDEFGH12345678';
    const stream = new StreamRedactor(new Redactor([key]));
    expect(stream.push('Job id: job-42\n')).toBe('Job id: job-42\n');
    expect(stream.push(`key is ${key.slice(0, 10)}`)).toBe('key is ');
    expect(stream.push(`${key.slice(10)} done\n`)).toBe(`${REDACTED} done\n`);
    expect(stream.push('tpk_')).toBe('');
    expect(stream.end()).toBe('tpk_');
  });

  it('masks every key however the stream is cut, and passes the rest through unchanged', async () => {
    const { StreamRedactor } = await import('../../../src/tp/stream-redactor.js');
    const key = 'tpk_live_ABCDEFGH12345678';
    const text = `start tpk_ ${key}${key} t tp tpk_live_ ${key.slice(0, -1)} end ${key}`;
    for (let size = 1; size <= text.length; size++) {
      const stream = new StreamRedactor(new Redactor([key]));
      let out = '';
      for (let at = 0; at < text.length; at += size) out += stream.push(text.slice(at, at + size));
      out += stream.end();
      expect(out, `chunks of ${size}`).toBe(text.split(key).join(REDACTED));
    }
  });
});

describe('Redactor: encoded forms of a secret', () => {
  // + / and = make the URL-encoded and base64url forms differ from the plain ones
  const key = 'tpk_enc+key/9f3a7c2e5b1d=8046';
  const redactor = new Redactor([key]);
  const base64At = (prefix: string) => Buffer.from(prefix + key).toString('base64');

  it.each([
    ['base64', Buffer.from(key).toString('base64')],
    ['base64url', Buffer.from(key).toString('base64url')],
    ['hex', Buffer.from(key).toString('hex')],
    ['HEX', Buffer.from(key).toString('hex').toUpperCase()],
    ['URL-encoded', encodeURIComponent(key)],
    ['base64 after one byte (Basic auth "u:")', base64At('u:')],
    ['base64 after two bytes', base64At('ab')],
    ['base64 after three bytes', base64At('abc')],
  ])('masks the %s form, leaving no run of 8 of its characters', (_name, form) => {
    const out = redactor.redact(`before ${form} after`);
    expect(out).toContain(REDACTED);
    // only the one or two characters at each edge that also carry a neighbour's bits may stay
    const visible = out.replace('before ', '').replace(' after', '').split(REDACTED).join('');
    expect(visible.length).toBeLessThanOrEqual(8);
    expect(out.startsWith('before ') && out.endsWith(' after')).toBe(true);
  });

  it('masks an encoded form split across stream chunks', () => {
    const hex = Buffer.from(key).toString('hex');
    const stream = new EncodedStreamRedactor(redactor);
    const out = stream.push(`x ${hex.slice(0, 20)}`) + stream.push(`${hex.slice(20)} y`) + stream.end();
    expect(out).toBe(`x ${REDACTED} y`);
  });

  it("a session key added with including() gets its encoded forms masked too, and keeps the first secret's", () => {
    const other = 'tpk_session_key_0123456789';
    const both = redactor.including(other);
    expect(both.redact(Buffer.from(other).toString('base64'))).not.toContain(
      Buffer.from(other).toString('base64').slice(0, 12),
    );
    expect(both.redact(Buffer.from(key).toString('hex'))).toBe(REDACTED);
  });

  it('leaves text without a secret untouched, short hex and base64 words included', () => {
    const text = 'cafe deadbeef dGVzdA== 0123456789abcdef job-1 c-abc123';
    expect(redactor.redact(text)).toBe(text);
  });
});
