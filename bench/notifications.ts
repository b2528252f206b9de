import type pg from 'pg';
import { toGlobalId } from '../src/shared/ids.js';
import { BENCH, circleId, circleThreads, threadId, type DatasetSize } from './dataset.js';
import type { SideRequest } from './operations.js';

/**
 * What notifications add to a write: createPost and createThread into a circle of 500 members
 * at notification level ALL, beside plain createPost in the HTTP runs' circle (members at the
 * default level). The hub alone: PostGraphile has no notifications to compare with.
 */
export const NOTIFY_MEMBERS = 500;

export interface NotificationCase {
  name: 'createPost (plain)' | 'createPost (500 at ALL)' | 'createThread (500 at ALL)';
  description: string;
  request: SideRequest;
}

const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) { createPost(input: $input) { post { id createdAt } } }`;
const CREATE_THREAD = `mutation CreateThread($input: CreateThreadInput!) { createThread(input: $input) { thread { id createdAt } } }`;
const BODY = 'Di desa kami musrenbang minggu depan; templat RKPDes sudah kami isi. (benchmark)';

/**
 * Makes circle BENCH.notifyCircle a circle of NOTIFY_MEMBERS members (users 0..499, the viewer
 * among them) at level ALL, in one statement each. Needs a data set of at least 500 users (x5).
 */
export async function prepareNotifyCircle(client: pg.Client, size: DatasetSize): Promise<void> {
  if (size.users < NOTIFY_MEMBERS) throw new Error(`the notification benchmark needs ${NOTIFY_MEMBERS} users (scale >= 5)`);
  await client.query(
    `insert into circle_members (circle_id, user_id, role, notification_level)
     select $1::uuid, md5('user:' || u)::uuid, 'PARTICIPANT', 'ALL' from generate_series(0, $2::int - 1) u
     on conflict (circle_id, user_id) do update set notification_level = 'ALL'`,
    [circleId(BENCH.notifyCircle), NOTIFY_MEMBERS],
  );
  await client.query(`analyze circle_members`);
}

export function notificationCases(size: DatasetSize, plainThreads: string[]): NotificationCase[] {
  const allThreads = circleThreads(size, BENCH.notifyCircle, 50).map((t) => toGlobalId('Thread', threadId(t)));
  const check = (path: (d: any) => unknown) => (data: any) => {
    if (!path(data)) throw new Error('unexpected response: no id');
  };
  return [
    {
      name: 'createPost (plain)',
      description: 'createPost in one of 50 threads of the HTTP runs\u2019 circle (20 members, default level)',
      request: {
        query: CREATE_POST,
        variables: (n) => ({ input: { threadId: plainThreads[n % plainThreads.length], body: BODY } }),
        check: check((d) => d?.createPost?.post?.id),
      },
    },
    {
      name: 'createPost (500 at ALL)',
      description: `createPost in one of 50 threads of a circle of ${NOTIFY_MEMBERS} members at level ALL (notifies the thread's author)`,
      request: {
        query: CREATE_POST,
        variables: (n) => ({ input: { threadId: allThreads[n % allThreads.length], body: BODY } }),
        check: check((d) => d?.createPost?.post?.id),
      },
    },
    {
      name: 'createThread (500 at ALL)',
      description: `createThread in a circle of ${NOTIFY_MEMBERS} members at level ALL: ${NOTIFY_MEMBERS - 1} NEW_THREAD notifications in one INSERT ... SELECT`,
      request: {
        query: CREATE_THREAD,
        variables: (n) => ({ input: { circleId: toGlobalId('Circle', circleId(BENCH.notifyCircle)), title: `Benchmark ${n}`, body: BODY } }),
        check: check((d) => d?.createThread?.thread?.id),
      },
    },
  ];
}

