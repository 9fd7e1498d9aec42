/**
 * The ways a secret can be printed besides itself: a script that base64-, hex- or URL-encodes the
 * key (to build a header, a URL or a config file) would otherwise carry it out in plain sight.
 */
export function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([
    // printed alone, the whole encoding with its last character and padding; longest first, these win
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    encodeURIComponent(secret),
    // what a form body or a query string builder writes
    encodeURIComponent(secret).replace(/%20/g, '+'),
  ]);
  // inside a longer encoded text the secret starts at any of three byte offsets of a base64 group
  for (let offset = 0; offset < 3; offset++) {
    const base64 = base64Core(bytes, offset);
    forms.add(base64);
    forms.add(base64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  forms.delete(secret);
  return [...forms].filter((form) => form.length > 0);
}

/**
 * The base64 characters that depend on `bytes` alone when they follow `offset` other bytes: the
 * characters at the edges, which also carry bits of the neighbours, are left out.
 */
function base64Core(bytes: Buffer, offset: number): string {
  const text = Buffer.concat([Buffer.alloc(offset), bytes])
    .toString('base64')
    .replace(/=+$/, '');
  const startBit = 8 * offset;
  const endBit = 8 * (offset + bytes.length);
  const first = Math.ceil(startBit / 6);
  const last = Math.floor(endBit / 6); // exclusive: the last character wholly inside the secret's bits
  return text.slice(first, last);
}
