#!/usr/bin/env node
/**
 * `npm start`: the hub from JavaScript compiled by esbuild into dist/, rebuilt only when a source
 * is newer than the last build. Running the TypeScript through tsx's loader instead costs the
 * start a second or more (every module passes the loader thread) and every request later
 * (type-graphql's per-argument dynamic import goes through it too); tsc would take ~10 s.
 * esbuild only strips types, as tsx does, so what runs is what the tests run.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Node 22.1 and later keep V8's compiled code of every module on disk between starts: loading
// Apollo, graphql, type-graphql and drizzle is a good part of a warm restart. Absent on Node 20.
module.enableCompileCache?.();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const out = path.join(root, 'dist');
const stamp = path.join(out, '.esbuild-stamp');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const files = sources(src);
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
// The stamp lists the sources it was built from: an added or deleted file rebuilds too. Files
// are overwritten in place, never removed first, so a second hub starting meanwhile still finds them.
const list = files.map((f) => path.relative(src, f)).sort().join('\n');
const stale = !built || readFileSync(stamp, 'utf8') !== list || files.some((f) => statSync(f).mtimeMs > built);

if (stale) {
  const started = performance.now();
  const { build } = await import('esbuild');
  await build({
    entryPoints: files,
    outdir: out,
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Linked, not inline: a map costs nothing until a stack trace is printed (--enable-source-maps).
    sourcemap: 'linked',
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
  writeFileSync(stamp, list);
  console.error(`compiled ${files.length} sources into dist/ in ${Math.round(performance.now() - started)} ms`);
}

await import(pathToFileURL(path.join(out, 'main.js')).href);

// The explorer's bundle (GraphiQL and Monaco, seconds to build) is made while the hub already
// serves the API; its page appears at /graphql once built. Without the devDependencies it cannot
// be built: the hub then says so on that page.
if (!/^(0|false|no|off)$/i.test(process.env.EXPLORER?.trim() ?? '')) {
  const { buildExplorer } = await import('./build-explorer.mjs');
  buildExplorer().catch((err) => console.error(`explorer not built: ${err.message.split('\n')[0]}`));
}
