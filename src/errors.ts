import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** Base of every error the hub means to show a client; anything else is masked. */
export class HubError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export class UnauthenticatedError extends HubError {
  constructor(message = 'Sign in first: send Authorization: Bearer <token>.') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends HubError {
  constructor(message = 'You may not do this.', field?: string) {
    super('FORBIDDEN', message, field ? { field } : {});
  }
}

/** Also what a viewer gets for something they may not see, so its existence does not leak. */
export class NotFoundError extends HubError {
  constructor(what: string, field?: string) {
    super('NOT_FOUND', `${what} not found.`, field ? { field } : {});
  }
}

export class BadInputError extends HubError {
  constructor(field: string, message: string) {
    super('BAD_USER_INPUT', `${field}: ${message}`, { field });
  }
}

export class ConflictError extends HubError {
  constructor(message: string, field?: string) {
    super('CONFLICT', message, field ? { field } : {});
  }
}

/** `retryAfter`: whole seconds until a retry can succeed; HTTP answers carry it as Retry-After too. */
export class RateLimitedError extends HubError {
  constructor(message = 'Too many requests; slow down and retry shortly.', retryAfter?: number, extra: Record<string, unknown> = {}) {
    super('RATE_LIMITED', message, { ...(retryAfter !== undefined ? { retryAfter: Math.max(1, Math.ceil(retryAfter)) } : {}), ...extra });
  }
}

/**
 * The database went away under a request (a failover, a restart, a killed backend). Nothing of
 * the request was committed unless it was a commit in flight, which a retry with the same
 * clientMutationId resolves: hence `retryable`.
 */
export class ServiceUnavailableError extends HubError {
  constructor(message = 'The database is unavailable; retry shortly (with the same clientMutationId for a mutation).') {
    super('SERVICE_UNAVAILABLE', message, { retryable: true });
  }
}

/** SQLSTATE classes and codes that mean the connection, not the statement, failed. */
const LOST_STATES = /^(08...|57P0[123]|53300)$/;
const LOST_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const LOST_MESSAGES = [
  'Connection terminated',
  'not queryable',
  'timeout exceeded when trying to connect',
  'terminating connection',
  'PGlite is clos',
  'not currently accepting connections',
];

/** Whether `err` (or what it wraps) says the database connection was lost or cannot be had. */
export function isConnectionLost(err: unknown): boolean {
  let e: any = err;
  for (let i = 0; e && i < 5; i++, e = e.cause ?? e.originalError) {
    if (e instanceof ServiceUnavailableError) return true;
    if (typeof e.code === 'string' && (LOST_STATES.test(e.code) || LOST_ERRNOS.has(e.code))) return true;
    if (typeof e.message === 'string' && LOST_MESSAGES.some((m) => e.message.includes(m))) return true;
  }
  return false;
}

/** The driver's error (with `code`, `detail`, `constraint`), which drizzle wraps in `cause`. */
export function driverError(err: unknown): { code: string; detail?: string; constraint?: string } | undefined {
  let e: any = err;
  for (let i = 0; e && i < 4; i++, e = e.cause) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
  }
  return undefined;
}

/** SQLSTATE of a driver error. */
export function sqlState(err: unknown): string | undefined {
  return driverError(err)?.code;
}
