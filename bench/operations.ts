/**
 * The three HTTP operations, as the hub's contract asks for them and as PostGraphile 5's
 * generated schema (Amber preset, tables as they are) asks for the same data. Each side's
 * `check` throws unless a response holds the data the operation is meant to read or write.
 */

export type OperationName = 'circleFeed' | 'threadPage' | 'createPost';

export interface SideRequest {
  query: string;
  /** Variables for the n-th request (createPost spreads its writes over several threads). */
  variables: (n: number) => Record<string, unknown>;
  check: (data: any) => void;
}

export interface Operation {
  name: OperationName;
  /** What it reads or writes, for BENCHMARKS.md. */
  description: string;
  hub: SideRequest;
  postgraphile: SideRequest;
}

export interface OperationTargets {
  feedCircleSlug: string;
  pageThreadGlobalId: string;
  pageThreadUuid: string;
  /** Threads createPost writes to, round robin, as global IDs (hub) and UUIDs (PostGraphile). */
  postThreadGlobalIds: string[];
  postThreadUuids: string[];
  /** The signed-in viewer's user id: PostGraphile has no viewer, so its posts name the author. */
  viewerUuid: string;
}

const HUB_CIRCLE_FEED = `query CircleFeed($slug: String!) {
  circle(slug: $slug) {
    threads(first: 20) {
      nodes {
        title
        author { displayName }
        postCount
        lastActivityAt
        posts(first: 3) { nodes { body author { displayName } } }
      }
    }
  }
}`;

const PG_CIRCLE_FEED = `query CircleFeed($slug: String!) {
  circleBySlug(slug: $slug) {
    threadsByCircleId(first: 20, orderBy: [LAST_ACTIVITY_AT_DESC, ROW_ID_DESC]) {
      nodes {
        title
        userByAuthorId { displayName }
        postCount
        lastActivityAt
        postsByThreadId(first: 3, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { nodes { body userByAuthorId { displayName } } }
      }
    }
  }
}`;

const HUB_THREAD_PAGE = `query ThreadPage($id: ID!) {
  node(id: $id) {
    ... on Thread {
      title
      posts(first: 50) {
        nodes {
          body
          author { displayName }
          replyTo { id }
          reactionGroups { content count viewerHasReacted }
        }
      }
    }
  }
}`;

// PostGraphile has no grouped reactions without an extra plugin: it returns each reaction's
// kind and user, from which a client derives the same groups (and viewerHasReacted).
const PG_THREAD_PAGE = `query ThreadPage($id: UUID!) {
  threadByRowId(rowId: $id) {
    title
    postsByThreadId(first: 50, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) {
      nodes {
        body
        userByAuthorId { displayName }
        postByReplyToId { rowId }
        reactionsByPostId { nodes { content userId } }
      }
    }
  }
}`;

const HUB_CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) { post { id createdAt } }
}`;

const PG_CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) { post { rowId createdAt } }
}`;

function expect(condition: unknown, what: string): void {
  if (!condition) throw new Error(`unexpected response: ${what}`);
}

function checkFeed(threads: any[] | undefined, postsOf: (t: any) => any[] | undefined, authorOf: (x: any) => any) {
  expect(Array.isArray(threads) && threads.length === 20, 'a circle feed of 20 threads');
  for (const t of threads!) {
    expect(typeof t.title === 'string' && authorOf(t)?.displayName, 'threads with a title and an author');
    const posts = postsOf(t);
    expect(Array.isArray(posts) && posts.length >= 1 && posts.length <= 3, 'up to 3 posts per thread');
    for (const p of posts!) expect(typeof p.body === 'string' && authorOf(p)?.displayName, 'posts with a body and an author');
  }
}

const BODY = 'Di desa kami musrenbang minggu depan; templat RKPDes sudah kami isi. (benchmark)';

export function operations(t: OperationTargets): Operation[] {
  return [
    {
      name: 'circleFeed',
      description: 'a circle by slug with threads(first: 20) { title author postCount lastActivityAt posts(first: 3) { body author } }',
      hub: {
        query: HUB_CIRCLE_FEED,
        variables: () => ({ slug: t.feedCircleSlug }),
        check: (data) =>
          checkFeed(
            data?.circle?.threads?.nodes,
            (x) => x.posts?.nodes,
            (x) => x.author,
          ),
      },
      postgraphile: {
        query: PG_CIRCLE_FEED,
        variables: () => ({ slug: t.feedCircleSlug }),
        check: (data) =>
          checkFeed(
            data?.circleBySlug?.threadsByCircleId?.nodes,
            (x) => x.postsByThreadId?.nodes,
            (x) => x.userByAuthorId,
          ),
      },
    },
    {
      name: 'threadPage',
      description: 'a thread with posts(first: 50) { body author replyTo reactionGroups }',
      hub: {
        query: HUB_THREAD_PAGE,
        variables: () => ({ id: t.pageThreadGlobalId }),
        check: (data) => {
          const posts = data?.node?.posts?.nodes;
          expect(Array.isArray(posts) && posts.length === 50, 'a thread page of 50 posts');
          expect(posts.some((p: any) => p.replyTo?.id), 'some replies');
          expect(posts.some((p: any) => p.reactionGroups?.length), 'some reactions');
        },
      },
      postgraphile: {
        query: PG_THREAD_PAGE,
        variables: () => ({ id: t.pageThreadUuid }),
        check: (data) => {
          const posts = data?.threadByRowId?.postsByThreadId?.nodes;
          expect(Array.isArray(posts) && posts.length === 50, 'a thread page of 50 posts');
          expect(posts.some((p: any) => p.postByReplyToId?.rowId), 'some replies');
          expect(posts.some((p: any) => p.reactionsByPostId?.nodes?.length), 'some reactions');
        },
      },
    },
    {
      name: 'createPost',
      description: 'a post in one of 50 threads of the circle, round robin',
      hub: {
        query: HUB_CREATE_POST,
        variables: (n) => ({ input: { threadId: t.postThreadGlobalIds[n % t.postThreadGlobalIds.length], body: BODY } }),
        check: (data) => expect(data?.createPost?.post?.id, 'the new post'),
      },
      postgraphile: {
        query: PG_CREATE_POST,
        variables: (n) => ({
          input: { post: { threadId: t.postThreadUuids[n % t.postThreadUuids.length], authorId: t.viewerUuid, body: BODY } },
        }),
        check: (data) => expect(data?.createPost?.post?.rowId, 'the new post'),
      },
    },
  ];
}

/** The subscription each fan-out subscriber holds (the README's example selection). */
export const FANOUT_SUBSCRIPTION = `subscription CircleActivity($circleId: ID!) {
  circleActivity(circleId: $circleId) {
    cursor
    kind
    occurredAt
    actor { displayName }
    thread { id title }
    post { id body }
  }
}`;
