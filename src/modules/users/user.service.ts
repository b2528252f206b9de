import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Context, Viewer } from '../../context.js';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { sessions, userColumns, users, type UserRow } from '../../db/schema.js';
import { ConflictError, HubError, sqlState, UnauthenticatedError } from '../../errors.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../auth/passwords.js';
import { hashToken, newToken } from '../../auth/tokens.js';
import { requireViewer } from '../../auth/guard.js';
import { assertHandle, freeHandle } from '../../shared/handles.js';
import type { SignInInput, SignUpInput, UpdateProfileInput } from './user.type.js';

export interface AuthResult {
  token: string;
  user: UserRow;
  sessionId: string;
}

async function startSession(db: Db, user: UserRow): Promise<AuthResult> {
  const token = newToken();
  const [session] = await db.insert(sessions).values({ userId: user.id, tokenHash: hashToken(token) }).returning({ id: sessions.id });
  return { token, user, sessionId: session.id };
}

/** Which unique constraint a 23505 error broke. */
function violated(err: unknown): string | undefined {
  for (let e: any = err, i = 0; e && i < 4; i++, e = e.cause) if (typeof e.constraint === 'string') return e.constraint;
  return undefined;
}

export async function signUp(ctx: Context, input: SignUpInput): Promise<AuthResult> {
  const passwordHash = await hashPassword(input.password);
  const displayName = input.displayName.trim();
  // Two people of the same name signing up at once can pick the same free handle; the one who
  // loses the race takes the next.
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.db.transaction(async (tx) => {
        const handle = await freeHandle(tx, displayName);
        const [user] = await tx.insert(users).values({ email: input.email.trim(), displayName, handle, passwordHash }).returning(userColumns);
        return startSession(tx as unknown as Db, user);
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
    const [user] = await ctx.db
      .update(users)
      .set({ ...(displayName !== undefined && { displayName }), ...(handle !== undefined && { handle }) })
      .where(eq(users.id, viewer.user.id))
      .returning(userColumns);
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

export async function signIn(ctx: Context, input: SignInInput): Promise<AuthResult> {
  const [user] = await ctx.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${input.email.trim()})`);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw new HubError('UNAUTHENTICATED', 'Email or password is wrong.');
  const { passwordHash: _, ...withoutHash } = user;
  return startSession(ctx.db, withoutHash);
}

export async function signOut(ctx: Context): Promise<boolean> {
  const viewer = requireViewer(ctx);
  await ctx.db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, viewer.sessionId), isNull(sessions.revokedAt)));
  return true;
}

/**
 * The viewer behind a bearer token. No token: anonymous. A token that is unknown or revoked is
 * an error rather than anonymous, so a client learns at once that it must sign in again.
 */
export async function authenticate(db: Db, token: string | null): Promise<Viewer | null> {
  if (token === null) return null;
  if (token === '') throw new UnauthenticatedError('Malformed Authorization header: use "Bearer <token>".');
  const [row] = await prepared(db, 'session', (name) =>
    db
      .select({ user: userColumns, sessionId: sessions.id })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), isNull(sessions.revokedAt)))
      .prepare(name),
  ).execute({ tokenHash: hashToken(token) });
  if (!row) throw new UnauthenticatedError('This token is not valid (unknown, signed out or revoked); sign in again.');
  return { user: row.user, sessionId: row.sessionId };
}
