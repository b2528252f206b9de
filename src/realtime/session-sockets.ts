import type { WebSocket } from 'ws';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { SecurityPolicy } from '../auth/policy.js';
import { endedSessions, touchSessions, type SessionState } from '../auth/sessions.js';

/** Close code for a socket whose session ended: graphql-ws clients treat it as fatal, so they do not retry with the dead token. */
export const SESSION_ENDED_CLOSE_CODE = 4401;

const REASONS: Record<Exclude<SessionState, 'live'>, string> = {
  revoked: 'Session signed out or revoked: sign in again',
  expired: 'Session expired: sign in again',
};

interface Entry {
  userId: string;
  sessionId: string;
}

/**
 * The signed-in sockets of this instance by user and session, so that a session's end reaches
 * its sockets: a revocation notice (any instance's sign-out, revokeSession, changePassword)
 * rechecks that user's sockets at once; a periodic sweep rechecks all of them, which covers
 * expiry and notices missed while the LISTEN connection was down, and marks the sessions of
 * open sockets as used (a socket held open is use).
 */
export class SessionSockets {
  private readonly entries = new Map<WebSocket, Entry>();
  private readonly byUser = new Map<string, Set<WebSocket>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly policy: SecurityPolicy['session'],
    private readonly logger: Logger,
  ) {}

  /** Sockets this user holds open here. */
  countOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  add(socket: WebSocket, userId: string, sessionId: string): void {
    this.remove(socket);
    this.entries.set(socket, { userId, sessionId });
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(socket);
  }

  remove(socket: WebSocket): void {
    const entry = this.entries.get(socket);
    if (!entry) return;
    this.entries.delete(socket);
    const set = this.byUser.get(entry.userId);
    set?.delete(socket);
    if (set?.size === 0) this.byUser.delete(entry.userId);
  }

  /** Closes every socket whose session has ended: of one user (a revocation notice), or of all (null). */
  async recheck(userId: string | null): Promise<void> {
    const sockets = userId === null ? [...this.entries.keys()] : [...(this.byUser.get(userId) ?? [])];
    if (sockets.length === 0) return;
    const sessionIds = [...new Set(sockets.map((s) => this.entries.get(s)!.sessionId))];
    const ended = await endedSessions(this.db, sessionIds, this.policy);
    for (const socket of sockets) {
      const entry = this.entries.get(socket);
      const state = entry && ended.get(entry.sessionId);
      if (!state) continue;
      this.remove(socket);
      socket.close(SESSION_ENDED_CLOSE_CODE, REASONS[state]);
    }
  }

  /** Closes one socket for an ended session (found by a per-operation check). */
  closeEnded(socket: WebSocket, state: Exclude<SessionState, 'live'>): void {
    this.remove(socket);
    socket.close(SESSION_ENDED_CLOSE_CODE, REASONS[state]);
  }

  private async sweep(): Promise<void> {
    await this.recheck(null);
    const live = [...new Set([...this.entries.values()].map((e) => e.sessionId))];
    await touchSessions(this.db, live, this.policy);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err) => this.logger.warn('session sweep failed; retrying at the next', { err: (err as Error).message }));
    }, this.policy.sweepMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.entries.clear();
    this.byUser.clear();
  }
}
