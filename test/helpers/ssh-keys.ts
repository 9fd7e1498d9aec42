import { generateKeyPairSync } from 'node:crypto';

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** SSH mpint: big-endian, with a leading zero byte when the top bit is set. */
function mpint(bytes: Buffer): Buffer {
  return sshString(bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

const b64u = (value: string) => Buffer.from(value, 'base64url');

/** Real public keys in OpenSSH one-line format, built from node:crypto keys (no ssh-keygen needed). */
export function publicKeyLine(
  type: 'ssh-ed25519' | 'ssh-rsa' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384',
  comment = 'me@laptop',
): string {
  let blob: Buffer;
  if (type === 'ssh-ed25519') {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    blob = Buffer.concat([sshString(type), sshString(b64u(jwk.x!))]);
  } else if (type === 'ssh-rsa') {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    blob = Buffer.concat([sshString(type), mpint(b64u(jwk.e!)), mpint(b64u(jwk.n!))]);
  } else {
    const curve = type === 'ecdsa-sha2-nistp256' ? 'P-256' : 'P-384';
    const jwk = generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), b64u(jwk.x!), b64u(jwk.y!)]);
    blob = Buffer.concat([sshString(type), sshString(type.slice('ecdsa-sha2-'.length)), sshString(point)]);
  }
  return `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

export function pemPrivateKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The shape of `ssh-keygen`'s private key file: armour around base64 of "openssh-key-v1\0...". */
export function openSshPrivateKeyBody(): string {
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    Buffer.alloc(64, 7),
  ]);
  return body.toString('base64');
}
