import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Algorithm, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { RateLimitedError } from '../errors.js';

/**
 * OWASP's minimum for argon2id (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane.
 * About 50 ms a hash here; 19 MiB each, so a few at once stay far below the old scrypt's 128 MiB.
 */
export const ARGON2_PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

function argon2(password: string): Promise<string> {
  return argon2Hash(password.normalize('NFKC'), ARGON2_PARAMS);
}

/** A new hash at the current parameters, PHC format (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). */
export function hashPassword(password: string): Promise<string> {
  return argon2(password);
}

function scryptKey(password: string, salt: Buffer, params: ScryptOptions, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keylen, params, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Hashes made before argon2id: `scrypt$N$r$p$salt$hash`, verified as they are, replaced at the next sign-in. */
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split('$');
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  // Bounds so a corrupt row cannot ask for gigabytes.
  if (!hash || !Number.isInteger(Math.log2(N)) || N > 2 ** 20 || !(R >= 1 && R <= 32) || !(P >= 1 && P <= 16)) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptKey(password, Buffer.from(salt, 'base64url'), { N, r: R, p: P, maxmem: 256 * N * R + 1024 * 1024 }, expected.length);
  return timingSafeEqual(key, expected);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) {
    try {
      return await argon2Verify(stored, password.normalize('NFKC'));
    } catch {
      return false;
    }
  }
  if (stored.startsWith('scrypt$')) return verifyScrypt(password, stored);
  return false;
}

/** True when a stored hash is weaker than (or other than) the current parameters, so sign-in replaces it. */
export function needsRehash(stored: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!match) return true;
  const [m, t, p] = match.slice(1).map(Number);
  return m < ARGON2_PARAMS.memoryCost || t < ARGON2_PARAMS.timeCost || p !== ARGON2_PARAMS.parallelism;
}

// A real hash of a random password: signing in with an unknown email costs the same time as
// with a wrong password, so response times do not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  return (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));
}

/**
 * Hashing and verifying through a few slots: each hash holds 19 MiB and a thread of libuv's
 * pool, so a sign-in flood queues here (boundedly) instead of exhausting memory or starving
 * the other work on that pool (file and DNS calls). A full queue is refused at once.
 */
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  hash(password: string): Promise<string> {
    return this.slot(() => hashPassword(password));
  }

  verify(password: string, stored: string): Promise<boolean> {
    return this.slot(() => verifyPassword(password, stored));
  }

  /** Hashes running and waiting, for tests and health figures. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) {
        throw new RateLimitedError('The hub is busy checking passwords; retry in a moment.', 1);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so `running` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
