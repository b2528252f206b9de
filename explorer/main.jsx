// The explorer's browser code, bundled by scripts/build-explorer.mjs (esbuild) into dist/explorer-ui/
// and served by the hub at GET /graphql for browsers. Everything it loads comes from the hub:
// no CDN, so it works offline and on networks that block them.
import 'graphiql/style.css';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import { createRoot } from 'react-dom/client';
import examples from 'virtual:readme-examples';

const config = JSON.parse(document.getElementById('explorer-config').textContent);

// Monaco runs its language services in workers; the hub serves them next to this bundle
// (graphiql's own setup-workers modules load them from esm.sh or rely on a bundler plugin).
globalThis.MonacoEnvironment = {
  getWorker(_id, label) {
    const name = label === 'json' ? 'json' : label === 'graphql' ? 'graphql' : 'editor';
    return new Worker(config.workers[name]);
  },
};

const httpUrl = new URL(config.path, location.href).href;
const wsUrl = httpUrl.replace(/^http/, 'ws');

/** The token of the header editor's `Authorization: Bearer …`, which the WebSocket sends as `authToken`. */
function bearerOf(headers) {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
      if (match) return match[1];
    }
  }
  return null;
}

// The hub reads the WebSocket's token from connection_init's `authToken`, not from a header:
// one lazy graphql-ws client per token, so editing the header takes effect on the next subscription.
const fetchers = new Map();
function fetcherFor(token) {
  let fetcher = fetchers.get(token);
  if (!fetcher) {
    const wsClient = createClient({ url: wsUrl, lazy: true, retryAttempts: 0, connectionParams: token ? { authToken: token } : {} });
    fetcher = createGraphiQLFetcher({ url: httpUrl, wsClient, enableIncrementalDelivery: false });
    fetchers.set(token, fetcher);
  }
  return fetcher;
}
const fetcher = (params, opts) => fetcherFor(bearerOf(opts?.headers))(params, opts);

createRoot(document.getElementById('explorer')).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={examples.map(({ query, variables }) => ({ query, variables }))}
    defaultEditorToolsVisibility="headers"
    defaultHeaders={'{\n  "Authorization": ""\n}'}
    shouldPersistHeaders={false}
  />,
);
