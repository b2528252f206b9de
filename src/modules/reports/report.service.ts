import { sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../context.js';
import type { Queryable } from '../../db/client.js';
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
 * The whole report in one statement, whatever the number of districts or circles: every fact of
 * the counted circles becomes a row of `facts`, and one aggregation with GROUPING SETS gives each
 * district's row and the total, where distinct counts (people, villages, organisations) are
 * counted once across districts rather than summed.
 */
function reportQuery(viewerId: string, p: { from: Date; to: Date; regionId: string | null; sdgGoal: number | null }): SQL {
  const from = sql`${p.from.toISOString()}::timestamptz`;
  const to = sql`${p.to.toISOString()}::timestamptz`;
  const inPeriod = (column: SQL) => sql`${column} >= ${from} and ${column} < ${to}`;
  const orgKindCounts = ORGANISATION_KINDS.map(
    (kind, i) => sql`count(distinct key) filter (where fact = 'org' and a = ${kind})::int as ${sql.identifier(`org_${KIND_COLUMNS[i]}`)}`,
  );
  const attendanceKindCounts = ORGANISATION_KINDS.map(
    (kind, i) => sql`count(*) filter (where fact = 'attendance' and b = ${kind})::int as ${sql.identifier(`att_${KIND_COLUMNS[i]}`)}`,
  );
  return sql`
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
    facts(district_id, circle_id, fact, key, a, b) as (
      select k.district_id, k.circle_id, 'org', co.organisation_id::text, o.kind::text, null
        from counted k join ${circleOrganisations} co on co.circle_id = k.circle_id join ${organisations} o on o.id = co.organisation_id
      union all
      select k.district_id, k.circle_id, 'member', m.user_id::text, m.role::text, null
        from counted k join ${circleMembers} m on m.circle_id = k.circle_id where m.joined_at < ${to}
      union all
      select k.district_id, k.circle_id, 'thread', t.id::text, null, null
        from counted k join ${threads} t on t.circle_id = k.circle_id where ${inPeriod(sql`t.created_at`)}
      union all
      select k.district_id, k.circle_id, 'post', ps.id::text, null, null
        from counted k join ${threads} t on t.circle_id = k.circle_id join ${posts} ps on ps.thread_id = t.id
        where ps.deleted_at is null and ${inPeriod(sql`ps.created_at`)}
      union all
      select k.district_id, k.circle_id, 'resource', rc.resource_id::text, null, null
        from counted k join ${resourceCircles} rc on rc.circle_id = k.circle_id where ${inPeriod(sql`rc.shared_at`)}
      union all
      select h.district_id, h.circle_id, 'gathering', h.id::text, null, null from held h
      union all
      select h.district_id, h.circle_id, 'village', h.region_id::text, null, null
        from held h join ${regions} vr on vr.id = h.region_id where vr.level = 'VILLAGE'
      union all
      select h.district_id, h.circle_id, 'attendance', ar.line_key, ar.gender::text, coalesce(ao.kind, ar.affiliation_kind, 'OTHER')::text
        from held h join ${attendanceRecords} ar on ar.gathering_id = h.id left join ${organisations} ao on ao.id = ar.organisation_id
      union all
      select h.district_id, h.circle_id, 'village', ar.village_id::text, null, null
        from held h join ${attendanceRecords} ar on ar.gathering_id = h.id where ar.village_id is not null
      union all
      select k.district_id, k.circle_id, 'followUp', f.id::text, f.status::text, null
        from counted k join ${followUps} f on f.circle_id = k.circle_id where ${inPeriod(sql`f.created_at`)}
    ),
    agg as (
      select grouping(district_id) = 1 as is_total, district_id,
        count(distinct circle_id) filter (where fact in ('thread', 'post', 'resource', 'gathering', 'followUp'))::int as active_circles,
        count(distinct key) filter (where fact = 'org')::int as organisations,
        ${sql.join(orgKindCounts, sql`, `)},
        count(distinct key) filter (where fact = 'member')::int as members,
        count(distinct key) filter (where fact = 'member' and a = 'FACILITATOR')::int as facilitators,
        count(distinct key) filter (where fact = 'village')::int as villages_reached,
        count(*) filter (where fact = 'thread')::int as threads_started,
        count(*) filter (where fact = 'post')::int as posts,
        count(distinct key) filter (where fact = 'resource')::int as resources_shared,
        count(*) filter (where fact = 'gathering')::int as gatherings_held,
        count(*) filter (where fact = 'attendance')::int as att_total,
        count(*) filter (where fact = 'attendance' and a = 'FEMALE')::int as att_female,
        count(*) filter (where fact = 'attendance' and a = 'MALE')::int as att_male,
        count(*) filter (where fact = 'attendance' and a = 'NOT_STATED')::int as att_not_stated,
        ${sql.join(attendanceKindCounts, sql`, `)},
        count(distinct key) filter (where fact = 'attendance')::int as unique_attendees,
        count(*) filter (where fact = 'followUp' and a in ('OPEN', 'IN_PROGRESS'))::int as follow_ups_open,
        count(*) filter (where fact = 'followUp' and a = 'DONE')::int as follow_ups_done
      from facts
      group by grouping sets ((district_id), ())
    )
    select agg.*, d.name as district_name from agg left join ${regions} d on d.id = agg.district_id
    order by agg.is_total, d.name nulls last, agg.district_id`;
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
