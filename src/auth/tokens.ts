import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'lch_';

/** An opaque bearer token: 256 random bits. Only its hash is stored. */
export function newToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

// A fast hash is right here: the token is already high-entropy, unlike a password.
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : '';
}
