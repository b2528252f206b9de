import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { requestOf, type Context } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { idempotencyKeys, sessions, userColumns, users, type SessionRow, type UserRow } from '../../db/schema.js';
import { BadInputError, ConflictError, HubError, NotFoundError, sqlState } from '../../errors.js';
import { dummyPasswordHash, needsRehash } from '../../auth/passwords.js';
import { announceSessionChange, labelFromUserAgent, liveSession, startSession, type NewSession } from '../../auth/sessions.js';
import { requireViewer } from '../../auth/guard.js';
import { claimIdempotencyKey } from '../../shared/idempotency.js';
import { fromGlobalId } from '../../shared/ids.js';
import { assertHandle, freeHandle } from '../../shared/handles.js';
import { untracked } from '../../shared/response-cache.js';
import type { ChangePasswordInput, RevokeSessionInput, SignInInput, SignUpInput, UpdateProfileInput } from './user.type.js';

export type AuthResult = NewSession;

function sessionLabel(ctx: Context, given: string | null | undefined): string | null {
  return given?.trim() || labelFromUserAgent(requestOf(ctx).client.userAgent);
}

/** Which unique constraint a 23505 error broke. */
function violated(err: unknown): string | undefined {
  for (let e: any = err, i = 0; e && i < 4; i++, e = e.cause) if (typeof e.constraint === 'string') return e.constraint;
  return undefined;
}

export async function signUp(ctx: Context, input: SignUpInput): Promise<AuthResult> {
  const { security, client } = requestOf(ctx);
  await security.consumeSignUp(client.address);
  const passwordHash = await security.hasher.hash(input.password);
  const displayName = input.displayName.trim();
  // Two people of the same name signing up at once can pick the same free handle; the one who
  // loses the race takes the next.
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.db.transaction(async (tx) => {
        const handle = await freeHandle(tx, displayName);
        const [user] = await tx.insert(users).values({ email: input.email.trim(), displayName, handle, passwordHash }).returning(userColumns);
        return startSession(tx, user, sessionLabel(ctx, input.sessionLabel));
      });
    } catch (err) {
      if (sqlState(err) !== '23505') throw err;
      if (violated(err) === HANDLE_CONSTRAINT && attempt < 5) continue;
      if (violated(err) === HANDLE_CONSTRAINT) throw new ConflictError('handle: no free handle found; try again', 'handle');
      throw new ConflictError('email: an account with this email already exists', 'email');
    }
  }
}

const HANDLE_CONSTRAINT = 'users_handle_idx';

/** Changes the viewer's display name or handle; a handle someone else holds is CONFLICT. */
export async function updateProfile(ctx: Context, input: UpdateProfileInput): Promise<UserRow> {
  const viewer = requireViewer(ctx);
  const handle = input.handle != null ? input.handle.trim() : undefined;
  if (handle !== undefined) assertHandle(handle);
  const displayName = input.displayName != null ? input.displayName.trim() : undefined;
  if (displayName === undefined && handle === undefined) return viewer.user;
  try {
    const user = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ ...(displayName !== undefined && { displayName }), ...(handle !== undefined && { handle }) })
        .where(eq(users.id, viewer.user.id))
        .returning(userColumns);
      // Session caches hold the user row: every instance must read the new one.
      await announceSessionChange(tx, row.id);
      return row;
    });
    forgetSessions(ctx, user.id);
    // The rest of the request (the payload) shows the new profile.
    viewer.user = user;
    ctx.loaders.user.clear(user.id).prime(user.id, user);
    return user;
  } catch (err) {
    if (sqlState(err) === '23505' && violated(err) === HANDLE_CONSTRAINT) {
      throw new ConflictError('handle: this handle is already taken', 'handle');
    }
    throw err;
  }
}

/** The account key of the sign-in limits: the email as it is matched, so case does not dodge them. */
const accountKey = (email: string) => email.trim().toLowerCase();

export async function signIn(ctx: Context, input: SignInInput): Promise<AuthResult> {
  const { security, client } = requestOf(ctx);
  const account = accountKey(input.email);
  await security.assertMaySignIn(account, client.address);
  const [user] = await ctx.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${account}`);
  const ok = await security.hasher.verify(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) {
    const wait = await security.signInFailed(account, client.address);
    throw new HubError('UNAUTHENTICATED', 'Email or password is wrong.', wait > 0 ? { retryAfter: Math.ceil(wait) } : {});
  }
  await security.signInSucceeded(account);
  if (needsRehash(user.passwordHash)) {
    // Transparent upgrade: the password is at hand only now. Conditional on the old hash, so a
    // password changed meanwhile is not overwritten.
    const upgraded = await security.hasher.hash(input.password);
    await ctx.db
      .update(users)
      .set({ passwordHash: upgraded })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
  }
  const { passwordHash: _, ...withoutHash } = user;
  return startSession(ctx.db, withoutHash, sessionLabel(ctx, input.sessionLabel));
}

async function revoke(tx: Tx, userId: string, which: 'one' | 'allOthers', sessionId: string): Promise<string[]> {
  const rows = await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), which === 'one' ? eq(sessions.id, sessionId) : ne(sessions.id, sessionId)))
    .returning({ id: sessions.id });
  if (rows.length > 0) await announceSessionChange(tx, userId);
  return rows.map((r) => r.id);
}

/**
 * After a change to a user's sessions or row has committed: this instance's cache forgets them
 * now, so the client's next request here cannot be answered from before the change (the notice
 * from `announceSessionChange` reaches the other instances, and this one again, a moment later).
 */
function forgetSessions(ctx: Context, userId: string): void {
  ctx.request?.sessions?.dropUser(userId);
}

export async function signOut(ctx: Context): Promise<boolean> {
  const viewer = requireViewer(ctx);
  await ctx.db.transaction((tx) => revoke(tx, viewer.user.id, 'one', viewer.sessionId));
  forgetSessions(ctx, viewer.user.id);
  return true;
}

/** The viewer's live sessions, most recently used first. */
export async function viewerSessions(ctx: Context, userId: string): Promise<SessionRow[] | null> {
  const viewer = requireViewer(ctx);
  if (viewer.user.id !== userId) return null;
  // Every request moves a session's last use (and so its expiry) without a change notice.
  untracked(ctx);
  return ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), liveSession(requestOf(ctx).security.policy.session)))
    .orderBy(desc(sessions.lastUsedAt), desc(sessions.id));
}

/** A session of the viewer's by ID (for node(id:)); null for anyone else's. */
export async function viewerSession(ctx: Context, sessionId: string): Promise<SessionRow | null> {
  if (!ctx.viewer) return null;
  untracked(ctx);
  const [row] = await ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, ctx.viewer.user.id)));
  return row ?? null;
}

export async function revokeSession(ctx: Context, input: RevokeSessionInput): Promise<string[]> {
  const viewer = requireViewer(ctx);
  const one = input.sessionId != null;
  if (one === Boolean(input.allOthers)) {
    throw new BadInputError('sessionId', 'give either sessionId or allOthers: true');
  }
  if (!one) {
    const ended = await ctx.db.transaction((tx) => revoke(tx, viewer.user.id, 'allOthers', viewer.sessionId));
    forgetSessions(ctx, viewer.user.id);
    return ended;
  }
  const sessionId = fromGlobalId(input.sessionId!, 'Session', 'sessionId');
  // Someone else's session is not found, whoever asks; one already ended is revoked again harmlessly (a retry).
  const [own] = await ctx.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, viewer.user.id)));
  if (!own) throw new NotFoundError('Session', 'sessionId');
  await ctx.db.transaction((tx) => revoke(tx, viewer.user.id, 'one', sessionId));
  forgetSessions(ctx, viewer.user.id);
  return [sessionId];
}

/**
 * Sets a new password after checking the current one, and ends every other session: whoever
 * else held a token (a lost phone, a shared computer) is out on every instance at once.
 * Wrong current passwords count against the account's sign-in limit, so a stolen token cannot
 * be used to guess the password through this door instead.
 */
export async function changePassword(ctx: Context, input: ChangePasswordInput): Promise<UserRow> {
  const viewer = requireViewer(ctx);
  const { security, client } = requestOf(ctx);
  if (input.clientMutationId != null) {
    // A retry after a lost answer would fail the check below (the password has changed): the
    // key answers it instead.
    const [done] = await ctx.db
      .select({ mutation: idempotencyKeys.mutation })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, viewer.user.id), eq(idempotencyKeys.clientMutationId, input.clientMutationId)));
    if (done?.mutation === 'changePassword') return viewer.user;
  }
  if (input.newPassword === input.currentPassword) throw new BadInputError('newPassword', 'must differ from the current password');
  const account = accountKey(viewer.user.email);
  await security.assertMaySignIn(account, client.address);
  const [row] = await ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, viewer.user.id));
  if (!(await security.hasher.verify(input.currentPassword, row.passwordHash))) {
    const wait = await security.signInFailed(account, client.address);
    throw new HubError('BAD_USER_INPUT', 'currentPassword: is wrong', { field: 'currentPassword', ...(wait > 0 ? { retryAfter: Math.ceil(wait) } : {}) });
  }
  await security.signInSucceeded(account);
  const passwordHash = await security.hasher.hash(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    if ((await claimIdempotencyKey(tx, viewer.user.id, input.clientMutationId, 'changePassword', viewer.user.id)) !== null) return;
    const changed = await tx
      .update(users)
      .set({ passwordHash })
      .where(and(eq(users.id, viewer.user.id), eq(users.passwordHash, row.passwordHash)))
      .returning({ id: users.id });
    if (changed.length === 0) throw new ConflictError('The password was changed meanwhile; sign in again with the new one.', 'currentPassword');
    await revoke(tx, viewer.user.id, 'allOthers', viewer.sessionId);
  });
  forgetSessions(ctx, viewer.user.id);
  return viewer.user;
}
