import { sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../context.js';
import {
  circleMembers,
  circleOrganisations,
  circleSdgGoals,
  circles,
  gatheringSdgGoals,
  gatherings,
  organisations,
  posts,
  resourceCircles,
  resourceSdgGoals,
  resources,
  threadSdgGoals,
  threads,
} from '../../db/schema.js';
import { BadInputError } from '../../errors.js';
import { orgAdminOf } from '../../auth/guard.js';
import { encodeCursor, pageSize } from '../../shared/connection.js';
import { optionalGlobalId } from '../../shared/ids.js';
import { assertSdgGoal, readableCircle } from '../circles/circle.service.js';
import { SearchKind, type SearchArgs } from './search.type.js';

/** The text search configurations every text is indexed with (see the search migration). */
const CONFIGS = ['indonesian', 'english'] as const;
type Config = (typeof CONFIGS)[number];

const ALL_KINDS = Object.values(SearchKind);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** ts_headline's marks; the text is HTML-escaped before, so these are the only markup. */
const HEADLINE_OPTIONS = 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "';

/**
 * The user's words as a tsquery for one configuration: websearch_to_tsquery's syntax ("phrases",
 * OR, -exclusion), and the last word, when it is a plain word of three or more letters, also as a
 * prefix, so a query typed so far ("musren") finds what it is on its way to ("musrenbang").
 */
export function tsQuery(text: string, config: Config): SQL {
  const cfg = sql.raw(`'${config}'::regconfig`);
  const m = /^(.*?)(?:^|\s)([\p{L}\p{N}]{3,})\s*$/su.exec(text);
  const head = m?.[1] ?? '';
  const last = m?.[2];
  // Inside an open quote the last word belongs to a phrase; "or" is an operator, not a word.
  const prefixable = last !== undefined && (head.split('"').length - 1) % 2 === 0 && last.toLowerCase() !== 'or';
  if (!prefixable) return sql`websearch_to_tsquery(${cfg}, ${text})`;
  const prefix = sql`to_tsquery(${cfg}, ${`${last}:*`})`;
  const orBefore = /(?:^|\s)or\s*$/i.exec(head);
  if (orBefore) return sql`(websearch_to_tsquery(${cfg}, ${head.slice(0, orBefore.index)}) || ${prefix})`;
  return sql`(websearch_to_tsquery(${cfg}, ${head}) && ${prefix})`;
}

interface Hit {
  kind: SearchKind;
  id: string;
  rank: number;
  total: number;
}

/** Cursor of a hit: its place in the order (rank desc, kind, id). */
function cursorOfHit(hit: Pick<Hit, 'kind' | 'id' | 'rank'>): string {
  return encodeCursor([hit.rank, hit.kind, hit.id]);
}

function decodeHitCursor(cursor: string): { rank: number; kind: SearchKind; id: string } {
  const invalid = () => new BadInputError('after', 'is not a cursor of this search');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(raw) || raw.length !== 3) throw invalid();
  const [rank, kind, id] = raw;
  if (typeof rank !== 'number' || !Number.isFinite(rank) || !ALL_KINDS.includes(kind) || typeof id !== 'string' || !UUID.test(id)) {
    throw invalid();
  }
  return { rank, kind, id };
}

const escapeHtml = (text: SQL) =>
  sql`replace(replace(replace(replace(replace(${text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')`;

export interface SearchFilter {
  viewerId: string | null;
  text: string;
  kinds: ReadonlySet<SearchKind>;
  circleId?: string;
  sdgGoal?: number | null;
}

/**
 * The statements of a search: `page` (hits best first after the cursor, with the total over all
 * hits), `count` (the total alone) and the `prelude` they share. Visibility is part of them
 * (circles the viewer may read, hidden content only for its moderators, no deleted posts), so
 * pages are never emptied after the fact and the total counts only what the viewer may see.
 * Exported for the benchmark's EXPLAIN of the very statement the API runs.
 */
export function searchStatements(f: SearchFilter, after: { rank: number; kind: SearchKind; id: string } | null, limit: number) {
  const { viewerId, circleId, kinds } = f;
  const goal = f.sdgGoal;
  const queryOf = (config: Config) => tsQuery(f.text, config);
  const rank = (vector: SQL) => sql`ts_rank(${vector}, q.query, 1)::float8`;

  const parts: SQL[] = [];
  if (kinds.has(SearchKind.THREAD)) {
    parts.push(sql`select 'THREAD' as kind, ${threads.id} as id, ${rank(sql`${threads}.search_vector`)} as rank
      from ${threads}, q
      where ${threads}.search_vector @@ q.query
        and ${threads.circleId} in (select id from visible_circles)
        and (${threads.hiddenAt} is null or ${threads.circleId} in (select id from moderated_circles))
        ${circleId ? sql`and ${threads.circleId} = ${circleId}` : sql``}
        ${goal != null ? sql`and exists (select 1 from ${threadSdgGoals} g where g.thread_id = ${threads.id} and g.goal = ${goal})` : sql``}`);
  }
  if (kinds.has(SearchKind.POST)) {
    parts.push(sql`select 'POST' as kind, ${posts.id} as id, ${rank(sql`${posts}.search_vector`)} as rank
      from ${posts} join ${threads} on ${threads.id} = ${posts.threadId}, q
      where ${posts}.search_vector @@ q.query
        and ${posts.deletedAt} is null
        and ${threads.circleId} in (select id from visible_circles)
        and (${posts.hiddenAt} is null or ${threads.circleId} in (select id from moderated_circles))
        ${circleId ? sql`and ${threads.circleId} = ${circleId}` : sql``}
        ${goal != null ? sql`and exists (select 1 from ${threadSdgGoals} g where g.thread_id = ${threads.id} and g.goal = ${goal})` : sql``}`);
  }
  if (kinds.has(SearchKind.RESOURCE)) {
    parts.push(sql`select 'RESOURCE' as kind, ${resources.id} as id, ${rank(sql`${resources}.search_vector`)} as rank
      from ${resources}, q
      where ${resources}.search_vector @@ q.query
        and (${resources.sharedById} = ${viewerId}
          or exists (select 1 from ${resourceCircles} rc where rc.resource_id = ${resources.id} and rc.circle_id in (select id from visible_circles)))
        and (${resources.hiddenAt} is null
          or exists (select 1 from ${resourceCircles} rc where rc.resource_id = ${resources.id} and rc.circle_id in (select id from moderated_circles)))
        ${circleId ? sql`and exists (select 1 from ${resourceCircles} rc where rc.resource_id = ${resources.id} and rc.circle_id = ${circleId})` : sql``}
        ${goal != null ? sql`and exists (select 1 from ${resourceSdgGoals} g where g.resource_id = ${resources.id} and g.goal = ${goal})` : sql``}`);
  }
  if (kinds.has(SearchKind.CIRCLE)) {
    parts.push(sql`select 'CIRCLE' as kind, ${circles.id} as id, ${rank(sql`${circles}.search_vector`)} as rank
      from ${circles}, q
      where ${circles}.search_vector @@ q.query
        and ${circles.id} in (select id from visible_circles)
        ${circleId ? sql`and ${circles.id} = ${circleId}` : sql``}
        ${goal != null ? sql`and exists (select 1 from ${circleSdgGoals} g where g.circle_id = ${circles.id} and g.goal = ${goal})` : sql``}`);
  }
  if (kinds.has(SearchKind.ORGANISATION)) {
    parts.push(sql`select 'ORGANISATION' as kind, ${organisations.id} as id, ${rank(sql`${organisations}.search_vector`)} as rank
      from ${organisations}, q
      where ${organisations}.search_vector @@ q.query
        ${circleId ? sql`and exists (select 1 from ${circleOrganisations} co where co.organisation_id = ${organisations.id} and co.circle_id = ${circleId})` : sql``}`);
  }
  if (kinds.has(SearchKind.GATHERING)) {
    // A gathering is readable as its circle is; a cancelled one stays findable (it is still read
    // in the circle's list, with its status), so "why was the forum cancelled" can be found.
    parts.push(sql`select 'GATHERING' as kind, ${gatherings.id} as id, ${rank(sql`${gatherings}.search_vector`)} as rank
      from ${gatherings}, q
      where ${gatherings}.search_vector @@ q.query
        and ${gatherings.circleId} in (select id from visible_circles)
        ${circleId ? sql`and ${gatherings.circleId} = ${circleId}` : sql``}
        ${goal != null ? sql`and exists (select 1 from ${gatheringSdgGoals} g where g.gathering_id = ${gatherings.id} and g.goal = ${goal})` : sql``}`);
  }
  if (parts.length === 0) return null;

  // The circles the viewer may read and moderate, once per statement rather than per matching row.
  const prelude = sql`with q as (select (${queryOf('indonesian')} || ${queryOf('english')}) as query),
    visible_circles as (
      select ${circles.id} as id from ${circles}
      where ${circles.visibility} = 'PUBLIC'
        or exists (select 1 from ${circleMembers} vm where vm.circle_id = ${circles.id} and vm.user_id = ${viewerId})
        or ${viewerId ? orgAdminOf(viewerId, circles.id) : sql`false`}
    ),
    moderated_circles as (
      select circle_id as id from ${circleMembers} where user_id = ${viewerId} and role in ('FACILITATOR', 'COORDINATOR')
    )`;
  const union = sql.join(parts, sql` union all `);
  const afterFilter = after ? sql`where (-hits.rank, hits.kind, hits.id) > (${-after.rank}::float8, ${after.kind}, ${after.id}::uuid)` : sql``;
  // The total comes from the same pass over the hits, counted before the cursor applies.
  const page = sql`${prelude}
    select kind, id::text as id, rank, total from (
      select hits.*, count(*) over () as total from (${union}) hits
    ) hits
    ${afterFilter}
    order by hits.rank desc, hits.kind, hits.id
    limit ${limit + 1}`;
  const count = sql`${prelude} select count(*)::int as n from (${union}) hits`;
  return { prelude, page, count, queryOf };
}

/** Full-text search over what the viewer may read, best match first. */
export async function search(ctx: Context, args: SearchArgs) {
  const limit = pageSize(args.first);
  assertSdgGoal(args.sdgGoal);
  const circleId = optionalGlobalId(args.circleId, 'Circle', 'circleId');
  if (circleId) await readableCircle(ctx, circleId);
  const after = args.after != null ? decodeHitCursor(args.after) : null;
  const viewerId = ctx.viewer?.user.id ?? null;
  const kinds = new Set(args.kinds?.length ? args.kinds : ALL_KINDS);
  // Signed out, only the public organisation directory can be searched.
  if (!viewerId) for (const k of [SearchKind.THREAD, SearchKind.POST, SearchKind.RESOURCE, SearchKind.CIRCLE, SearchKind.GATHERING]) kinds.delete(k);
  if (args.sdgGoal != null) kinds.delete(SearchKind.ORGANISATION);

  const statements = searchStatements({ viewerId, text: args.query.trim(), kinds, circleId, sdgGoal: args.sdgGoal }, after, limit);
  if (!statements) return connection([], args.after != null, false, async () => 0);
  const { rows } = (await ctx.db.execute(statements.page)) as unknown as {
    rows: { kind: SearchKind; id: string; rank: number; total: string | number }[];
  };
  const hits = rows.map((r) => ({ kind: r.kind, id: r.id, rank: Number(r.rank), total: Number(r.total) }));
  const count = async () => {
    if (hits.length) return hits[0].total;
    if (!after) return 0;
    // Past the last hit: count them without the cursor.
    const [row] = ((await ctx.db.execute(statements.count)) as unknown as { rows: { n: number }[] }).rows;
    return row.n;
  };
  const page = hits.slice(0, limit);
  const highlights = await headlines(ctx, statements.prelude, page, statements.queryOf);
  const edges = await Promise.all(
    page.map(async (hit, i) => ({ cursor: cursorOfHit(hit), node: { subject: await subjectOf(ctx, hit), highlight: highlights[i], rank: hit.rank } })),
  );
  return connection(edges, args.after != null, hits.length > limit, count);
}

/**
 * Highlighted fragments of the page's bodies and descriptions, each with the configuration whose
 * words matched; null where no word of the body matched (the match was in the title only).
 */
async function headlines(ctx: Context, prelude: SQL, page: Hit[], queryOf: (config: Config) => SQL): Promise<(string | null)[]> {
  if (page.length === 0) return [];
  const text = sql`case page.kind
    when 'THREAD' then ${threads.body} when 'POST' then ${posts.body} when 'RESOURCE' then ${resources.description}
    when 'CIRCLE' then ${circles.description} when 'ORGANISATION' then ${organisations.description}
    when 'GATHERING' then concat_ws(' · ', ${gatherings.description}, ${gatherings.venue}) end`;
  const marked = (config: Config) => {
    const h = sql`ts_headline(${sql.raw(`'${config}'::regconfig`)}, ${escapeHtml(text)}, ${queryOf(config)}, ${HEADLINE_OPTIONS})`;
    return sql`case when strpos(${h}, '<mark>') > 0 then ${h} end`;
  };
  const { rows } = (await ctx.db.execute(sql`${prelude}
    select page.ord, coalesce(${sql.join(CONFIGS.map(marked), sql`, `)}) as highlight
    from unnest(${sql.param(page.map((h) => h.kind))}::text[], ${sql.param(page.map((h) => h.id))}::uuid[]) with ordinality as page(kind, id, ord)
    left join ${threads} on page.kind = 'THREAD' and ${threads.id} = page.id
    left join ${posts} on page.kind = 'POST' and ${posts.id} = page.id
    left join ${resources} on page.kind = 'RESOURCE' and ${resources.id} = page.id
    left join ${circles} on page.kind = 'CIRCLE' and ${circles.id} = page.id
    left join ${organisations} on page.kind = 'ORGANISATION' and ${organisations.id} = page.id
    left join ${gatherings} on page.kind = 'GATHERING' and ${gatherings.id} = page.id
    order by page.ord`)) as unknown as { rows: { ord: number; highlight: string | null }[] };
  return rows.map((r) => r.highlight);
}

async function subjectOf(ctx: Context, hit: Hit): Promise<object> {
  const loaders = ctx.loaders;
  switch (hit.kind) {
    case SearchKind.THREAD:
      return { ...(await loaders.thread.load(hit.id))!, __typename: 'Thread' };
    case SearchKind.POST:
      return { ...(await loaders.post.load(hit.id))!, __typename: 'Post' };
    case SearchKind.RESOURCE:
      return { ...(await loaders.resource.load(hit.id))!, __typename: 'Resource' };
    case SearchKind.CIRCLE:
      return { ...(await loaders.circle.load(hit.id))!, __typename: 'Circle' };
    case SearchKind.ORGANISATION:
      return { ...(await loaders.organisation.load(hit.id))!, __typename: 'Organisation' };
    case SearchKind.GATHERING:
      return { ...(await loaders.gathering.load(hit.id))!, __typename: 'Gathering' };
  }
}

/** A Relay connection of hits; the count runs only when a client asks for totalCount. */
function connection<T extends { cursor: string; node: unknown }>(edges: T[], hasPrevious: boolean, hasNext: boolean, count: () => Promise<number>) {
  let counted: Promise<number> | undefined;
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: hasNext,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      return (counted ??= count());
    },
  };
}
