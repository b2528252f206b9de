import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Context, Viewer } from '../../context.js';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { sessions, userColumns, users, type UserRow } from '../../db/schema.js';
import { ConflictError, HubError, sqlState, UnauthenticatedError } from '../../errors.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../auth/passwords.js';
import { hashToken, newToken } from '../../auth/tokens.js';
import { requireViewer } from '../../auth/guard.js';
import type { SignInInput, SignUpInput } from './user.type.js';

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

export async function signUp(ctx: Context, input: SignUpInput): Promise<AuthResult> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email: input.email.trim(), displayName: input.displayName.trim(), passwordHash })
        .returning(userColumns);
      return startSession(tx as unknown as Db, user);
    });
  } catch (err) {
    if (sqlState(err) === '23505') {
      throw new ConflictError('email: an account with this email already exists', 'email');
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
