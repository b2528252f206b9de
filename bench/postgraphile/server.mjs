// PostGraphile 5 over the benchmark's database, for bench/run.ts: its default role, no auth.
// Started with `--require bench/postgraphile/polyfill.cjs`; BENCH_PEERS_DIR is the folder the
// benchmark installed PostGraphile into (bench/.work/peers), never the hub's own node_modules.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const workDir = process.env.BENCH_PEERS_DIR;
const connectionString = process.env.DATABASE_URL;
if (!workDir || !connectionString) throw new Error('BENCH_PEERS_DIR and DATABASE_URL are required');
const require = createRequire(path.join(workDir, 'package.json'));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);

const { postgraphile } = await load('postgraphile');
const { PostGraphileAmberPreset } = await load('postgraphile/presets/amber');
const { makePgService } = await load('postgraphile/adaptors/pg');
const { grafserv } = await load('postgraphile/grafserv/node');

// The table `circles` would be inflected to the type name `Circle`, which PostgreSQL's
// geometric `circle` type already has: rename the builtin instead.
const RenameBuiltinCirclePlugin = {
  name: 'RenameBuiltinCirclePlugin',
  version: '0.0.0',
  inflection: {
    replace: {
      builtin(previous, _options, name) {
        return name === 'Circle' ? 'GeometricCircle' : previous(name);
      },
    },
  },
};

const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [RenameBuiltinCirclePlugin],
  pgServices: [
    makePgService({
      connectionString,
      schemas: ['public'],
      poolConfig: { max: Number(process.env.BENCH_POOL_SIZE ?? 10) },
    }),
  ],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
await pgl.getSchema();
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (err) => {
  console.error('[postgraphile] server error', err);
  process.exit(1);
});
await serv.addTo(server);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

const stop = async () => {
  server.closeAllConnections?.();
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on('message', (msg) => {
  if (msg?.cmd === 'shutdown') {
    process.send({ id: msg.id, ok: true, result: null });
    void stop();
  } else if (msg && typeof msg.id === 'number') {
    process.send({ id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ event: 'ready', url: `http://127.0.0.1:${port}/graphql` });
