import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, hashPassword, PasswordHasher, verifyPassword } from '../src/auth/passwords.js';
import { blockSeconds, DEFAULT_POLICY } from '../src/auth/policy.js';

// Test hubs open some limits wide (test/support/hub.ts); these are the values production runs with.
describe('production defaults', () => {
  it('hash passwords with argon2id at OWASP\u2019s minimum: 19 MiB, 2 passes, 1 lane', async () => {
    expect(ARGON2_PARAMS).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const hash = await hashPassword('kata-sandi-contoh');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword('kata-sandi-contoh', hash)).toBe(true);
    expect(await verifyPassword('kata-sandi-lain', hash)).toBe(false);
  });

  it('expire sessions after 30 idle days and 90 days in all; limit sign-ins, sign-ups and sockets', () => {
    const DAY = 24 * 60 * 60 * 1000;
    expect(DEFAULT_POLICY.session).toMatchObject({ idleMs: 30 * DAY, maxAgeMs: 90 * DAY, touchEveryMs: 60_000 });
    expect(DEFAULT_POLICY.trustProxy).toBe(false);
    expect(DEFAULT_POLICY.hashing).toEqual({ concurrency: 2, queue: 32 });
    expect(DEFAULT_POLICY.limits).toEqual({
      signInAccount: { freeFailures: 5, firstBlockSeconds: 1, maxBlockSeconds: 900, windowSeconds: 86_400 },
      signInAddress: { freeFailures: 50, firstBlockSeconds: 1, maxBlockSeconds: 3_600, windowSeconds: 86_400 },
      signUpPerAddressPerHour: 50,
      socketsPerUser: 20,
      socketLeaseSeconds: 60,
      queryCostPerHour: 3_000_000,
    });
  });

  it('double the block with each failure past the free ones, up to the cap', () => {
    const rule = DEFAULT_POLICY.limits.signInAccount;
    expect([5, 6, 7, 8, 9, 15, 16, 100].map((f) => blockSeconds(rule, f))).toEqual([0, 1, 2, 4, 8, 512, 900, 900]);
  });
});

describe('PasswordHasher', () => {
  it('runs at most `concurrency` at once, queues up to its limit and refuses beyond with RATE_LIMITED', async () => {
    const hasher = new PasswordHasher(1, 1);
    const first = hasher.hash('satu-dua-tiga-empat');
    const second = hasher.hash('satu-dua-tiga-empat');
    expect(hasher.load).toEqual({ running: 1, waiting: 1 });
    await expect(hasher.hash('satu-dua-tiga-empat')).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfter: 1 } });
    await Promise.all([first, second]);
    expect(hasher.load).toEqual({ running: 0, waiting: 0 });
  });
});

describe('configuration from the environment', () => {
  it('reads session lifetimes, trusted proxies and limits, and refuses a proxy setting that trusts everyone', async () => {
    const { loadConfig, ConfigError } = await import('../src/config.js');
    const DAY = 24 * 60 * 60 * 1000;
    const config = loadConfig({ SESSION_IDLE_DAYS: '7', SESSION_MAX_DAYS: '30', TRUST_PROXY: '10.0.0.0/8, loopback', SOCKETS_PER_USER: '5', QUERY_COST_PER_HOUR: '50000' });
    expect(config.security.session).toEqual({ idleMs: 7 * DAY, maxAgeMs: 30 * DAY });
    expect(config.security.trustProxy).toBe('10.0.0.0/8, loopback');
    expect(config.security.limits?.socketsPerUser).toBe(5);
    expect(config.security.limits?.queryCostPerHour).toBe(50_000);
    expect(loadConfig({}).security.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).security.trustProxy).toBe(1);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ SESSION_IDLE_DAYS: '0' })).toThrow(/SESSION_IDLE_DAYS/);
    // The demo data's password is public: on by default only outside production.
    expect(loadConfig({}).demoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).demoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ production: true, demoData: false });
    expect(loadConfig({ NODE_ENV: 'production', DEMO_DATA: '1' }).demoData).toBe(true);
    expect(loadConfig({ DEMO_DATA: 'false' }).demoData).toBe(false);
  });
});
