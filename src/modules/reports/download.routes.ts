import express from 'express';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { attendanceRecords, organisations, regions } from '../../db/schema.js';
import { createContext } from '../../context.js';
import { HubError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { bearerToken } from '../../auth/tokens.js';
import { fromGlobalId } from '../../shared/ids.js';
import { ORGANISATION_KINDS } from '../../loaders.js';
import { authenticate } from '../../auth/sessions.js';
import type { SessionCache } from '../../auth/session-cache.js';
import type { SecurityPolicy } from '../../auth/policy.js';
import { assertMaySeeSheet, readableGathering } from '../gatherings/gathering.service.js';
import { programReport, type ProgramReportRowData } from './report.service.js';

type Cell = string | number | null;
interface Table {
  name: string;
  columns: string[];
  rows: Cell[][];
}

const pascal = (kind: string) => kind.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

/** The report's columns: the row's fields in contract order, nested ones flattened. */
export const REPORT_COLUMNS = [
  'district',
  'activeCircles',
  'organisations',
  ...ORGANISATION_KINDS.map((k) => `organisations${pascal(k)}`),
  'members',
  'facilitators',
  'villagesReached',
  'threadsStarted',
  'posts',
  'resourcesShared',
  'gatheringsHeld',
  'attendanceTotal',
  'attendanceFemale',
  'attendanceMale',
  'attendanceNotStated',
  ...ORGANISATION_KINDS.map((k) => `attendance${pascal(k)}`),
  'uniqueAttendees',
  'followUpsOpen',
  'followUpsDone',
];

export const ATTENDANCE_COLUMNS = ['name', 'gender', 'organisation', 'affiliation', 'affiliationKind', 'position', 'village', 'recordedAt'];

function reportCells(row: ProgramReportRowData, district: string): Cell[] {
  return [
    district,
    row.activeCircles,
    row.organisations,
    ...row.organisationsByKind.map((k) => k.count),
    row.members,
    row.facilitators,
    row.villagesReached,
    row.threadsStarted,
    row.posts,
    row.resourcesShared,
    row.gatheringsHeld,
    row.attendance.total,
    row.attendance.female,
    row.attendance.male,
    row.attendance.notStated,
    ...row.attendance.byOrganisationKind.map((k) => k.count),
    row.uniqueAttendees,
    row.followUpsOpen,
    row.followUpsDone,
  ];
}

/** A 400 with a plain-text reason, for a query parameter that is missing or malformed. */
class BadParameter extends Error {}

function param(req: express.Request, name: string, required: boolean): string | null {
  const value = req.query[name];
  if (value === undefined || value === '') {
    if (required) throw new BadParameter(`${name}: is required`);
    return null;
  }
  if (typeof value !== 'string') throw new BadParameter(`${name}: give it once`);
  return value;
}

function dateParam(req: express.Request, name: string): Date {
  const value = param(req, name, true)!;
  // The same shapes the DateTime scalar takes: a date with a time and a zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new BadParameter(`${name}: must be a date and time with a zone, e.g. 2021-07-01T00:00:00+08:00`);
  }
  return new Date(value);
}

// A cell starting with these is a formula to a spreadsheet; names typed on a phone must stay text.
const FORMULA_START = /^[=+\-@\t\r]/;
const csvCell = (v: Cell) => {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const text = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function toCsv(table: Table): string {
  // The BOM tells Excel the file is UTF-8 (names such as Lalu Muh. Zainul \u2019Arif would break without it).
  return '\uFEFF' + [table.columns, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export async function toXlsx(table: Table): Promise<Buffer> {
  // Loaded on the first XLSX asked for, not at start: exceljs with its zip and stream packages is
  // some 680 modules (a third of the bundle's) evaluated at every start for a rare download.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'learning-circle-hub';
  const sheet = workbook.addWorksheet(table.name);
  sheet.addRow(table.columns).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row.map((v) => (v === null ? '' : v)));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function send(res: express.Response, table: Table, format: string, filename: string) {
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${filename}.csv"`);
    res.send(toCsv(table));
  } else {
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('content-disposition', `attachment; filename="${filename}.xlsx"`);
    res.send(await toXlsx(table));
  }
}

/**
 * Downloads for people who live in spreadsheets: the coordinator's report and a gathering's
 * attendance sheet as CSV or XLSX. Thin routes over the same services as the GraphQL fields.
 */
export function downloadRoutes(db: Db, logger: Logger, sessionPolicy: SecurityPolicy['session'], sessionCache?: SessionCache): express.Router {
  const router = express.Router();

  const handle =
    (work: (req: express.Request, res: express.Response, viewer: NonNullable<Awaited<ReturnType<typeof authenticate>>>) => Promise<void>) =>
    async (req: express.Request, res: express.Response) => {
      res.setHeader('cache-control', 'private, no-store');
      try {
        const viewer = await authenticate(db, bearerToken(req.headers.authorization), sessionPolicy, sessionCache);
        if (!viewer) {
          res.status(401).setHeader('www-authenticate', 'Bearer').type('text/plain').send('Sign in first: send Authorization: Bearer <token>.\n');
          return;
        }
        await work(req, res, viewer);
      } catch (err) {
        if (err instanceof BadParameter) {
          res.status(400).type('text/plain').send(`${err.message}\n`);
        } else if (err instanceof HubError) {
          // Not allowed reads as not found, so a sheet's existence does not leak.
          const status = { UNAUTHENTICATED: 401, BAD_USER_INPUT: 400, NOT_FOUND: 404, FORBIDDEN: 404 }[err.code as string] ?? 400;
          res.status(status).type('text/plain').send(`${status === 404 ? 'Not found.' : err.message}\n`);
        } else {
          logger.error('download failed', { err, path: req.path });
          res.status(500).type('text/plain').send('Internal server error.\n');
        }
      }
    };

  router.get(
    /^\/reports\/program\.(csv|xlsx)$/,
    handle(async (req, res, viewer) => {
      const format = (req.params as Record<string, string>)[0];
      const from = dateParam(req, 'from');
      const to = dateParam(req, 'to');
      const sdg = param(req, 'sdgGoal', false);
      if (sdg !== null && !/^\d{1,2}$/.test(sdg)) throw new BadParameter('sdgGoal: must be an SDG goal number from 1 to 18');
      const report = await programReport(createContext(db, viewer), { from, to, regionId: param(req, 'regionId', false), sdgGoal: sdg === null ? null : Number(sdg) });
      const rows = report.rows.map((r) => reportCells(r, r.districtName ?? ''));
      rows.push(reportCells(report.total, 'Total'));
      const day = (d: Date) => d.toISOString().slice(0, 10);
      await send(res, { name: 'Program report', columns: REPORT_COLUMNS, rows }, format, `program-report_${day(from)}_${day(to)}`);
    }),
  );

  router.get(
    /^\/gatherings\/([^/]+)\/attendance\.(csv|xlsx)$/,
    handle(async (req, res, viewer) => {
      const params = req.params as Record<string, string>;
      const ctx = createContext(db, viewer);
      const gathering = await readableGathering(ctx, fromGlobalId(params[0], 'Gathering', 'id'));
      await assertMaySeeSheet(ctx, gathering);
      const lines = await db
        .select({ record: attendanceRecords, organisation: organisations.name, organisationKind: organisations.kind, village: regions.name })
        .from(attendanceRecords)
        .leftJoin(organisations, eq(organisations.id, attendanceRecords.organisationId))
        .leftJoin(regions, eq(regions.id, attendanceRecords.villageId))
        .where(eq(attendanceRecords.gatheringId, gathering.id))
        .orderBy(asc(attendanceRecords.nameKey), asc(attendanceRecords.id));
      const rows: Cell[][] = lines.map(({ record: r, organisation, organisationKind, village }) => [
        r.name,
        r.gender,
        organisation,
        r.affiliation,
        organisationKind ?? r.affiliationKind ?? 'OTHER',
        r.position,
        village,
        r.recordedAt.toISOString(),
      ]);
      const day = gathering.startsAt.toISOString().slice(0, 10);
      await send(res, { name: 'Attendance', columns: ATTENDANCE_COLUMNS, rows }, params[1], `attendance_${day}_${gathering.id.slice(0, 8)}`);
    }),
  );

  return router;
}
