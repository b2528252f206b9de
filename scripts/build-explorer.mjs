#!/usr/bin/env node
/**
 * Bundles the explorer (GraphiQL, React, Monaco and its workers) with esbuild into
 * dist/explorer-ui/, for the hub to serve from its own origin. Rebuilt only when an input is
 * newer than the last build: the explorer's code, the README (its examples become the tabs) or
 * the installed packages. `npm start` runs it; so does the Docker image's build stage.
 *
 * Needs the devDependencies (graphiql, react, react-dom, @graphiql/toolkit): where they are not
 * installed (`npm ci --omit=dev`), it reports that and the hub serves a page saying how to build.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { readmeExamples } from './readme-examples.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EXPLORER_DIR = path.join(root, 'dist', 'explorer-ui');
const require = createRequire(import.meta.url);

function inputs() {
  const dir = path.join(root, 'explorer');
  return [
    ...readdirSync(dir).map((f) => path.join(dir, f)),
    path.join(root, 'README.md'),
    path.join(root, 'package-lock.json'),
    fileURLToPath(import.meta.url),
    path.join(root, 'scripts', 'readme-examples.mjs'),
  ];
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Builds when stale; returns the folder, or throws if the explorer's packages are missing. */
export async function buildExplorer({ force = false, log = (msg) => console.error(msg) } = {}) {
  const manifest = path.join(EXPLORER_DIR, 'manifest.json');
  const built = existsSync(manifest) ? statSync(manifest).mtimeMs : 0;
  if (!force && built && inputs().every((f) => statSync(f).mtimeMs <= built)) return EXPLORER_DIR;

  require.resolve('graphiql/package.json'); // a clear "Cannot find module 'graphiql'" without the devDependencies
  const started = performance.now();
  const { build } = await import('esbuild');
  const examples = readmeExamples(readFileSync(path.join(root, 'README.md'), 'utf8'));
  // The README's examples as a module of the bundle, not a file in the tree: hubs starting
  // together may build at once.
  const readmeModule = {
    name: 'readme-examples',
    setup(b) {
      b.onResolve({ filter: /^virtual:readme-examples$/ }, () => ({ path: 'readme-examples', namespace: 'readme' }));
      b.onLoad({ filter: /.*/, namespace: 'readme' }, () => ({ contents: JSON.stringify(examples), loader: 'json' }));
    },
  };

  // Built beside, then swapped in: a hub serving the old build meanwhile never sees half a folder.
  // Leftovers of builds whose process died (a hub stopped mid-build) are removed.
  mkdirSync(path.dirname(EXPLORER_DIR), { recursive: true });
  for (const entry of readdirSync(path.dirname(EXPLORER_DIR))) {
    const m = /^explorer-ui\.(?:tmp|old)-(\d+)$/.exec(entry);
    if (m && !alive(Number(m[1]))) rmSync(path.join(path.dirname(EXPLORER_DIR), entry), { recursive: true, force: true });
  }
  const tmp = `${EXPLORER_DIR}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const common = {
    bundle: true,
    minify: true,
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    outdir: tmp,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  };
  const page = await build({
    ...common,
    entryPoints: { explorer: path.join(root, 'explorer', 'main.jsx') },
    format: 'esm',
    jsx: 'automatic',
    plugins: [readmeModule],
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
  });
  // Classic (non-module) workers: every browser that runs Monaco runs these.
  const workers = await build({
    ...common,
    entryPoints: {
      'editor.worker': require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
      'json.worker': require.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
      'graphql.worker': require.resolve('monaco-graphql/esm/graphql.worker.js'),
    },
    format: 'iife',
  });
  const outputs = { ...page.metafile.outputs, ...workers.metafile.outputs };
  const file = (entry, ext) => {
    const name = Object.keys(outputs).map((o) => path.basename(o)).find((o) => o.startsWith(`${entry}-`) && /^[A-Z0-9]+$/.test(o.slice(entry.length + 1, -ext.length)) && o.endsWith(ext));
    if (!name) throw new Error(`explorer build: no output for ${entry}${ext}`);
    return name;
  };
  const result = {
    script: file('explorer', '.js'),
    style: file('explorer', '.css'),
    workers: { editor: file('editor.worker', '.js'), json: file('json.worker', '.js'), graphql: file('graphql.worker', '.js') },
    tabs: examples.length,
  };
  // Compressed once here at the highest levels, not per request: the bundle is megabytes, and a
  // village connection pays for every byte of the first visit (later ones hit the cache).
  // Quality 10 with a 16 MiB window: the explorer's script is 1.13 MB where gzip -9 gives 1.42 MB,
  // in 4 s (quality 11 saves 2% more in 17 s). Off the event loop: `npm start` serves meanwhile.
  await Promise.all(
    Object.keys(outputs)
      .filter((o) => /\.(js|css|ttf)$/.test(o))
      .map(async (out) => {
        const body = await readFile(out);
        const params = { [zlib.BROTLI_PARAM_QUALITY]: 10, [zlib.BROTLI_PARAM_LGWIN]: 24, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length };
        await writeFile(`${out}.br`, await promisify(brotliCompress)(body, { params }));
        await writeFile(`${out}.gz`, await promisify(gzip)(body, { level: 9 }));
      }),
  );
  writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(result, null, 2) + '\n');
  const old = `${EXPLORER_DIR}.old-${process.pid}`;
  try {
    renameSync(EXPLORER_DIR, old);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  try {
    renameSync(tmp, EXPLORER_DIR);
  } catch (err) {
    // Another process building at the same time got there first, with the same inputs.
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  const bytes = Object.values(outputs).reduce((sum, o) => sum + o.bytes, 0);
  log(`explorer bundled into dist/explorer-ui/ in ${Math.round(performance.now() - started)} ms (${(bytes / 2 ** 20).toFixed(1)} MiB, ${examples.length} tabs)`);
  return EXPLORER_DIR;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildExplorer({ force: process.argv.includes('--force') });
}
