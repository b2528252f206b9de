import { randomUUID } from 'node:crypto';
import type { Db } from './db/client.js';
import type { UserRow } from './db/schema.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { Standing } from './auth/permissions.js';
import type { SessionCache } from './auth/session-cache.js';
import type { Security } from './auth/security.js';
import type { Logger } from './logger.js';

export interface Viewer {
  user: UserRow;
  sessionId: string;
}

/** Who is asking, as far as the connection tells: for limits and the session list. */
export interface ClientInfo {
  /** The client's address, through trusted proxies only (policy.trustProxy). */
  address: string;
  userAgent: string | undefined;
}

/** What a request from a client carries; absent for the hub's own executions of subscription events. */
export interface RequestInfo {
  security: Security;
  client: ClientInfo;
  /** This instance's cache of live sessions, which a change to a user's sessions or profile must empty for them. */
  sessions?: SessionCache;
  /** This instance's log, for what a service must tell an operator without failing the request. */
  log?: Logger;
}

/** What the access line and the request metrics of one HTTP request say, filled in as it goes. */
export interface AccessRecord {
  requestId: string;
  userId?: string | null;
  operation?: string | null;
  type?: string;
  /** `ok` or the first error's code; set by Apollo's plugin when the request reached execution. */
  outcome?: string;
}

export interface Context {
  requestId: string;
  db: Db;
  viewer: Viewer | null;
  loaders: Loaders;
  request: RequestInfo | null;
  /** HTTP requests only: what their access line will say. */
  access?: AccessRecord;
  /**
   * Set when an answer depended on whether the viewer moderates (hidden content, reports): the
   * subscription hub then renders an event separately for moderators and for everyone else.
   */
  audienceSensitive: boolean;
  /** Set when the answer read something no change notice covers: it must not be cached (shared/response-cache.ts). */
  untracked?: boolean;
  /**
   * The response cache's generation when the request began, before its session was read: the
   * viewer (a session cache entry, or a read in flight) is part of the answer, so a change
   * announced after this point must keep the answer out of the cache.
   */
  cacheGeneration?: number;
}

export function createContext(db: Db, viewer: Viewer | null, requestId: string = randomUUID(), request: RequestInfo | null = null): Context {
  return { requestId, db, viewer, loaders: loadersFor(db, viewer), request, audienceSensitive: false };
}

/**
 * Loaders for a viewer, already holding the viewer's own user row (read with the session): the
 * author of what they just wrote and `viewer { ... }` cost no statement.
 */
function loadersFor(db: Db, viewer: Viewer | null): Loaders {
  const loaders = createLoaders(db, viewer?.user.id ?? null);
  if (viewer) loaders.user.prime(viewer.user.id, viewer.user);
  return loaders;
}

/** The client request behind a context; only mutations and fields that clients call directly ask for it. */
export function requestOf(ctx: Context): RequestInfo {
  if (!ctx.request) throw new Error('This operation needs a client request (HTTP or WebSocket).');
  return ctx.request;
}

/** The viewer's standing in a circle, from per-request loaders (batched across a query). */
export async function standingIn(ctx: Context, circleId: string): Promise<Standing> {
  if (!ctx.viewer) return { signedIn: false, role: null, orgAdmin: false };
  const { role, orgAdmin } = await ctx.loaders.viewerStanding.load(circleId);
  return { signedIn: true, role, orgAdmin };
}

/** Switches a request to another viewer (after signIn/signUp), with loaders for that viewer. */
export function actAs(ctx: Context, viewer: Viewer): void {
  ctx.viewer = viewer;
  if (ctx.access) ctx.access.userId = viewer.user.id;
  ctx.loaders = loadersFor(ctx.db, viewer);
}
