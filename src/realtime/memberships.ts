import type { Db } from '../db/client.js';
import { circleMembers, type ActivityRow } from '../db/schema.js';
import type { CircleRole } from '../auth/permissions.js';

/**
 * Who belongs to which circle, in memory, kept current by the membership activities themselves
 * as the feed reads them: checking every event for every subscriber against the database would
 * cost a query per subscriber per event.
 */
export class MembershipView {
  private readonly byUser = new Map<string, Map<string, CircleRole>>();

  async load(db: Db): Promise<void> {
    const rows = await db
      .select({ userId: circleMembers.userId, circleId: circleMembers.circleId, role: circleMembers.role })
      .from(circleMembers);
    this.byUser.clear();
    for (const r of rows) this.set(r.userId, r.circleId, r.role);
  }

  private set(userId: string, circleId: string, role: CircleRole) {
    let circles = this.byUser.get(userId);
    if (!circles) this.byUser.set(userId, (circles = new Map()));
    circles.set(circleId, role);
  }

  /** Applies a membership activity; others are ignored. Applying one twice changes nothing. */
  apply(row: ActivityRow): void {
    if (!row.memberUserId) return;
    if (row.kind === 'MEMBER_JOINED' || row.kind === 'MEMBER_ROLE_CHANGED') {
      if (row.memberRole) this.set(row.memberUserId, row.circleId, row.memberRole);
    } else if (row.kind === 'MEMBER_LEFT') {
      const circles = this.byUser.get(row.memberUserId);
      circles?.delete(row.circleId);
      if (circles?.size === 0) this.byUser.delete(row.memberUserId);
    }
  }

  isMember(userId: string, circleId: string): boolean {
    return this.byUser.get(userId)?.has(circleId) ?? false;
  }

  roleIn(userId: string, circleId: string): CircleRole | null {
    return this.byUser.get(userId)?.get(circleId) ?? null;
  }

  circlesOf(userId: string): string[] {
    return [...(this.byUser.get(userId)?.keys() ?? [])];
  }
}
