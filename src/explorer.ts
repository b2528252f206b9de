import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

/**
 * Where scripts/build-explorer.mjs puts the bundle: dist/explorer-ui/ at the project root, found
 * the same way from src/ (tests, tsx) and from dist/ (npm start, the Docker image).
 */
export const EXPLORER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'explorer-ui');

interface Manifest {
  script: string;
  style: string;
  workers: { editor: string; json: string; graphql: string };
}

const TITLE = 'Learning-circle hub · GraphQL explorer';

// Everything the page loads comes from this origin: a page that reached for a CDN would break
// offline, and this policy makes the browser refuse it even if a dependency tried. Monaco sets
// inline styles; graphiql's fonts are data: URLs in its stylesheet.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page: asset paths relative to /graphql, so the hub also works behind a path prefix. */
function page(manifest: Manifest): string {
  // JSON inside <script>: "<" escaped so no value can close the element.
  const config = JSON.stringify({
    path: 'graphql',
    workers: Object.fromEntries(Object.entries(manifest.workers).map(([k, v]) => [k, `explorer/${v}`])),
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(TITLE)}</title>
<link rel="stylesheet" href="explorer/${escapeHtml(manifest.style)}">
<style>html, body, #explorer { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="explorer"></div>
<script type="application/json" id="explorer-config">${config}</script>
<script type="module" src="explorer/${escapeHtml(manifest.script)}"></script>
</body>
</html>
`;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(TITLE)}</title></head>
<body><h1>The explorer is not built</h1>
<p>This hub answers GraphQL at this address (POST, or GET with <code>apollo-require-preflight: true</code>),
but its browser explorer was not bundled. Run <code>npm run build:explorer</code> (it needs the
devDependencies) and reload; <code>npm start</code> does it by itself.</p></body></html>
`;

/** True for a browser navigation: HTML preferred over JSON, and no GraphQL request in the URL. */
function wantsExplorer(req: express.Request): boolean {
  if (req.query.query !== undefined || req.query.extensions !== undefined) return false;
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

/**
 * GET /graphql for browsers: the explorer page (GraphiQL, bundled from this project's own
 * dependencies); GET /explorer/*: its hashed, precompressed assets, cached for good.
 */
export function explorerRoutes(dir: string = EXPLORER_DIR): express.Router {
  const router = express.Router();
  let manifest: Manifest | null = null;
  const load = (): Manifest | null => {
    // Read once found; until then on each request, so a bundle built after start is picked up.
    if (!manifest && existsSync(path.join(dir, 'manifest.json'))) manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    return manifest;
  };

  router.get('/graphql', (req, res, next) => {
    if (!wantsExplorer(req)) return next();
    res.locals.explorer = true;
    res.vary('Accept');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    const m = load();
    res.status(m ? 200 : 503).type('html').send(m ? page(m) : NOT_BUILT);
  });

  // Names carry a content hash, so a file never changes under its name: cache it for a year.
  router.get('/explorer/:file', (req, res, next) => {
    const file = req.params.file;
    if (!/^[\w.-]+\.(js|css|ttf)$/.test(file) || !existsSync(path.join(dir, file))) return next();
    res.locals.explorer = true;
    res.vary('Accept-Encoding');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.setHeader('x-content-type-options', 'nosniff');
    const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
    const variant = encoding === 'br' || encoding === 'gzip' ? `${file}.${encoding === 'br' ? 'br' : 'gz'}` : file;
    // Content-Encoding set here also keeps the compression middleware from compressing it again.
    if (variant !== file && existsSync(path.join(dir, variant))) res.setHeader('content-encoding', encoding as string);
    res.type(path.extname(file));
    res.sendFile(res.getHeader('content-encoding') ? variant : file, { root: dir, lastModified: false, cacheControl: false }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });
  return router;
}
