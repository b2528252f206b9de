import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { HubError, isConnectionLost, ServiceUnavailableError } from './errors.js';
import { QueryTooComplexError, tokenLimitError } from './shared/limits.js';

/** Codes a client may see as they are; anything else is masked as INTERNAL_SERVER_ERROR. */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'QUERY_TOO_COMPLEX',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

function firstViolation(errors: ValidationError[], prefix = ''): { field: string; message: string } | undefined {
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const message = e.constraints ? Object.values(e.constraints)[0] : undefined;
    if (message) return { field, message };
    const nested = firstViolation(e.children ?? [], field);
    if (nested) return nested;
  }
  return undefined;
}

export function isExpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof HubError || original instanceof ArgumentValidationError) return true;
  if (!(original instanceof GraphQLError)) return false;
  const code = original.extensions?.code;
  // Without a code, only an error outside execution (parsing, validation: no path) is the client's
  // doing; one raised while a field resolved, e.g. a scalar refusing a stored value, is ours.
  const path = error instanceof GraphQLError ? error.path : undefined;
  return CLIENT_CODES.has(String(code)) || (code === undefined && !original.path && !path);
}

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const tooLong = formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' ? tokenLimitError(formatted.message) : undefined;
  if (tooLong) return { message: tooLong.message, extensions: { ...tooLong.extensions } };
  // Apollo recodes every validation error GRAPHQL_VALIDATION_FAILED; a limit keeps its own code.
  if (error instanceof GraphQLError && error.originalError instanceof QueryTooComplexError) {
    return { message: formatted.message, locations: formatted.locations, extensions: { ...error.originalError.extensions } };
  }
  if (isConnectionLost(original)) {
    const unavailable = new ServiceUnavailableError();
    return { message: unavailable.message, locations: formatted.locations, path: formatted.path, extensions: { ...unavailable.extensions } };
  }
  if (original instanceof ArgumentValidationError) {
    const violation = firstViolation(original.extensions.validationErrors as ValidationError[]);
    return {
      ...formatted,
      message: violation ? `${violation.field}: ${violation.message}` : 'Invalid input.',
      extensions: { code: 'BAD_USER_INPUT', field: violation?.field },
    };
  }
  // A request-level GraphQLError (no path) without a code of its own is Apollo refusing a bad
  // request, e.g. a persisted query whose hash does not match: the client's fault, not ours.
  // Apollo fills in INTERNAL_SERVER_ERROR for it, so the original is what tells. One raised while
  // a field resolved (a path outside) is ours, e.g. a scalar refusing a stored value.
  if (original instanceof GraphQLError && !original.path && !formatted.path && original.extensions?.code === undefined) {
    return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_REQUEST' } };
  }
  if (isExpected(error) || CLIENT_CODES.has(String(formatted.extensions?.code))) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    // Apollo's variable coercion errors name the field only in the message: `at "input.kind"`.
    const at = extensions.code === 'BAD_USER_INPUT' && !extensions.field ? /at "([^"]+)"/.exec(formatted.message) : null;
    if (at) extensions.field = at[1].split('.').slice(1).join('.') || at[1];
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * graphql-js's "Did you mean ...?" hints name fields and values close to a guess: a map of the
 * schema for someone probing it. Signed-in clients keep them; anonymous ones get the error without.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}

/** Errors of a subscription event's execution, as a client may see them. */
export function maskErrors(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((error) => {
    const f = formatError(error.toJSON(), error);
    return new GraphQLError(f.message, { path: f.path, extensions: f.extensions });
  });
}
