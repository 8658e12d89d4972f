/**
 * Secrets at rest: AES-256-GCM with a random 96-bit IV per value. The key comes from
 * PORTAL_SECRET_KEY, or from a key file the portal creates in the data folder (mode 0600).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeKey } from '../../config.ts';

const keyFileName = 'secret.key';

export interface SecretCipher {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** The key bytes: the configured key, else the data folder's key file, made on first use. */
export function loadSecretKey(options: { secretKey?: string; dataDir: string }): Buffer {
  if (options.secretKey) {
    const key = decodeKey(options.secretKey);
    if (!key) throw new Error('PORTAL_SECRET_KEY is not a 32-byte key');
    return key;
  }
  const path = join(options.dataDir, keyFileName);
  if (!existsSync(path)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = decodeKey(readFileSync(path, 'utf8').trim());
  if (!key) throw new Error(`${path} does not hold a 32-byte key (64 hex digits)`);
  return key;
}

/** Seals and opens strings with one key; a value sealed with another key fails to open. */
export function createSecretCipher(key: Buffer): SecretCipher {
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'),
        body.toString('base64')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) {
        throw new Error('not a sealed secret');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]);
      return plain.toString('utf8');
    },
  };
}
