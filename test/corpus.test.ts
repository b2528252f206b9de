import net from 'node:net';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  isLeafType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildSchema } from '../src/schema.js';
import { toGlobalId } from '../src/shared/ids.js';
import { startHub, type TestHub } from './support/hub.js';
import { seedKit, type Actor } from './support/seed-kit.js';

/**
 * The bad-input corpus: what attackers and broken clients send, as a table of cases against a
 * live hub. For every case: no 5xx, a JSON body whose errors all carry a code, nothing masked as
 * INTERNAL_SERVER_ERROR; after all of them the hub still answers /healthz and a real query.
 */

interface Case {
  category: string;
  name: string;
  /** Raw HTTP: method, headers and body (Buffer for bytes that are not valid UTF-8). */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  path?: string;
  /** Or a GraphQL request, sent as JSON. */
  query?: string;
  variables?: Record<string, unknown>;
  signedIn?: boolean;
}

let hub: TestHub;
let member: Actor;
let circleId: string;
let threadId: string;

const JSON_HEADERS = { 'content-type': 'application/json' };
const graphql = (category: string, name: string, query: string, variables?: Record<string, unknown>, signedIn = true): Case => ({
  category,
  name,
  query,
  variables,
  signedIn,
});
const raw = (category: string, name: string, body: string | Buffer, headers: Record<string, string> = JSON_HEADERS, method = 'POST'): Case => ({
  category,
  name,
  body,
  headers,
  method,
});

const nested = (depth: number) => `{ regions { ${'parent { '.repeat(depth)}id${' }'.repeat(depth)} } }`;
const fragmentBomb = (n: number) =>
  `query { ...F0 } ${Array.from({ length: n }, (_, i) =>
    i < n - 1 ? `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on Query { sdgGoals { number } }`,
  ).join(' ')}`;

function staticCases(): Case[] {
  const q = '{ sdgGoals { number } }';
  const deepJson = '['.repeat(100_000) + ']'.repeat(100_000);
  return [
    // Malformed and huge bodies.
    raw('malformed body', 'truncated JSON', '{"query": '),
    raw('malformed body', 'not JSON', '<xml/>'),
    raw('malformed body', 'empty body', ''),
    raw('malformed body', 'JSON null', 'null'),
    raw('malformed body', 'JSON number', '42'),
    raw('malformed body', 'JSON string', JSON.stringify(q)),
    raw('malformed body', 'JSON true', 'true'),
    raw('malformed body', 'an empty object', '{}'),
    raw('malformed body', 'query is a number', '{"query": 5}'),
    raw('malformed body', 'query is an object', '{"query": {"a": 1}}'),
    raw('malformed body', 'query is null', '{"query": null}'),
    raw('malformed body', 'variables as a string', JSON.stringify({ query: q, variables: '{}' })),
    raw('malformed body', 'variables as an array', JSON.stringify({ query: q, variables: [1, 2] })),
    raw('malformed body', 'operationName as a number', JSON.stringify({ query: q, operationName: 5 })),
    raw('malformed body', 'unknown operationName', JSON.stringify({ query: q, operationName: 'Nope' })),
    raw('malformed body', 'extensions as a string', JSON.stringify({ query: q, extensions: 'x' })),
    raw('malformed body', 'persisted query with a bad hash', JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } })),
    raw('malformed body', 'a query with only whitespace', JSON.stringify({ query: '   ' })),
    raw('malformed body', 'a query that does not parse', JSON.stringify({ query: '{ sdgGoals { ' })),
    raw('malformed body', 'JSON nested 100,000 levels', deepJson),
    raw('malformed body', 'duplicate keys', '{"query": "{ x }", "query": "{ sdgGoals { number } }"}'),
    raw('malformed body', 'trailing garbage after JSON', `${JSON.stringify({ query: q })}garbage`),
    raw('huge body', 'a body over 1 MB', JSON.stringify({ query: q, variables: { pad: 'x'.repeat(1_100_000) } })),
    raw('huge body', 'a query of 900 KB', JSON.stringify({ query: `{ sdgGoals { ${'number '.repeat(128_000)}} }` })),
    raw('huge body', 'a comment of 900 KB', JSON.stringify({ query: `#${'x'.repeat(900_000)}\n${q}` })),
    raw('huge body', 'a string literal of 900 KB', JSON.stringify({ query: `{ circle(slug: "${'x'.repeat(900_000)}") { id } }` })),
    // Wrong content types and methods.
    raw('content type', 'text/plain', JSON.stringify({ query: q }), { 'content-type': 'text/plain' }),
    raw('content type', 'no content type', JSON.stringify({ query: q }), {}),
    raw('content type', 'form-urlencoded', `query=${encodeURIComponent(q)}`, { 'content-type': 'application/x-www-form-urlencoded' }),
    raw('content type', 'multipart', '--b\r\ncontent-disposition: form-data; name="query"\r\n\r\n{ x }\r\n--b--', { 'content-type': 'multipart/form-data; boundary=b' }),
    raw('content type', 'application/graphql', q, { 'content-type': 'application/graphql' }),
    raw('content type', 'application/xml', '<query/>', { 'content-type': 'application/xml' }),
    raw('content type', 'json with an unknown charset', JSON.stringify({ query: q }), { 'content-type': 'application/json; charset=klingon' }),
    raw('content type', 'json declared utf-16', JSON.stringify({ query: q }), { 'content-type': 'application/json; charset=utf-16' }),
    raw('content type', 'gzip encoding that is not gzip', JSON.stringify({ query: q }), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
    raw('content type', 'an unknown content encoding', JSON.stringify({ query: q }), { 'content-type': 'application/json', 'content-encoding': 'br2' }),
    { category: 'content type', name: 'PUT', method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ query: q }) },
    { category: 'content type', name: 'DELETE', method: 'DELETE', headers: JSON_HEADERS },
    { category: 'content type', name: 'PATCH', method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify({ query: q }) },
    { category: 'content type', name: 'GET without a query', method: 'GET', headers: { 'apollo-require-preflight': '1' } },
    { category: 'content type', name: 'GET with a mutation', method: 'GET', path: `?query=${encodeURIComponent('mutation { signOut }')}`, headers: { 'apollo-require-preflight': '1' } },
    { category: 'content type', name: 'GET with bad variables JSON', method: 'GET', path: `?query=${encodeURIComponent(q)}&variables=%7Bnope`, headers: { 'apollo-require-preflight': '1' } },
    { category: 'content type', name: 'GET without a CSRF preflight header', method: 'GET', path: `?query=${encodeURIComponent(q)}` },
    // Batched arrays.
    raw('batch', 'a batch of one', JSON.stringify([{ query: q }])),
    raw('batch', 'a batch of 1,000', JSON.stringify(Array.from({ length: 1000 }, () => ({ query: q })))),
    raw('batch', 'an empty batch', '[]'),
    raw('batch', 'a batch of numbers', '[1, 2, 3]'),
    raw('batch', 'a batch of nulls', '[null]'),
    // Bombs.
    graphql('bomb', 'depth 50', nested(50)),
    graphql('bomb', 'depth 500', nested(500)),
    graphql('bomb', '1,000 aliases', `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: sdgGoals { number }`).join(' ')} }`),
    graphql('bomb', '200 aliases of a mutation', `mutation { ${Array.from({ length: 200 }, (_, i) => `a${i}: signOut`).join(' ')} }`),
    graphql('bomb', 'fragment blow-up of 30', fragmentBomb(30)),
    graphql('bomb', 'fragment blow-up of 60', fragmentBomb(60)),
    graphql('bomb', 'a fragment cycle', `query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`),
    graphql('bomb', 'a self-spreading fragment', `query { ...A } fragment A on Query { sdgGoals { number } ...A }`),
    graphql('bomb', '1,000 directives', `{ sdgGoals { ${'number @include(if: true) '.repeat(1000)}} }`),
    graphql('bomb', 'the same directive 100 times on one field', `{ sdgGoals @skip(if: false)${' @skip(if: false)'.repeat(99)} { number } }`),
    graphql('bomb', 'unknown directives', `{ sdgGoals @nope @nope2(x: 1) { number } }`),
    graphql('bomb', 'nested pages of 100 four deep', `{ circles(first: 100) { nodes { threads(first: 100) { nodes { posts(first: 100) { nodes { replies(first: 100) { totalCount } } } } } } } }`),
    graphql('bomb', 'pages of 100 as variables', `query($n: Int) { circles(first: $n) { nodes { threads(first: $n) { nodes { posts(first: $n) { totalCount } } } } } }`, { n: 100 }),
    graphql('bomb', '5,000 operations in one document', Array.from({ length: 5000 }, (_, i) => `query Q${i} { sdgGoals { number } }`).join(' ')),
    graphql('bomb', '10,000 variables defined', `query(${Array.from({ length: 10000 }, (_, i) => `$v${i}: Int`).join(', ')}) { sdgGoals { number } }`),
    graphql('bomb', 'a deeply nested list value', `{ circle(slug: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) { id } }`),
    graphql('bomb', 'a deeply nested object value', `mutation { createOrganisation(input: ${'{ a: '.repeat(3000)}1${' }'.repeat(3000)}) { clientMutationId } }`),
    graphql('bomb', 'introspection with a 10-level ofType chain', `{ __schema { types { ${'ofType { '.repeat(10)}name${' }'.repeat(10)} } } }`),
    graphql('bomb', 'many __typename aliases', `{ ${Array.from({ length: 500 }, (_, i) => `t${i}: __typename`).join(' ')} }`),
    // Huge variables.
    graphql('huge variables', 'a variable of 900 KB', `query($s: String!) { circle(slug: $s) { id } }`, { s: 'x'.repeat(900_000) }),
    graphql('huge variables', 'an array of 100,000 in a list input', `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: 100_000 }, () => 'x') }),
    graphql('huge variables', '100,000 unused variables', `{ sdgGoals { number } }`, Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`v${i}`, i]))),
    raw('huge variables', 'a variable nested 5,000 levels', `{"query": "query($s: String) { circle(slug: $s) { id } }", "variables": {"s": ${'['.repeat(5000)}${']'.repeat(5000)}}}`),
    graphql('huge variables', 'an object where a string goes', `query($s: String!) { circle(slug: $s) { id } }`, { s: { $gt: '' } }),
    graphql('huge variables', 'a huge number where an Int goes', `query($n: Int) { circles(first: $n) { totalCount } }`, { n: 1e300 }),
    graphql('huge variables', 'a negative page size', `query($n: Int) { circles(first: $n) { totalCount } }`, { n: -1 }),
    graphql('huge variables', 'a float page size', `query($n: Int) { circles(first: $n) { totalCount } }`, { n: 1.5 }),
    graphql('huge variables', 'a string page size', `query($n: Int) { circles(first: $n) { totalCount } }`, { n: '10' }),
    graphql('huge variables', 'an SDG goal of 2^31', `query($g: Int) { circles(sdgGoal: $g) { totalCount } }`, { g: 2 ** 31 }),
    graphql('huge variables', '__proto__ in an input', `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { clientMutationId } }`, JSON.parse('{"input": {"__proto__": {"admin": true}, "name": "x", "kind": "CIVIL_SOCIETY"}}')),
    // Invalid UTF-8 and NUL bytes.
    raw('encoding', 'invalid UTF-8 in the query', Buffer.concat([Buffer.from('{"query": "{ sdgGoals { number } } #'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])),
    raw('encoding', 'invalid UTF-8 in a variable', Buffer.concat([Buffer.from('{"query": "query($s: String!) { circle(slug: $s) { id } }", "variables": {"s": "'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('"}}')])),
    raw('encoding', 'an overlong UTF-8 slash', Buffer.concat([Buffer.from('{"query": "{ circle(slug: \\"'), Buffer.from([0xc0, 0xaf]), Buffer.from('\\") { id } }"}')])),
    raw('encoding', 'a UTF-8 byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ query: q }))])),
    raw('encoding', 'UTF-16 bytes', Buffer.from(JSON.stringify({ query: q }), 'utf16le')),
    raw('encoding', 'a raw NUL byte in the body', Buffer.concat([Buffer.from('{"query": "{ sdgGoals'), Buffer.from([0]), Buffer.from(' { number } }"}')])),
    graphql('encoding', 'a NUL character in a query string literal', `{ circle(slug: "a\\u0000b") { id } }`),
    graphql('encoding', 'a NUL character in a variable', `query($s: String!) { circle(slug: $s) { id } }`, { s: 'a\u0000b' }),
    graphql('encoding', 'a lone surrogate in a variable', `query($s: String!) { circle(slug: $s) { id } }`, { s: 'a\uD800b' }),
    graphql('encoding', 'a lone surrogate escape in the query', `{ circle(slug: "\\uD800") { id } }`),
    graphql('encoding', 'right-to-left override and zero-width characters', `query($s: String!) { circle(slug: $s) { id } }`, { s: '\u202Egnp.exe\u200B\uFEFF' }),
    graphql('encoding', 'an unterminated string', `{ circle(slug: "abc) { id } }`),
    graphql('encoding', 'control characters in the query', `{ sdgGoals\u0001 { number } }`),
    // Forged IDs and cursors.
    ...[
      ['empty', ''],
      ['not base64', '!!!'],
      ['base64 of nothing useful', Buffer.from('hello').toString('base64')],
      ['an unknown type', Buffer.from('Spaceship:1').toString('base64url')],
      ['a type without an id', Buffer.from('Circle:').toString('base64url')],
      ['a circle id that is not a uuid', Buffer.from("Circle:1' OR '1'='1").toString('base64url')],
      ['a well-formed id of nothing', toGlobalId('Circle', '00000000-0000-0000-0000-000000000000')],
      ['a thread id as a circle id', 'THREAD'],
      ['a 100 KB id', 'A'.repeat(100_000)],
      ['a NUL in an id', Buffer.from('Circle:\u0000').toString('base64url')],
    ].flatMap(([name, id]) => [
      graphql('forged id', `node(id) with ${name}`, `query($id: ID!) { node(id: $id) { id } }`, { id: id === 'THREAD' ? threadId : id }),
      graphql('forged id', `circleActivity-like query with ${name}`, `query($id: ID!) { nodes(ids: [$id]) { id } }`, { id: id === 'THREAD' ? threadId : id }),
      graphql('forged id', `createPost into ${name}`, `mutation($id: ID!) { createPost(input: { threadId: $id, body: "x" }) { post { id } } }`, { id: id === 'THREAD' ? circleId : id }),
    ]),
    ...[
      ['not base64', '%%%'],
      ['base64 of text', Buffer.from('hello world').toString('base64url')],
      ['base64 of JSON with wrong types', Buffer.from(JSON.stringify({ a: [1, 2] })).toString('base64url')],
      ['base64 of a JSON array of objects', Buffer.from(JSON.stringify([{}, {}])).toString('base64url')],
      ['base64 of a huge number', Buffer.from(JSON.stringify(['9'.repeat(400), 'x'])).toString('base64url')],
      ['base64 of a bad date', Buffer.from(JSON.stringify(['not-a-date', '00000000-0000-0000-0000-000000000000'])).toString('base64url')],
      ['100 KB', 'A'.repeat(100_000)],
    ].flatMap(([name, cursor]) => [
      graphql('forged cursor', `circles(after) ${name}`, `query($c: String) { circles(after: $c) { totalCount } }`, { c: cursor }),
      graphql('forged cursor', `organisations(after) ${name}`, `query($c: String) { organisations(after: $c) { totalCount } }`, { c: cursor }),
      graphql('forged cursor', `resources(after) ${name}`, `query($c: String) { resources(after: $c) { totalCount } }`, { c: cursor }),
    ]),
    // Headers.
    { category: 'headers', name: 'a 20 KB header', method: 'POST', headers: { ...JSON_HEADERS, 'x-padding': 'x'.repeat(20_000) }, body: JSON.stringify({ query: q }) },
    { category: 'headers', name: 'a malformed bearer token', method: 'POST', headers: { ...JSON_HEADERS, authorization: 'Bearer \u00ff\u00fe' }, body: JSON.stringify({ query: q }) },
    { category: 'headers', name: 'a bearer token of 8 KB', method: 'POST', headers: { ...JSON_HEADERS, authorization: `Bearer ${'a'.repeat(8_000)}` }, body: JSON.stringify({ query: q }) },
    { category: 'headers', name: 'a basic authorization', method: 'POST', headers: { ...JSON_HEADERS, authorization: 'Basic YTpi' }, body: JSON.stringify({ query: q }) },
    { category: 'headers', name: 'a forged request id', method: 'POST', headers: { ...JSON_HEADERS, 'x-request-id': '../../etc\r' }, body: JSON.stringify({ query: q }) },
  ];
}

const INJECTIONS: [string, string][] = [
  ['SQL quote', "' OR '1'='1' --"],
  ['SQL statement', "x'); DROP TABLE users; --"],
  ['script tag', '<script>alert(1)</script>'],
  ['template and JNDI', '{{7*7}} ${7*7} ${jndi:ldap://x/a}'],
  ['NUL character', 'a\u0000b'],
  ['path traversal and CRLF', '../../etc/passwd\r\nSet-Cookie: x=1'],
  ['10,000 characters', 'x'.repeat(10_000)],
];

const DUMMY_SCALARS: Record<string, unknown> = {
  String: 'x',
  Int: 1,
  Float: 1,
  Boolean: false,
  DateTime: '2030-01-01T00:00:00Z',
};

/** A value for `type`, with `inject` at `path` (field names below it). */
function valueFor(name: string, type: GraphQLInputType, path: string[] | null, inject: string, depth = 0): unknown {
  if (isNonNullType(type)) return valueFor(name, type.ofType, path, inject, depth);
  if (isListType(type)) return [valueFor(name, type.ofType, path, inject, depth)];
  if (path?.length === 0 && isScalarType(type)) return inject;
  if (isEnumType(type)) return type.getValues()[0].value;
  // Real IDs where others are needed, so that the injected value gets as far as it can.
  if (isScalarType(type)) return type.name === 'ID' ? (/thread/i.test(name) ? threadId : circleId) : (DUMMY_SCALARS[type.name] ?? 'x');
  if (isInputObjectType(type) && depth < 4) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (path && field.name === path[0]) out[field.name] = valueFor(field.name, field.type, path.slice(1), inject, depth + 1);
      else if (isNonNullType(field.type)) out[field.name] = valueFor(field.name, field.type, null, inject, depth + 1);
    }
    return out;
  }
  return null;
}

/** Paths to every String or ID inside an argument's type (input objects followed). */
function stringPaths(type: GraphQLInputType, depth = 0): string[][] {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'String' || named.name === 'ID' ? [[]] : [];
  if (isInputObjectType(named) && depth < 4) {
    return Object.values(named.getFields()).flatMap((f) => stringPaths(f.type, depth + 1).map((p) => [f.name, ...p]));
  }
  return [];
}

function selectionFor(field: GraphQLField<unknown, unknown>): string {
  return isLeafType(getNamedType(field.type)) ? '' : '{ __typename }';
}

/** Every string argument of every query and mutation, with every injection. */
async function injectionCases(): Promise<Case[]> {
  const schema = await buildSchema();
  const cases: Case[] = [];
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as [string, GraphQLObjectType][];
  for (const [kind, root] of roots) {
    for (const field of Object.values(root.getFields())) {
      for (const arg of field.args) {
        for (const path of stringPaths(arg.type)) {
          for (const [payloadName, payload] of INJECTIONS) {
            const args = field.args.filter((a: GraphQLArgument) => a === arg || isNonNullType(a.type));
            const variables: Record<string, unknown> = {};
            for (const a of args) variables[a.name] = valueFor(a.name, a.type, a === arg ? path : null, payload);
            const defs = args.map((a) => `$${a.name}: ${a.type}`).join(', ');
            const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
            const query = `${kind}${defs ? `(${defs})` : ''} { ${field.name}${call ? `(${call})` : ''} ${selectionFor(field)} }`;
            cases.push(graphql(`injection`, `${field.name}(${[arg.name, ...path].join('.')}) with ${payloadName}`, query, variables));
          }
        }
      }
    }
  }
  return cases;
}

interface Answer {
  status: number;
  contentType: string;
  json: any;
}

/** Raw HTTP over a socket: fetch itself refuses some of what the corpus sends (20 KB headers, bad bytes). */
function send(c: Case, token: string): Promise<Answer> {
  const url = new URL(hub.url);
  const headers: Record<string, string> = { ...(c.headers ?? JSON_HEADERS) };
  let body: string | Buffer | undefined = c.body;
  if (c.query !== undefined) body = JSON.stringify({ query: c.query, variables: c.variables });
  if (c.signedIn && !headers.authorization) headers.authorization = `Bearer ${token}`;
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const head =
    `${c.method ?? 'POST'} ${url.pathname}${c.path ?? ''} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    `Content-Length: ${bytes.length}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      const hdrs = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      let payload = text.slice(split + 4);
      if (hdrs['transfer-encoding'] === 'chunked') {
        let out = '';
        let rest = payload;
        for (;;) {
          const eol = rest.indexOf('\r\n');
          const size = parseInt(rest.slice(0, eol), 16);
          if (!size) break;
          out += rest.slice(eol + 2, eol + 2 + size);
          rest = rest.slice(eol + 2 + size + 2);
        }
        payload = out;
      }
      let json: any;
      try {
        json = JSON.parse(payload);
      } catch {
        json = undefined;
      }
      resolve({ status, contentType: hdrs['content-type'] ?? '', json });
    });
    // Not ended: a half-closed connection may lose its answer; the server closes (Connection: close).
    socket.write(head);
    socket.write(bytes);
  });
}

const results = new Map<string, number>();

beforeAll(async () => {
  hub = await startHub();
  const kit = seedKit(hub);
  const { coordinator, circle } = await kit.circleWithCoordinator();
  member = coordinator;
  circleId = circle.id;
  threadId = (await coordinator.createThread(circle)).id;
}, 120_000);
afterAll(() => hub?.stop());

describe('the bad-input corpus over HTTP', () => {
  it('answers every case without a 5xx, with JSON errors that all carry a code, and stays healthy', async () => {
    const cases = [...staticCases(), ...(await injectionCases())];
    const failures: string[] = [];
    const started = performance.now();
    // Four at a time: a client may well send several at once.
    for (let i = 0; i < cases.length; i += 4) {
      await Promise.all(
        cases.slice(i, i + 4).map(async (c) => {
          results.set(c.category, (results.get(c.category) ?? 0) + 1);
          const answer = await send(c, member.token);
          const label = `[${c.category}] ${c.name}`;
          if (!(answer.status >= 200 && answer.status < 500)) failures.push(`${label}: HTTP ${answer.status}`);
          if (!answer.contentType.startsWith('application/json') || answer.json === undefined) {
            failures.push(`${label}: not a JSON answer (${answer.status} ${answer.contentType})`);
            return;
          }
          for (const error of answer.json.errors ?? []) {
            const code = error?.extensions?.code;
            if (typeof code !== 'string') failures.push(`${label}: an error without a code: ${error?.message}`);
            if (code === 'INTERNAL_SERVER_ERROR') failures.push(`${label}: INTERNAL_SERVER_ERROR`);
          }
          if (answer.status >= 400 && !answer.json.errors?.length) failures.push(`${label}: ${answer.status} without errors`);
        }),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `bad-input corpus: ${cases.length} HTTP cases in ${seconds.toFixed(1)} s: ` +
        [...results].map(([category, n]) => `${category} ${n}`).join(', '),
    );
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(150);

    const health = await fetch(hub.url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    const real = await member.gql(`query($id: ID!) { node(id: $id) { ... on Circle { id name } } }`, { id: circleId });
    expect(real.errors).toBeUndefined();
    expect(real.data.node.id).toBe(circleId);
  }, 300_000);

  it('answers a header over the limit with 431 and a GraphQL error in JSON', async () => {
    const answer = await send({ category: 'headers', name: '20 KB', headers: { ...JSON_HEADERS, 'x-padding': 'x'.repeat(20_000) }, body: '{}' }, member.token);
    expect(answer.status).toBe(431);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.json.errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

describe('the bad-input corpus over WebSocket', () => {
  const WS_CASES: [string, (ws: WebSocket) => void][] = [
    ['not JSON', (ws) => ws.send('{nope')],
    ['a JSON array', (ws) => ws.send('[]')],
    ['an unknown message type', (ws) => ws.send(JSON.stringify({ type: 'launch' }))],
    ['subscribe before connection_init', (ws) => ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ sdgGoals { number } }' } }))],
    ['a binary frame of invalid UTF-8', (ws) => ws.send(Buffer.from([0xff, 0xfe, 0xfd]))],
    ['a message over 64 KB', (ws) => ws.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(70_000) } }))],
    ['connection_init twice', (ws) => {
      ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    }],
    ['a fragment blow-up of 60 without a token', (ws) => {
      ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      ws.send(JSON.stringify({ id: 'b', type: 'subscribe', payload: { query: fragmentBomb(60) } }));
    }],
    ['a subscribe with a forged circle id and cursor', (ws) => {
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authToken: member.token } }));
      ws.send(JSON.stringify({ id: 'f', type: 'subscribe', payload: { query: 'subscription($c: ID!, $a: String) { circleActivity(circleId: $c, after: $a) { cursor } }', variables: { c: "x' OR 1=1", a: '%%%' } } }));
    }],
    ['a subscribe with variables as a string', (ws) => {
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authToken: member.token } }));
      ws.send(JSON.stringify({ id: 'v', type: 'subscribe', payload: { query: 'subscription { myActivity { cursor } }', variables: 'x' } }));
    }],
    ['an authToken that is an object', (ws) => ws.send(JSON.stringify({ type: 'connection_init', payload: { authToken: { $ne: null } } }))],
    ['a NUL byte in a query', (ws) => {
      ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      ws.send(JSON.stringify({ id: 'n', type: 'subscribe', payload: { query: '{ sdgGoals\u0000 { number } }' } }));
    }],
  ];

  it.each(WS_CASES)('answers %s with a protocol close or a coded error, never an internal error', async (_name, act) => {
    const ws = new WebSocket(hub.app.wsUrl, 'graphql-transport-ws');
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    act(ws);
    const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(0), 1_500))]);
    ws.terminate();
    expect(code).not.toBe(4500);
    expect(code).not.toBe(1011);
    for (const m of messages) {
      if (m.type === 'error') for (const e of m.payload) expect(typeof e.extensions?.code).toBe('string');
      if (m.type === 'error' || m.type === 'next') for (const e of m.payload.errors ?? (m.type === 'error' ? m.payload : [])) expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    }
    results.set('websocket', (results.get('websocket') ?? 0) + 1);
  });

  it('leaves the hub healthy', async () => {
    expect((await fetch(hub.url.replace('/graphql', '/healthz'))).status).toBe(200);
    expect((await member.gql(`{ viewer { id } }`)).data.viewer.id).toBe(member.id);
  });
});
