/**
 * The permission matrix of DESIGN.md ("Permissions"), row by row and column by column, against
 * the pure rules of src/auth/permissions.ts. Each row below is a transcription of the design
 * table for an ACTIVE circle; an ARCHIVED circle is read-only, so there every row except reading
 * (and leaving, which holds nobody in a dead circle) is "no".
 */
import { describe, expect, it } from 'vitest';
import {
  can,
  canAddCircleOrganisation,
  canAddOrganisationMember,
  canCreateCircle,
  canCreateOrganisation,
  canRead,
  type CircleAction,
  type CircleFacts,
  type CircleStatus,
  type CircleVisibility,
  type Standing,
} from '../src/auth/permissions.js';

/** The six columns of the matrix. */
const COLUMNS = {
  'an anonymous visitor': { signedIn: false, role: null, orgAdmin: false },
  'a signed-in non-member': { signedIn: true, role: null, orgAdmin: false },
  'a participant': { signedIn: true, role: 'PARTICIPANT', orgAdmin: false },
  'a facilitator': { signedIn: true, role: 'FACILITATOR', orgAdmin: false },
  'a coordinator': { signedIn: true, role: 'COORDINATOR', orgAdmin: false },
  'an admin of a participating organisation who is not a member': { signedIn: true, role: null, orgAdmin: true },
} satisfies Record<string, Standing>;
type Column = keyof typeof COLUMNS;
const COLUMN_NAMES = Object.keys(COLUMNS) as Column[];

type Row = [anonymous: boolean, signedIn: boolean, participant: boolean, facilitator: boolean, coordinator: boolean, orgAdmin: boolean];
const yes = true;
const no = false;
/** "-" in the design: not applicable. A member cannot join again (the service answers CONFLICT). */
const na = false;

interface MatrixRow {
  /** Words for the test name: "<column> may <words> ...". */
  words: string;
  action: CircleAction;
  /** Expected answer in an ACTIVE circle, per visibility. */
  active: Record<CircleVisibility, Row>;
}

const MATRIX: MatrixRow[] = [
  {
    words: 'read',
    action: 'read',
    active: {
      PUBLIC: [no, yes, yes, yes, yes, yes],
      // signed in non-member: NOT_FOUND; org admin: only if their organisation takes part.
      MEMBERS_ONLY: [no, no, yes, yes, yes, yes],
    },
  },
  {
    words: 'join',
    action: 'join',
    active: {
      // An org admin who is not a member is simply a signed-in user here.
      PUBLIC: [no, yes, na, na, na, yes],
      // Only PUBLIC circles can be joined; coordinators add members to the others.
      MEMBERS_ONLY: [no, no, na, na, na, no],
    },
  },
  {
    words: 'post a thread or reply in',
    action: 'post',
    active: {
      PUBLIC: [no, no, yes, yes, yes, no],
      // org admin: "only as member".
      MEMBERS_ONLY: [no, no, yes, yes, yes, no],
    },
  },
  {
    words: 'react in',
    action: 'react',
    active: {
      PUBLIC: [no, no, yes, yes, yes, no],
      MEMBERS_ONLY: [no, no, yes, yes, yes, no],
    },
  },
  {
    words: 'share a resource with',
    action: 'shareResource',
    active: {
      PUBLIC: [no, no, yes, yes, yes, no],
      MEMBERS_ONLY: [no, no, yes, yes, yes, no],
    },
  },
  {
    words: 'edit their own post in',
    action: 'editOwn',
    active: {
      // "own" everywhere the viewer can still see the circle.
      PUBLIC: [no, yes, yes, yes, yes, yes],
      MEMBERS_ONLY: [no, no, yes, yes, yes, yes],
    },
  },
  {
    words: "pin or lock threads and delete others' posts in",
    action: 'moderate',
    active: {
      PUBLIC: [no, no, no, yes, yes, no],
      MEMBERS_ONLY: [no, no, no, yes, yes, no],
    },
  },
  {
    // Members only: outsiders to a PUBLIC circle could otherwise hide its posts with three accounts.
    words: 'report a thread, post or resource in',
    action: 'report',
    active: {
      PUBLIC: [no, no, yes, yes, yes, no],
      MEMBERS_ONLY: [no, no, yes, yes, yes, no],
    },
  },
  {
    words: 'work the report queue of, and hide or restore content in,',
    action: 'moderateContent',
    active: {
      PUBLIC: [no, no, no, yes, yes, no],
      MEMBERS_ONLY: [no, no, no, yes, yes, no],
    },
  },
  {
    words: 'add and remove members and change roles in',
    action: 'manageMembers',
    active: {
      PUBLIC: [no, no, no, no, yes, no],
      MEMBERS_ONLY: [no, no, no, no, yes, no],
    },
  },
  {
    words: 'add an organisation to',
    action: 'addOrganisation',
    active: {
      PUBLIC: [no, no, no, no, yes, na],
      MEMBERS_ONLY: [no, no, no, no, yes, na],
    },
  },
  {
    words: 'leave',
    action: 'leave',
    active: {
      PUBLIC: [no, no, yes, yes, yes, no],
      MEMBERS_ONLY: [no, no, yes, yes, yes, no],
    },
  },
];

/**
 * Actions an ARCHIVED circle still allows: it is read-only, nobody is held in it, and harmful
 * content in it can still be reported and hidden.
 */
const STILL_ALLOWED_WHEN_ARCHIVED: ReadonlySet<CircleAction> = new Set(['read', 'leave', 'report', 'moderateContent']);

interface Case {
  name: string;
  action: CircleAction;
  circle: CircleFacts;
  standing: Standing;
  expected: boolean;
}

/** `it.each` rows as [name, case], so names print whole ("%s") rather than quoted and cut short. */
function named<T extends { name: string }>(list: T[]): [string, T][] {
  return list.map((c) => [c.name, c]);
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const row of MATRIX) {
    for (const visibility of ['PUBLIC', 'MEMBERS_ONLY'] as const) {
      for (const status of ['ACTIVE', 'ARCHIVED'] as const satisfies readonly CircleStatus[]) {
        COLUMN_NAMES.forEach((column, i) => {
          const activeAnswer = row.active[visibility][i];
          const expected = status === 'ACTIVE' || STILL_ALLOWED_WHEN_ARCHIVED.has(row.action) ? activeAnswer : false;
          out.push({
            name: `${column} ${expected ? 'may' : 'may not'} ${row.words} an ${status} ${visibility} circle`,
            action: row.action,
            circle: { visibility, status },
            standing: COLUMNS[column],
            expected,
          });
        });
      }
    }
  }
  return out;
}

describe('the circle permission matrix', () => {
  it.each(named(cases()))('%s', (_name, { action, circle, standing, expected }) => {
    expect(can(action, circle, standing)).toBe(expected);
  });

  it('covers every action the permissions module knows', () => {
    const known: CircleAction[] = [
      'read',
      'join',
      'post',
      'react',
      'shareResource',
      'editOwn',
      'moderate',
      'report',
      'moderateContent',
      'manageMembers',
      'addOrganisation',
      'leave',
    ];
    expect(new Set(MATRIX.map((r) => r.action))).toEqual(new Set(known));
  });
});

describe('reading a circle', () => {
  const readCases = cases()
    .filter((c) => c.action === 'read')
    .map((c) => ({ ...c, name: c.name.replace(' may read', ' can read').replace(' may not read', ' cannot read') }));
  it.each(named(readCases))('%s (canRead agrees with can("read"))', (_name, { circle, standing, expected }) => {
    expect(canRead(circle, standing)).toBe(expected);
  });
});

describe('creating a circle', () => {
  const a = 'org-a';
  const b = 'org-b';
  it.each(named([
    { name: 'a member of every organisation named may create the circle', signedIn: true, orgs: [a, b], memberOf: [a, b], expected: true },
    { name: 'a member of the one organisation named may create the circle', signedIn: true, orgs: [a], memberOf: [a, b], expected: true },
    { name: 'a member of only some of the organisations named may not create the circle', signedIn: true, orgs: [a, b], memberOf: [a], expected: false },
    { name: 'a member of none of the organisations named may not create the circle', signedIn: true, orgs: [a], memberOf: [], expected: false },
    { name: 'nobody may create a circle that names no organisation', signedIn: true, orgs: [], memberOf: [a], expected: false },
    { name: 'an anonymous visitor may not create a circle, whatever the organisations', signedIn: false, orgs: [a], memberOf: [a], expected: false },
  ]))('%s', (_name, { signedIn, orgs, memberOf, expected }) => {
    expect(canCreateCircle(signedIn, orgs, new Set(memberOf))).toBe(expected);
  });
});

describe('creating an organisation', () => {
  it.each(named([
    { name: 'any signed-in user may create an organisation', signedIn: true, expected: true },
    { name: 'an anonymous visitor may not create an organisation', signedIn: false, expected: false },
  ]))('%s', (_name, { signedIn, expected }) => {
    expect(canCreateOrganisation(signedIn)).toBe(expected);
  });
});

describe('adding a member to an organisation', () => {
  it.each(named([
    { name: 'an ADMIN of the organisation may add members', role: 'ADMIN' as const, expected: true },
    { name: 'a MEMBER of the organisation may not add members', role: 'MEMBER' as const, expected: false },
    { name: 'someone outside the organisation may not add members', role: null, expected: false },
  ]))('%s', (_name, { role, expected }) => {
    expect(canAddOrganisationMember(role)).toBe(expected);
  });
});

describe('adding an organisation to a circle', () => {
  const active = { visibility: 'PUBLIC', status: 'ACTIVE' } as const;
  const activeHidden = { visibility: 'MEMBERS_ONLY', status: 'ACTIVE' } as const;
  const archived = { visibility: 'PUBLIC', status: 'ARCHIVED' } as const;
  const coordinator = COLUMNS['a coordinator'];
  it.each(named([
    { name: 'a coordinator who is ADMIN of that organisation may add it', circle: active, s: coordinator, admin: true, expected: true },
    { name: 'a coordinator who is ADMIN of that organisation may add it to a MEMBERS_ONLY circle', circle: activeHidden, s: coordinator, admin: true, expected: true },
    { name: 'a coordinator who is not ADMIN of that organisation may not add it', circle: active, s: coordinator, admin: false, expected: false },
    { name: 'a facilitator who is ADMIN of that organisation may not add it', circle: active, s: COLUMNS['a facilitator'], admin: true, expected: false },
    { name: 'a participant who is ADMIN of that organisation may not add it', circle: active, s: COLUMNS['a participant'], admin: true, expected: false },
    {
      name: 'an admin of a participating organisation who is not a member may not add another organisation they run',
      circle: activeHidden,
      s: COLUMNS['an admin of a participating organisation who is not a member'],
      admin: true,
      expected: false,
    },
    { name: 'a signed-in non-member who is ADMIN of that organisation may not add it', circle: active, s: COLUMNS['a signed-in non-member'], admin: true, expected: false },
    { name: 'an anonymous visitor may not add an organisation', circle: active, s: COLUMNS['an anonymous visitor'], admin: true, expected: false },
    { name: 'nobody may add an organisation to an ARCHIVED circle, not even its coordinator and ADMIN', circle: archived, s: coordinator, admin: true, expected: false },
  ]))('%s', (_name, { circle, s, admin, expected }) => {
    expect(canAddCircleOrganisation(circle, s, admin)).toBe(expected);
  });
});
