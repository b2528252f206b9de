/**
 * Who may do what: the permission matrix of DESIGN.md as pure functions over facts the caller
 * has loaded. Services call `assert...` helpers built on these; nothing here touches the database.
 */
export type CircleRole = 'COORDINATOR' | 'FACILITATOR' | 'PARTICIPANT';
export type CircleVisibility = 'PUBLIC' | 'MEMBERS_ONLY';
export type CircleStatus = 'ACTIVE' | 'ARCHIVED';

export interface CircleFacts {
  visibility: CircleVisibility;
  status: CircleStatus;
}

/** Where the viewer stands towards one circle. */
export interface Standing {
  signedIn: boolean;
  /** The viewer's role in the circle, null when not a member. */
  role: CircleRole | null;
  /** The viewer is ADMIN of an organisation taking part in the circle. */
  orgAdmin: boolean;
}

export type CircleAction =
  | 'read'
  | 'join'
  | 'post'
  | 'react'
  | 'shareResource'
  | 'editOwn'
  | 'moderate'
  | 'report'
  | 'moderateContent'
  | 'manageMembers'
  | 'addOrganisation'
  | 'leave';

const MODERATORS: ReadonlySet<CircleRole> = new Set(['FACILITATOR', 'COORDINATOR']);

/** Facilitators and coordinators: they work the report queue and see hidden content. */
export function isModerator(s: Pick<Standing, 'role'>): boolean {
  return s.role !== null && MODERATORS.has(s.role);
}

export function canRead(circle: CircleFacts, s: Standing): boolean {
  if (!s.signedIn) return false;
  return circle.visibility === 'PUBLIC' || s.role !== null || s.orgAdmin;
}

export function can(action: CircleAction, circle: CircleFacts, s: Standing): boolean {
  if (!canRead(circle, s)) return false;
  // Leaving is the one change a member may make to an archived circle: nobody is held in one.
  if (action === 'read') return true;
  if (action === 'leave') return s.role !== null;
  // Harmful content is dealt with in archived circles too: read-only is no shelter for it.
  // Reports come from members only, so three accounts made for the purpose cannot hide what a
  // PUBLIC circle says.
  if (action === 'report') return s.role !== null;
  if (action === 'moderateContent') return isModerator(s);
  if (circle.status === 'ARCHIVED') return false;
  switch (action) {
    case 'join':
      return circle.visibility === 'PUBLIC' && s.role === null;
    case 'post':
    case 'react':
    case 'shareResource':
      return s.role !== null;
    case 'editOwn':
      return true;
    case 'moderate':
      return s.role !== null && MODERATORS.has(s.role);
    case 'manageMembers':
    case 'addOrganisation':
      return s.role === 'COORDINATOR';
    default:
      return false;
  }
}

/** createCircle: the creator must belong to every organisation the circle names. */
export function canCreateCircle(signedIn: boolean, organisationIds: string[], memberOf: ReadonlySet<string>): boolean {
  return signedIn && organisationIds.length > 0 && organisationIds.every((id) => memberOf.has(id));
}

export function canCreateOrganisation(signedIn: boolean): boolean {
  return signedIn;
}

export function canAddOrganisationMember(viewerOrgRole: 'ADMIN' | 'MEMBER' | null): boolean {
  return viewerOrgRole === 'ADMIN';
}

/** addCircleOrganisation: coordinator of the circle and admin of the organisation added. */
export function canAddCircleOrganisation(circle: CircleFacts, s: Standing, adminOfThatOrg: boolean): boolean {
  return can('addOrganisation', circle, s) && adminOfThatOrg;
}
