import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../src/db/schema.js';
import { startHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { codeOf, ok } from './support/seed-kit.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const run = randomBytes(3).toString('hex');
let n = 0;
const freshEmail = (local = 'person') => `${local}${++n}-${run}@example.test`;
const PASSWORD = 'correct horse battery';

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id displayName email } } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token user { id email } } }`;
const VIEWER = `{ viewer { id displayName email } }`;

async function signUp(email: string, password = PASSWORD, displayName = 'Wayan') {
  return hub.gql(SIGN_UP, { input: { email, password, displayName } });
}
async function signIn(email: string, password = PASSWORD) {
  return hub.gql(SIGN_IN, { input: { email, password } });
}

/** A raw POST, for the HTTP status. */
async function post(query: string, token?: string, authorization = token !== undefined ? `Bearer ${token}` : undefined) {
  const res = await fetch(hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLResponse };
}

/** A raw GET, the other way a client may send a query. */
async function get(query: string, token: string) {
  const res = await fetch(`${hub.url}?query=${encodeURIComponent(query)}`, {
    headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
  });
  return { status: res.status, body: (await res.json()) as GraphQLResponse };
}

async function userCount(): Promise<number> {
  const [row] = await hub.database.db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row.n;
}

describe('signing up', () => {
  it('returns a token that signs in the new user', async () => {
    const email = freshEmail();
    const { signUp: auth } = ok(await signUp(email, PASSWORD, '  Ni Made Sari ')) as any;
    expect(auth.token).toEqual(expect.any(String));
    expect(auth.user).toMatchObject({ displayName: 'Ni Made Sari', email });
    const { viewer } = ok(await hub.gql(VIEWER, {}, auth.token)) as any;
    expect(viewer).toEqual({ id: auth.user.id, displayName: 'Ni Made Sari', email });
  });

  it('leaves the viewer null without a token', async () => {
    expect(ok(await hub.gql(VIEWER))).toEqual({ viewer: null });
  });

  it('refuses an email that is taken in another letter case, naming the email field, and creates no account', async () => {
    const email = freshEmail('Ketut');
    ok(await signUp(email));
    const before = await userCount();
    const res = await signUp(email.toUpperCase());
    expect(codeOf(res)).toBe('CONFLICT');
    expect(res.errors![0].extensions!.field).toBe('email');
    expect(res.data).toBeNull();
    expect(await userCount()).toBe(before);
  });

  it('lets only one of two simultaneous sign-ups with the same email through; the other gets CONFLICT', async () => {
    const email = freshEmail('Sari');
    const before = await userCount();
    const results = await Promise.all([signUp(email), signUp(email.toUpperCase())]);
    expect(results.map(codeOf).sort()).toEqual(['CONFLICT', undefined]);
    expect(await userCount()).toBe(before + 1);
  });

  it('refuses a password under 10 characters, naming the password', async () => {
    const before = await userCount();
    const res = await signUp(freshEmail(), '123456789');
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.field).toMatch(/password$/);
    expect(res.errors![0].message).toMatch(/password/);
    expect(await userCount()).toBe(before);
  });

  it('accepts a password of exactly 10 characters', async () => {
    ok(await signUp(freshEmail(), '1234567890'));
  });

  it.each(['not-an-email', 'two@@example.test', 'nobody@', ''])('refuses the malformed email %j, naming the email', async (email) => {
    const before = await userCount();
    const res = await signUp(email);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.field).toMatch(/email$/);
    expect(await userCount()).toBe(before);
  });

  it('stores a salted argon2id hash at OWASP\'s minimum parameters (19 MiB, 2 passes, 1 lane), never the password itself', async () => {
    const email = freshEmail();
    const password = 'Sasak-lombok-2024';
    const { signUp: auth } = ok(await signUp(email, password)) as any;
    const [row] = await hub.database.db.select().from(users).where(eq(users.email, email));
    expect(row.passwordHash).not.toBe(password);
    expect(row.passwordHash).not.toContain(password);
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // The same password gets a different hash for another account (a salt is used).
    const otherEmail = freshEmail();
    const other = ok(await signUp(otherEmail, password)) as any;
    const [otherRow] = await hub.database.db.select().from(users).where(eq(users.email, otherEmail));
    expect(otherRow.passwordHash).not.toBe(row.passwordHash);
    expect(auth.user.id).not.toBe(other.signUp.user.id);
  });
});

describe('signing in', () => {
  let email: string;
  let userId: string;
  beforeAll(async () => {
    email = freshEmail('Putu');
    userId = (ok(await signUp(email)) as any).signUp.user.id;
  });

  it.each([
    ['as typed at sign-up', (e: string) => e],
    ['in upper case', (e: string) => e.toUpperCase()],
    ['in lower case', (e: string) => e.toLowerCase()],
    ['with surrounding spaces', (e: string) => `  ${e}  `],
  ])('works with the email %s', async (_how, transform) => {
    const { signIn: auth } = ok(await signIn(transform(email))) as any;
    // The one who signed in is that user, so the payload shows them their own email as stored.
    expect(auth.user).toEqual({ id: userId, email });
    const { viewer } = ok(await hub.gql(VIEWER, {}, auth.token)) as any;
    expect(viewer.id).toBe(userId);
  });

  it('answers a wrong password and an unknown email alike with UNAUTHENTICATED', async () => {
    const wrongPassword = await signIn(email, 'not the password at all');
    const unknownEmail = await signIn(freshEmail('nobody'), PASSWORD);
    expect(codeOf(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(codeOf(unknownEmail)).toBe('UNAUTHENTICATED');
    expect(wrongPassword.errors![0].message).toBe(unknownEmail.errors![0].message);
    expect(wrongPassword.data).toBeNull();
    expect(unknownEmail.data).toBeNull();
  });

  it('gives each sign-in a new token', async () => {
    const a = (ok(await signIn(email)) as any).signIn.token;
    const b = (ok(await signIn(email)) as any).signIn.token;
    expect(a).not.toBe(b);
  });
});

describe('signing out', () => {
  it('revokes only the token it was sent with; the other session keeps working', async () => {
    const email = freshEmail();
    const first = (ok(await signUp(email)) as any).signUp.token;
    const second = (ok(await signIn(email)) as any).signIn.token;

    expect(ok(await hub.gql(`mutation { signOut }`, {}, first))).toEqual({ signOut: true });

    const stillIn = ok(await hub.gql(VIEWER, {}, second)) as any;
    expect(stillIn.viewer.email).toBe(email);

    // Any request with the revoked token is refused with HTTP 401, even one that needs no sign-in.
    for (const query of [VIEWER, `{ sdgGoals { number } }`, `mutation { signOut }`]) {
      const { status, body } = await post(query, first);
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.data ?? null).toBeNull();
    }
    const viaGet = await get(`{ sdgGoals { number } }`, first);
    expect(viaGet.status).toBe(401);
    expect(viaGet.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('needs a signed-in viewer', async () => {
    expect(codeOf(await hub.gql(`mutation { signOut }`))).toBe('UNAUTHENTICATED');
  });
});

describe('bearer tokens', () => {
  it.each([
    ['a random string', 'garbage-token'],
    ['a well-formed but unknown token', `lch_${randomBytes(32).toString('base64url')}`],
  ])('refuses %s with UNAUTHENTICATED and HTTP 401', async (_what, token) => {
    const { status, body } = await post(VIEWER, token);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.each(['Token abc', 'Bearer', 'Basic dXNlcjpwYXNz'])('refuses the malformed Authorization header %j with UNAUTHENTICATED and HTTP 401', async (header) => {
    const { status, body } = await post(`{ sdgGoals { number } }`, undefined, header);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('are stored only as hashes: the sessions table holds no raw token', async () => {
    const email = freshEmail();
    const tokens = [(ok(await signUp(email)) as any).signUp.token as string, (ok(await signIn(email)) as any).signIn.token as string];
    const rows = await hub.database.db.select().from(sessions);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const stored = JSON.stringify(rows);
    for (const token of tokens) {
      expect(stored).not.toContain(token);
      // Nor the random part without its prefix.
      expect(stored).not.toContain(token.replace(/^[a-z]+_/, ''));
    }
  });
});

describe("a user's email", () => {
  it('is visible to the user themself and null for everyone else', async () => {
    const a = (ok(await signUp(freshEmail('ayu'))) as any).signUp;
    const b = (ok(await signUp(freshEmail('budi'))) as any).signUp;
    const EMAIL_OF = `query($id: ID!) { node(id: $id) { ... on User { id email } } }`;

    const own = ok(await hub.gql(EMAIL_OF, { id: a.user.id }, a.token)) as any;
    expect(own.node).toEqual({ id: a.user.id, email: a.user.email });

    const other = ok(await hub.gql(EMAIL_OF, { id: a.user.id }, b.token)) as any;
    expect(other.node).toEqual({ id: a.user.id, email: null });

    // Nor through an organisation's member list.
    const org = (ok(
      await hub.gql(
        `mutation { createOrganisation(input: { name: "Yayasan ${run} Ayu", kind: CIVIL_SOCIETY }) { organisation { slug } } }`,
        {},
        a.token,
      ),
    ) as any).createOrganisation.organisation;
    const MEMBERS = `query($slug: String!) { organisation(slug: $slug) { members { nodes { user { id email } } } } }`;
    const seenByB = ok(await hub.gql(MEMBERS, { slug: org.slug }, b.token)) as any;
    expect(seenByB.organisation.members.nodes).toEqual([{ user: { id: a.user.id, email: null } }]);
    const seenByA = ok(await hub.gql(MEMBERS, { slug: org.slug }, a.token)) as any;
    expect(seenByA.organisation.members.nodes).toEqual([{ user: { id: a.user.id, email: a.user.email } }]);
  });
});
