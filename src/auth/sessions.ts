import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Viewer } from '../context.js';
import type { Db, Queryable } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { sessions, userColumns, users, type UserRow } from '../db/schema.js';
import { UnauthenticatedError } from '../errors.js';
import type { SecurityPolicy } from './policy.js';
import type { SessionCache } from './session-cache.js';
import { hashToken, newToken } from './tokens.js';

/** Channel on which a revocation is announced to every instance (payload: the user's id). */
export const SESSIONS_CHANNEL = 'hub_sessions';

export interface NewSession {
  token: string;
  user: UserRow;
  sessionId: string;
}

export async function startSession(q: Queryable, user: UserRow, label: string | null): Promise<NewSession> {
  const token = newToken();
  const [session] = await q.insert(sessions).values({ userId: user.id, tokenHash: hashToken(token), label }).returning({ id: sessions.id });
  return { token, user, sessionId: session.id };
}

export type SessionState = 'live' | 'revoked' | 'expired';

/** Whether a session may still be used, by the policy's idle and absolute limits. */
export function sessionState(row: { revokedAt: Date | null; createdAt: Date; lastUsedAt: Date }, policy: SecurityPolicy['session'], now = Date.now()): SessionState {
  if (row.revokedAt) return 'revoked';
  if (now - row.createdAt.getTime() >= policy.maxAgeMs || now - row.lastUsedAt.getTime() >= policy.idleMs) return 'expired';
  return 'live';
}

/** SQL condition: the session row is live (the same rule as `sessionState`, for lists and sweeps). */
export function liveSession(policy: SecurityPolicy['session'], now = Date.now()) {
  return and(
    isNull(sessions.revokedAt),
    sql`${sessions.createdAt} > ${new Date(now - policy.maxAgeMs)}`,
    sql`${sessions.lastUsedAt} > ${new Date(now - policy.idleMs)}`,
  )!;
}

export const SESSION_ENDED = {
  revoked: 'This token is not valid (unknown, signed out or revoked); sign in again.',
  expired: 'This session has expired; sign in again.',
} as const;

/**
 * The viewer behind a bearer token. No token: anonymous. A token that is unknown, revoked or
 * expired is an error rather than anonymous, so a client learns at once that it must sign in
 * again. Use moves `lastUsedAt` forward, but at most once per `touchEveryMs`. With a cache (see
 * SessionCache), a session this instance knows to be live costs no statement.
 */
export async function authenticate(db: Db, token: string | null, policy: SecurityPolicy['session'], cache?: SessionCache): Promise<Viewer | null> {
  if (token === null) return null;
  if (token === '') throw new UnauthenticatedError('Malformed Authorization header: use "Bearer <token>".');
  const tokenHash = hashToken(token);
  const now = Date.now();
  const known = cache?.lookup(tokenHash);
  if (known && sessionState({ ...known, revokedAt: null }, policy, now) === 'live') {
    if (now - known.lastUsedAt.getTime() >= policy.touchEveryMs) {
      await touchSessions(db, [known.sessionId], policy);
      known.lastUsedAt = new Date(now);
    }
    return { user: known.user, sessionId: known.sessionId };
  }
  const generation = cache?.generation ?? 0;
  const [row] = await prepared(db, 'session', (name) =>
    db
      .select({
        user: userColumns,
        sessionId: sessions.id,
        createdAt: sessions.createdAt,
        lastUsedAt: sessions.lastUsedAt,
        revokedAt: sessions.revokedAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, sql.placeholder('tokenHash')))
      .prepare(name),
  ).execute({ tokenHash });
  if (!row) throw new UnauthenticatedError(SESSION_ENDED.revoked);
  const state = sessionState(row, policy, now);
  if (state !== 'live') {
    cache?.forget(tokenHash);
    throw new UnauthenticatedError(SESSION_ENDED[state]);
  }
  let lastUsedAt = row.lastUsedAt;
  if (now - row.lastUsedAt.getTime() >= policy.touchEveryMs) {
    await touchSessions(db, [row.sessionId], policy);
    lastUsedAt = new Date(now);
  }
  // Frozen: every request this entry answers shares the row.
  cache?.remember(tokenHash, { user: Object.freeze(row.user), sessionId: row.sessionId, createdAt: row.createdAt, lastUsedAt }, generation);
  return { user: row.user, sessionId: row.sessionId };
}

/** Marks sessions used now, unless someone already did within `touchEveryMs` (another request, another instance). */
export async function touchSessions(db: Db, sessionIds: string[], policy: SecurityPolicy['session']): Promise<void> {
  if (sessionIds.length === 0) return;
  await prepared(db, 'touchSessions', (name) =>
    db
      .update(sessions)
      .set({ lastUsedAt: sql`now()` })
      .where(
        and(
          sql`${sessions.id} = any(${sql.placeholder('ids')}::uuid[])`,
          sql`${sessions.lastUsedAt} < now() - make_interval(secs => ${sql.placeholder('seconds')}::double precision)`,
        ),
      )
      .prepare(name),
  ).execute({ ids: sessionIds, seconds: policy.touchEveryMs / 1000 });
}

/**
 * Tells every instance (after commit) that sessions of `userId` ended or that the user's row
 * changed: they close the sockets of ended sessions and drop the user from their session caches.
 */
export async function announceSessionChange(q: Queryable, userId: string): Promise<void> {
  await q.execute(sql`select pg_notify(${SESSIONS_CHANNEL}, ${userId})`);
}

/** Of these sessions, the ones no longer live: revoked, expired, or gone. */
export async function endedSessions(db: Db, sessionIds: string[], policy: SecurityPolicy['session']): Promise<Map<string, Exclude<SessionState, 'live'>>> {
  const ended = new Map<string, Exclude<SessionState, 'live'>>();
  if (sessionIds.length === 0) return ended;
  const rows = await db
    .select({ id: sessions.id, createdAt: sessions.createdAt, lastUsedAt: sessions.lastUsedAt, revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(inArray(sessions.id, sessionIds));
  const found = new Map(rows.map((r) => [r.id, r]));
  const now = Date.now();
  for (const id of sessionIds) {
    const row = found.get(id);
    const state = row ? sessionState(row, policy, now) : 'revoked';
    if (state !== 'live') ended.set(id, state);
  }
  return ended;
}

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\//, 'Firefox'],
  [/\bChrome\//, 'Chrome'],
  [/\bSafari\//, 'Safari'],
  [/\bcurl\//, 'curl'],
  [/\bokhttp\//, 'Android app'],
  [/\bnode\b|\bundici\b/i, 'Node.js'],
];
const SYSTEMS: [RegExp, string][] = [
  [/\bAndroid\b/, 'Android'],
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b/, 'Linux'],
];

/** "Firefox on Android" from a User-Agent; the raw text (shortened) when it is not recognised. */
export function labelFromUserAgent(userAgent: string | undefined): string | null {
  const ua = userAgent?.trim();
  if (!ua) return null;
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser ?? system) return (browser ?? system)!;
  return ua.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 100) || null;
}
