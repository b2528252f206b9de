import { describe, expect, it } from 'vitest';
import { SessionCache, type CachedSession } from '../src/auth/session-cache.js';
import type { UserRow } from '../src/db/schema.js';

const entry = (userId: string, sessionId = `s-${userId}`): CachedSession => ({
  user: { id: userId, email: `${userId}@example.test`, displayName: userId, handle: userId, createdAt: new Date() } as UserRow,
  sessionId,
  createdAt: new Date(),
  lastUsedAt: new Date(),
});

describe('SessionCache', () => {
  it('remembers and answers while invalidations can arrive, and not at all while they cannot', () => {
    let listening = true;
    const cache = new SessionCache(() => listening);
    cache.remember('t1', entry('u1'), cache.generation);
    expect(cache.lookup('t1')?.user.id).toBe('u1');
    listening = false;
    expect(cache.lookup('t1')).toBeUndefined();
    cache.remember('t2', entry('u2'), cache.generation);
    listening = true;
    expect(cache.lookup('t2')).toBeUndefined();
  });

  it('does not store a read that an invalidation overtook', () => {
    const cache = new SessionCache(() => true);
    const seen = cache.generation;
    // The read was in flight when the user's sessions changed.
    cache.dropUser('u1');
    cache.remember('t1', entry('u1'), seen);
    expect(cache.lookup('t1')).toBeUndefined();
    cache.remember('t1', entry('u1'), cache.generation);
    expect(cache.lookup('t1')).toBeDefined();
  });

  it("drops one user's sessions, or all of them", () => {
    const cache = new SessionCache(() => true);
    cache.remember('a1', entry('a', 'a1'), cache.generation);
    cache.remember('a2', entry('a', 'a2'), cache.generation);
    cache.remember('b1', entry('b', 'b1'), cache.generation);
    cache.dropUser('a');
    expect([cache.lookup('a1'), cache.lookup('a2')]).toEqual([undefined, undefined]);
    expect(cache.lookup('b1')?.sessionId).toBe('b1');
    cache.dropAll();
    expect(cache.size).toBe(0);
  });

  it('keeps at most its capacity, losing the least recently used first', () => {
    const cache = new SessionCache(() => true, 2);
    cache.remember('t1', entry('u1'), cache.generation);
    cache.remember('t2', entry('u2'), cache.generation);
    cache.lookup('t1');
    cache.remember('t3', entry('u3'), cache.generation);
    expect(cache.size).toBe(2);
    expect(cache.lookup('t2')).toBeUndefined();
    expect(cache.lookup('t1')).toBeDefined();
    expect(cache.lookup('t3')).toBeDefined();
  });
});
