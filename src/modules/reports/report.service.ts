import { sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { VALUE_DEPENDENT_PLAN, type Queryable } from '../../db/client.js';
import {
  attendanceRecords,
  circleMembers,
  circleOrganisations,
  circleSdgGoals,
  circles,
  followUps,
  gatherings,
  organisations,
  posts,
  regions,
  resourceCircles,
  threads,
} from '../../db/schema.js';
import { BadInputError } from '../../errors.js';
import { orgAdminOf, requireViewer } from '../../auth/guard.js';
import { optionalGlobalId } from '../../shared/ids.js';
import { inRegionTree } from '../../shared/sql.js';
import { ORGANISATION_KINDS, type AttendanceCounts, type OrganisationKindName } from '../../loaders.js';
import { assertSdgGoal } from '../circles/circle.service.js';

export interface ReportParams {
  from: Date;
  to: Date;
  regionId?: string | null;
  sdgGoal?: number | null;
}

export interface ProgramReportRowData {
  /** District region id; null on the total row and for circles without a district. */
  districtId: string | null;
  districtName: string | null;
  activeCircles: number;
  organisations: number;
  organisationsByKind: { kind: OrganisationKindName; count: number }[];
  members: number;
  facilitators: number;
  villagesReached: number;
  threadsStarted: number;
  posts: number;
  resourcesShared: number;
  gatheringsHeld: number;
  attendance: AttendanceCounts;
  uniqueAttendees: number;
  followUpsOpen: number;
  followUpsDone: number;
}

export interface ProgramReportData {
  from: Date;
  to: Date;
  rows: ProgramReportRowData[];
  total: ProgramReportRowData;
}

const MAX_YEARS = 3;

/** The period and filters of a report, checked: the same rules for GraphQL and the downloads. */
export function checkReportParams(p: { from: Date; to: Date; regionId?: string | null; sdgGoal?: number | null }) {
  if (Number.isNaN(p.from.getTime())) throw new BadInputError('from', 'is not a date and time');
  if (Number.isNaN(p.to.getTime())) throw new BadInputError('to', 'is not a date and time');
  if (p.to <= p.from) throw new BadInputError('to', 'must be after from');
  const limit = new Date(p.from);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_YEARS);
  if (p.to > limit) throw new BadInputError('to', `the period may be at most ${MAX_YEARS} years`);
  assertSdgGoal(p.sdgGoal);
  return { from: p.from, to: p.to, regionId: optionalGlobalId(p.regionId, 'Region', 'regionId') ?? null, sdgGoal: p.sdgGoal ?? null };
}

const KIND_COLUMNS = ORGANISATION_KINDS.map((k) => k.toLowerCase());

/**
 * The whole report in one statement, whatever the number of districts or circles. Figures that
 * add up across circles (threads, posts, gatherings, attendance lines, follow-ups) are counted
 * per circle first, so the big tables are aggregated by hash and never carried row by row; only
 * what must be counted once across circles (organisations, people, villages, resources) becomes
 * a row of `facts`. Both roll up with GROUPING SETS into each district's row and the total.
 */
/**
 * One text key per row of a GROUPING SETS result: the total, a district, or the circles without
 * one. The three aggregates join on it by hash; `is not distinct from` would force a nested loop.
 */
const rowKey = (district: SQL) => sql`case when grouping(${district}) = 1 then 'total' else coalesce(${district}::text, 'none') end`;

export function reportQuery(viewerId: string, p: { from: Date; to: Date; regionId: string | null; sdgGoal: number | null }): SQL {
  const from = sql`${p.from.toISOString()}::timestamptz`;
  const to = sql`${p.to.toISOString()}::timestamptz`;
  const inPeriod = (column: SQL) => sql`${column} >= ${from} and ${column} < ${to}`;
  const orgKindCounts = ORGANISATION_KINDS.map(
    (kind, i) => sql`count(distinct key) filter (where fact = 'org' and kind = ${kind})::int as ${sql.identifier(`org_${KIND_COLUMNS[i]}`)}`,
  );
  const attendanceKindCounts = ORGANISATION_KINDS.map(
    (kind, i) => sql`count(*) filter (where coalesce(ao.kind, ar.affiliation_kind, 'OTHER') = ${kind})::int as ${sql.identifier(`att_${KIND_COLUMNS[i]}`)}`,
  );
  const attendanceKindSums = ORGANISATION_KINDS.map((_, i) => {
    const column = sql.identifier(`att_${KIND_COLUMNS[i]}`);
    return sql`coalesce(sum(ac.${column}), 0)::int as ${column}`;
  });
  // A year over every district and a week of one differ in their best plan.
  return sql`${sql.raw(VALUE_DEPENDENT_PLAN)}
    with counted as (
      select c.id as circle_id,
        case r.level when 'DISTRICT' then r.id when 'SUBDISTRICT' then p.id when 'VILLAGE' then gp.id end as district_id
      from ${circles} c
      left join ${regions} r on r.id = c.region_id
      left join ${regions} p on p.id = r.parent_id
      left join ${regions} gp on gp.id = p.parent_id
      where (exists (select 1 from ${circleMembers} cm where cm.circle_id = c.id and cm.user_id = ${viewerId} and cm.role = 'COORDINATOR')
          or ${orgAdminOf(viewerId, sql`c.id`)})
        ${p.regionId ? sql`and ${inRegionTree(sql`c.region_id`, p.regionId)}` : sql``}
        ${p.sdgGoal != null ? sql`and exists (select 1 from ${circleSdgGoals} sg where sg.circle_id = c.id and sg.goal = ${p.sdgGoal})` : sql``}
    ),
    held as (
      select g.id, g.circle_id, g.region_id, k.district_id from ${gatherings} g join counted k on k.circle_id = g.circle_id
      where g.status = 'HELD' and ${inPeriod(sql`g.starts_at`)}
    ),
    thread_counts as (
      select t.circle_id, count(*)::int as n from ${threads} t
      where t.circle_id in (select circle_id from counted) and ${inPeriod(sql`t.created_at`)} group by t.circle_id
    ),
    -- All posts of the period from the (thread, created_at) index alone, less the deleted ones from
    -- their small partial index: the posts' wide rows are never read.
    post_counts as (
      select t.circle_id, (sum(pt.n) - coalesce(sum(dt.n), 0))::int as n
      from (select ps.thread_id, count(*) as n from ${posts} ps where ${inPeriod(sql`ps.created_at`)} group by ps.thread_id) pt
      join ${threads} t on t.id = pt.thread_id
      left join (
        select ps.thread_id, count(*) as n from ${posts} ps
        where ps.deleted_at is not null and ${inPeriod(sql`ps.created_at`)} group by ps.thread_id
      ) dt on dt.thread_id = pt.thread_id
      where t.circle_id in (select circle_id from counted)
      group by t.circle_id
    ),
    resource_counts as (
      select rc.circle_id, count(*)::int as n from ${resourceCircles} rc
      where rc.circle_id in (select circle_id from counted) and ${inPeriod(sql`rc.shared_at`)} group by rc.circle_id
    ),
    gathering_counts as (select circle_id, count(*)::int as n from held group by circle_id),
    attendance_counts as (
      select h.circle_id, count(*)::int as total,
        count(*) filter (where ar.gender = 'FEMALE')::int as female,
        count(*) filter (where ar.gender = 'MALE')::int as male,
        count(*) filter (where ar.gender = 'NOT_STATED')::int as not_stated,
        ${sql.join(attendanceKindCounts, sql`, `)}
      from held h join ${attendanceRecords} ar on ar.gathering_id = h.id left join ${organisations} ao on ao.id = ar.organisation_id
      group by h.circle_id
    ),
    follow_up_counts as (
      select f.circle_id, count(*)::int as n,
        count(*) filter (where f.status in ('OPEN', 'IN_PROGRESS'))::int as open,
        count(*) filter (where f.status = 'DONE')::int as done
      from ${followUps} f where f.circle_id in (select circle_id from counted) and ${inPeriod(sql`f.created_at`)} group by f.circle_id
    ),
    sums as (
      select grouping(k.district_id) = 1 as is_total, k.district_id, ${rowKey(sql`k.district_id`)} as row_key,
        count(*) filter (where coalesce(tc.n, 0) + coalesce(pc.n, 0) + coalesce(rc.n, 0) + coalesce(gc.n, 0) + coalesce(fc.n, 0) > 0)::int
          as active_circles,
        coalesce(sum(tc.n), 0)::int as threads_started,
        coalesce(sum(pc.n), 0)::int as posts,
        coalesce(sum(gc.n), 0)::int as gatherings_held,
        coalesce(sum(ac.total), 0)::int as att_total,
        coalesce(sum(ac.female), 0)::int as att_female,
        coalesce(sum(ac.male), 0)::int as att_male,
        coalesce(sum(ac.not_stated), 0)::int as att_not_stated,
        ${sql.join(attendanceKindSums, sql`, `)},
        coalesce(sum(fc.open), 0)::int as follow_ups_open,
        coalesce(sum(fc.done), 0)::int as follow_ups_done
      from counted k
      left join thread_counts tc on tc.circle_id = k.circle_id
      left join post_counts pc on pc.circle_id = k.circle_id
      left join resource_counts rc on rc.circle_id = k.circle_id
      left join gathering_counts gc on gc.circle_id = k.circle_id
      left join attendance_counts ac on ac.circle_id = k.circle_id
      left join follow_up_counts fc on fc.circle_id = k.circle_id
      group by grouping sets ((k.district_id), ())
    ),
    facts(district_id, fact, key, kind) as (
      select k.district_id, 'org', co.organisation_id, o.kind::text
        from counted k join ${circleOrganisations} co on co.circle_id = k.circle_id join ${organisations} o on o.id = co.organisation_id
      union all
      select k.district_id, 'member', m.user_id, m.role::text
        from counted k join ${circleMembers} m on m.circle_id = k.circle_id where m.joined_at < ${to}
      union all
      select k.district_id, 'resource', rc.resource_id, null
        from counted k join ${resourceCircles} rc on rc.circle_id = k.circle_id where ${inPeriod(sql`rc.shared_at`)}
      union all
      select h.district_id, 'village', h.region_id, null
        from held h join ${regions} vr on vr.id = h.region_id where vr.level = 'VILLAGE'
      union all
      -- Deduplicated by hash first: sheets name the same few villages on thousands of lines.
      select distinct h.district_id, 'village', ar.village_id, null::text
        from held h join ${attendanceRecords} ar on ar.gathering_id = h.id where ar.village_id is not null
    ),
    attendees as (
      select distinct h.district_id, ar.line_key from held h join ${attendanceRecords} ar on ar.gathering_id = h.id
    ),
    distinct_counts as (
      select ${rowKey(sql`district_id`)} as row_key,
        count(distinct key) filter (where fact = 'org')::int as organisations,
        ${sql.join(orgKindCounts, sql`, `)},
        count(distinct key) filter (where fact = 'member')::int as members,
        count(distinct key) filter (where fact = 'member' and kind = 'FACILITATOR')::int as facilitators,
        count(distinct key) filter (where fact = 'village')::int as villages_reached,
        count(distinct key) filter (where fact = 'resource')::int as resources_shared
      from facts
      group by grouping sets ((district_id), ())
    ),
    attendee_counts as (
      select ${rowKey(sql`district_id`)} as row_key, count(distinct line_key)::int as unique_attendees
      from attendees group by grouping sets ((district_id), ())
    )
    select s.is_total, s.district_id, s.active_circles, s.threads_started, s.posts, s.gatherings_held, s.att_total, s.att_female, s.att_male, s.att_not_stated, ${sql.join(
      ORGANISATION_KINDS.map((_, i) => sql`s.${sql.identifier(`att_${KIND_COLUMNS[i]}`)}`),
      sql`, `,
    )}, s.follow_ups_open, s.follow_ups_done, dc.organisations, ${sql.join(
      ORGANISATION_KINDS.map((_, i) => sql`dc.${sql.identifier(`org_${KIND_COLUMNS[i]}`)}`),
      sql`, `,
    )}, dc.members, dc.facilitators, dc.villages_reached, dc.resources_shared, ua.unique_attendees, d.name as district_name
    from sums s
    left join distinct_counts dc on dc.row_key = s.row_key
    left join attendee_counts ua on ua.row_key = s.row_key
    left join ${regions} d on d.id = s.district_id
    order by s.is_total, d.name nulls last, s.district_id`;
}

type RawRow = Record<string, unknown> & { is_total: boolean; district_id: string | null; district_name: string | null };

function toRow(r: RawRow): ProgramReportRowData {
  const n = (k: string) => Number(r[k] ?? 0);
  return {
    districtId: r.is_total ? null : r.district_id,
    districtName: r.is_total ? null : r.district_name,
    activeCircles: n('active_circles'),
    organisations: n('organisations'),
    organisationsByKind: ORGANISATION_KINDS.map((kind, i) => ({ kind, count: n(`org_${KIND_COLUMNS[i]}`) })),
    members: n('members'),
    facilitators: n('facilitators'),
    villagesReached: n('villages_reached'),
    threadsStarted: n('threads_started'),
    posts: n('posts'),
    resourcesShared: n('resources_shared'),
    gatheringsHeld: n('gatherings_held'),
    attendance: {
      total: n('att_total'),
      female: n('att_female'),
      male: n('att_male'),
      notStated: n('att_not_stated'),
      byOrganisationKind: ORGANISATION_KINDS.map((kind, i) => ({ kind, count: n(`att_${KIND_COLUMNS[i]}`) })),
    },
    uniqueAttendees: n('unique_attendees'),
    followUpsOpen: n('follow_ups_open'),
    followUpsDone: n('follow_ups_done'),
  };
}

const EMPTY_TOTAL: RawRow = { is_total: true, district_id: null, district_name: null };

/** Computes the report for the viewer: one SQL statement. */
export async function computeReport(q: Queryable, viewerId: string, params: ReportParams): Promise<ProgramReportData> {
  const p = checkReportParams(params);
  const { rows } = (await q.execute(reportQuery(viewerId, p))) as unknown as { rows: RawRow[] };
  const districts = rows.filter((r) => !r.is_total && r.district_id !== null).map(toRow);
  // A district row is listed when it has members or activity in the period; circles without a
  // district count in the total only.
  return {
    from: p.from,
    to: p.to,
    rows: districts.filter((r) => r.members > 0 || r.activeCircles > 0),
    total: toRow(rows.find((r) => r.is_total) ?? EMPTY_TOTAL),
  };
}

export function programReport(ctx: Context, params: ReportParams): Promise<ProgramReportData> {
  const viewer = requireViewer(ctx);
  return computeReport(ctx.db, viewer.user.id, params);
}
