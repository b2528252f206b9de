#!/usr/bin/env node
/**
 * `npm start`: the hub from one JavaScript file, dist/main.js, bundled by esbuild from src/ and
 * the packages it imports, rebuilt only when a source, the lockfile or this script changed.
 * Running the TypeScript through tsx's loader instead costs the start a second or more (every
 * module passes the loader thread) and every request later (type-graphql's per-argument dynamic
 * import goes through it too); tsc would take ~10 s. One bundle rather than a file per source:
 * Node resolves, reads and links one module instead of over a thousand (most of them in
 * node_modules), which was the larger part of a warm restart. esbuild only strips types, as tsx
 * does, so what runs is what the tests run.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Node 22.1 and later keep V8's compiled code of every module on disk between starts: loading
// Apollo, graphql, type-graphql and drizzle is a good part of a warm restart. Absent on Node 20.
module.enableCompileCache?.();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const out = path.join(root, 'dist');
const bundle = path.join(out, 'main.js');
const stamp = path.join(out, '.esbuild-stamp');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

// What the bundle is made of: every source (an added or deleted file rebuilds too), the lockfile
// (the packages it bundles) and this script (how it bundles them). mtimes compared for equality,
// not order: a checkout of an older commit sets them back and must rebuild as well.
const inputs = [...sources(src), path.join(root, 'package-lock.json'), fileURLToPath(import.meta.url)];
const key = inputs
  .map((f) => `${path.relative(root, f)} ${statSync(f).mtimeMs}`)
  .sort()
  .join('\n');
const stale = !existsSync(bundle) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== key;

// Outside the bundle: native addons, and packages that load their own files (.wasm, .data)
// relative to themselves, which from dist/ they would not find.
const external = ['@electric-sql/pglite', '@node-rs/argon2'];

/**
 * rate-limiter-flexible imports drizzle-orm at run time under a computed name, which esbuild
 * cannot follow: from the bundle Node would load a second drizzle-orm from node_modules beside
 * the bundled one. Spelt out, its import resolves to the one drizzle-orm the app uses.
 */
const oneDrizzle = {
  name: 'one-drizzle',
  setup(b) {
    b.onLoad({ filter: /[\\/]rate-limiter-flexible[\\/]lib[\\/]RateLimiterDrizzle\.js$/ }, (args) => {
      const code = readFileSync(args.path, 'utf8');
      const dynamic = 'import(/* @vite-ignore */ specifier)';
      // A release that loads drizzle-orm differently must fail the build, not the first sign-in.
      if (!code.includes(dynamic)) throw new Error(`rate-limiter-flexible no longer has ${dynamic}; see scripts/start.mjs`);
      const literal = "(specifier.endsWith('/sql') ? import('drizzle-orm/sql') : import('drizzle-orm'))";
      return { contents: code.replace(dynamic, literal), loader: 'js' };
    });
  },
};

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeSegment(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    shift += 5;
    if (digit & 32) continue;
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

function encodeValue(n) {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    const digit = v & 31;
    v >>>= 5;
    out += BASE64[v ? digit | 32 : digit];
  } while (v);
  return out;
}

/**
 * The map keeps the hub's own sources (src/) only. pino asks for its callers' locations when a
 * logger is made, and under --enable-source-maps that decodes the whole map at every start: with
 * the packages' code in it (a 4.7 MB map) that cost about a second of CPU and ~90 MB of RSS.
 * Frames in a package show as dist/main.js:line, where esbuild's `// node_modules/...` comment
 * above names the file; a one-field segment ends each mapped run, so that no package frame is
 * attributed to the src/ line before it.
 */
function keepOwnSources(map, keep) {
  const sourceIndex = map.sources.map(() => -1);
  const sources = [];
  map.sources.forEach((s, i) => {
    if (keep(s)) sourceIndex[i] = sources.push(s) - 1;
  });
  const names = [];
  const nameIndex = new Map();
  // Absolute values as read, then as last written: both are deltas across lines except the column.
  let [src, line, col, name] = [0, 0, 0, 0];
  let [outSrc, outLine, outCol, outName] = [0, 0, 0, 0];
  let mapped = false;
  const lines = map.mappings.split(';').map((text) => {
    let genCol = 0;
    let outGenCol = 0;
    const kept = [];
    for (const segment of text ? text.split(',') : []) {
      const v = decodeSegment(segment);
      genCol += v[0];
      if (v.length >= 4) {
        src += v[1];
        line += v[2];
        col += v[3];
        if (v.length >= 5) name += v[4];
      }
      if (v.length >= 4 && sourceIndex[src] >= 0) {
        let out = encodeValue(genCol - outGenCol) + encodeValue(sourceIndex[src] - outSrc) + encodeValue(line - outLine) + encodeValue(col - outCol);
        [outSrc, outLine, outCol] = [sourceIndex[src], line, col];
        if (v.length >= 5) {
          const n = map.names[name];
          if (!nameIndex.has(n)) nameIndex.set(n, names.push(n) - 1);
          out += encodeValue(nameIndex.get(n) - outName);
          outName = nameIndex.get(n);
        }
        kept.push(out);
        outGenCol = genCol;
        mapped = true;
      } else if (mapped) {
        kept.push(encodeValue(genCol - outGenCol));
        outGenCol = genCol;
        mapped = false;
      }
    }
    return kept.join(',');
  });
  return { ...map, sources, names, mappings: lines.join(';') };
}

if (stale) {
  const started = performance.now();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(src, 'main.ts')],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external,
    plugins: [oneDrizzle],
    // CommonJS packages inside an ES module still call require and read __dirname.
    banner: {
      js: [
        "import { createRequire as __bundleCreateRequire } from 'node:module';",
        "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
        'const require = __bundleCreateRequire(import.meta.url);',
        'const __filename = __bundleFileURLToPath(import.meta.url);',
        "const __dirname = __bundleFileURLToPath(new URL('.', import.meta.url));",
      ].join('\n'),
    },
    // Linked, not inline: the bundle stays plain JavaScript and the map is read only under
    // --enable-source-maps. Without the sources' text: the map points at src/, which is here.
    sourcemap: 'linked',
    sourcesContent: false,
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'warning',
    write: false,
  });
  // Written beside, then renamed over: a second hub starting meanwhile imports either the old
  // bundle or the new one, never half of one. The map first, so the bundle never points at a
  // map of another build; the stamp last, so a build that died leaves the bundle stale.
  mkdirSync(out, { recursive: true });
  const code = result.outputFiles.find((f) => f.path === bundle);
  const map = result.outputFiles.find((f) => f.path === `${bundle}.map`);
  const ownSources = new Set(inputs);
  const own = (source) => ownSources.has(path.resolve(out, source));
  const files = [
    { path: map.path, contents: JSON.stringify(keepOwnSources(JSON.parse(map.text), own)) },
    // esbuild writes non-ASCII characters of strings and identifiers as escapes, but not those in
    // regular expression literals (validator's alphabets): one is enough for V8 to hold the whole
    // bundle as a two-byte string, 8 MB more. In a regular expression, \uXXXX is the same character.
    { path: bundle, contents: code.text.replace(/(?<!\\)[^\x00-\xff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) },
    { path: stamp, contents: key },
  ];
  for (const file of files) {
    const tmp = `${file.path}.tmp-${process.pid}`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
  console.error(`bundled ${inputs.length - 2} sources and their packages into dist/main.js in ${Math.round(performance.now() - started)} ms`);
}

await import(pathToFileURL(bundle).href);

// The explorer's bundle (GraphiQL and Monaco, seconds to build) is made while the hub already
// serves the API; its page appears at /graphql once built. Without the devDependencies it cannot
// be built: the hub then says so on that page.
if (!/^(0|false|no|off)$/i.test(process.env.EXPLORER?.trim() ?? '')) {
  const { buildExplorer } = await import('./build-explorer.mjs');
  buildExplorer().catch((err) => console.error(`explorer not built: ${err.message.split('\n')[0]}`));
}
