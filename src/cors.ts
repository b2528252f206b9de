import cors from 'cors';
import type express from 'express';

/**
 * Request headers a page on an allowed origin may send: the bearer token, JSON bodies, Apollo's
 * CSRF-prevention header (a GET must carry it, which is what makes it preflighted), the request
 * id, and If-None-Match for the ETags of GET requests.
 */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id', 'if-none-match'];

/** Response headers such a page may read besides the safelisted ones. */
export const CORS_EXPOSED_HEADERS = ['etag', 'retry-after', 'x-request-id', 'content-disposition'];

/**
 * CORS for the origins listed in CORS_ORIGINS (exact `scheme://host[:port]`, or `*`); none by
 * default, so browsers keep other sites out. No credentials: the hub authenticates by a bearer
 * token that the page sends itself, never by cookies, so `Access-Control-Allow-Credentials` is
 * never set and `*` lends a foreign page nothing it does not already hold.
 */
export function corsMiddleware(origins: readonly string[]): express.RequestHandler {
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    // Chromium caps this at 2 hours: a page on a slow connection pays the preflight's round trip
    // once per operation shape every 2 hours, not before every request.
    maxAge: 7200,
    optionsSuccessStatus: 204,
  });
}
