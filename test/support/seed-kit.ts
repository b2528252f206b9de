import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/auth/passwords.js';
import { hashToken, newToken } from '../../src/auth/tokens.js';
import { sessions, users } from '../../src/db/schema.js';
import { toGlobalId } from '../../src/shared/ids.js';
import type { GraphQLResponse, TestHub } from './hub.js';

export function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

/** The first error's code, for `expect(codeOf(res)).toBe('NOT_FOUND')`. */
export function codeOf(res: GraphQLResponse): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

export interface Ref {
  id: string;
  slug?: string;
}

export type Actor = Awaited<ReturnType<ReturnType<typeof seedKit>['user']>>;

/**
 * Chaining seed helpers that speak only GraphQL: `const alice = await kit.user();
 * const org = await alice.createOrg(); const circle = await alice.createCircle({ orgs: [org] });`
 */
export function seedKit(hub: TestHub) {
  const run = randomBytes(3).toString('hex');
  let n = 0;
  let quickHash: Promise<string> | undefined;

  async function user(displayName?: string) {
    n++;
    const email = `user${n}-${run}@example.test`;
    const password = `password-${n}-long-enough`;
    const res = ok(
      await hub.gql(
        `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id displayName } } }`,
        { input: { email, password, displayName: displayName ?? `User ${n}` } },
      ),
    ) as any;
    return actor(res.signUp.user.id, res.signUp.token, email, password, res.signUp.user.displayName);
  }

  /**
   * A user written straight into the database with a session, the way the demo seed does: signUp
   * spends a deliberate ~0.3 s of scrypt per account, too slow for tests that need many.
   */
  async function quickUser(displayName?: string) {
    n++;
    const email = `user${n}-${run}@example.test`;
    const name = displayName ?? `User ${n}`;
    quickHash ??= hashPassword('quick-user-password-long-enough');
    const [row] = await hub.database.db
      .insert(users)
      .values({ email, displayName: name, passwordHash: await quickHash })
      .returning({ id: users.id });
    const token = newToken();
    await hub.database.db.insert(sessions).values({ userId: row.id, tokenHash: hashToken(token) });
    return actor(toGlobalId('User', row.id), token, email, 'quick-user-password-long-enough', name);
  }

  function actor(id: string, token: string, email: string, password: string, displayName: string) {
    const gql = <T = any>(query: string, variables?: Record<string, unknown>) => hub.gql<T>(query, variables, token);
    const must = async (query: string, variables?: Record<string, unknown>) => ok(await gql(query, variables)) as any;

    return {
      id,
      token,
      email,
      password,
      displayName,
      gql,
      must,
      async createOrg(opts: { name?: string; kind?: string } = {}): Promise<Ref> {
        const d = await must(
          `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id slug } } }`,
          { input: { name: opts.name ?? `Organisation ${run}-${++n}`, kind: opts.kind ?? 'CIVIL_SOCIETY' } },
        );
        return d.createOrganisation.organisation;
      },
      async addToOrg(org: Ref, member: { id: string }, role = 'MEMBER') {
        await must(
          `mutation($input: AddOrganisationMemberInput!) { addOrganisationMember(input: $input) { membership { role } } }`,
          { input: { organisationId: org.id, userId: member.id, role } },
        );
      },
      async createCircle(opts: { orgs: Ref[]; visibility?: string; name?: string; sdgGoals?: number[] }): Promise<Ref> {
        const d = await must(
          `mutation($input: CreateCircleInput!) { createCircle(input: $input) { circle { id slug } } }`,
          {
            input: {
              name: opts.name ?? `Circle ${run}-${++n}`,
              visibility: opts.visibility ?? 'PUBLIC',
              organisationIds: opts.orgs.map((o) => o.id),
              sdgGoals: opts.sdgGoals,
            },
          },
        );
        return d.createCircle.circle;
      },
      async addMember(circle: Ref, member: { id: string }, role = 'PARTICIPANT') {
        await must(
          `mutation($input: AddCircleMemberInput!) { addCircleMember(input: $input) { membership { role } } }`,
          { input: { circleId: circle.id, userId: member.id, role } },
        );
      },
      async join(circle: Ref) {
        await must(`mutation($input: JoinCircleInput!) { joinCircle(input: $input) { membership { role } } }`, {
          input: { circleId: circle.id },
        });
      },
      async createThread(circle: Ref, opts: { title?: string; body?: string; sdgGoals?: number[] } = {}): Promise<Ref> {
        const d = await must(
          `mutation($input: CreateThreadInput!) { createThread(input: $input) { thread { id } } }`,
          { input: { circleId: circle.id, title: opts.title ?? `Thread ${++n}`, body: opts.body ?? 'Opening text', sdgGoals: opts.sdgGoals } },
        );
        return d.createThread.thread;
      },
      async createPost(thread: Ref, opts: { body?: string; replyTo?: Ref } = {}): Promise<Ref> {
        const d = await must(
          `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
          { input: { threadId: thread.id, body: opts.body ?? `Post ${++n}`, replyToId: opts.replyTo?.id } },
        );
        return d.createPost.post;
      },
      async shareResource(circles: Ref[], opts: { title?: string; url?: string; kind?: string } = {}): Promise<Ref> {
        const d = await must(
          `mutation($input: ShareResourceInput!) { shareResource(input: $input) { resource { id } } }`,
          {
            input: {
              title: opts.title ?? `Resource ${++n}`,
              kind: opts.kind ?? 'DOCUMENT',
              url: opts.url ?? 'https://example.org/guide.pdf',
              circleIds: circles.map((c) => c.id),
            },
          },
        );
        return d.shareResource.resource;
      },
    };
  }

  /** A coordinator with an organisation and a circle of that organisation. */
  async function circleWithCoordinator(opts: { visibility?: string; quick?: boolean } = {}) {
    const coordinator = await (opts.quick ? quickUser : user)('Coordinator');
    const org = await coordinator.createOrg();
    const circle = await coordinator.createCircle({ orgs: [org], visibility: opts.visibility });
    return { coordinator, org, circle };
  }

  return { user, quickUser, circleWithCoordinator };
}
