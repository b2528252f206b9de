import { InMemoryLRUCache, PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { persistedQueries } from '../db/schema.js';

/** Rows kept in PostgreSQL; the oldest go first once a client floods the store with documents. */
const MAX_STORED = 10_000;
/** Entries kept in each instance's memory in front of the table. */
const MAX_IN_MEMORY = 2_000;

/**
 * Apollo's automatic-persisted-query store, kept in the `persisted_queries` table so that every
 * instance knows a hash once any instance has seen its document, and a restart forgets nothing.
 *
 * A hash names its document for ever (Apollo verifies the SHA-256 before `set`), so the
 * in-memory layer in front can never be stale and needs no invalidation: it only saves the
 * round trip for the documents an instance serves all day.
 */
export function persistedQueryCache(db: Db): KeyValueCache<string> {
  const memory = new InMemoryLRUCache<string>({ max: MAX_IN_MEMORY });
  let writes = 0;
  const cache: KeyValueCache<string> = {
    async get(hash) {
      const hit = await memory.get(hash);
      if (hit !== undefined) return hit;
      const [row] = await db.select({ query: persistedQueries.query }).from(persistedQueries).where(sql`${persistedQueries.hash} = ${hash}`);
      if (row) await memory.set(hash, row.query);
      return row?.query;
    },
    async set(hash, query) {
      await memory.set(hash, query);
      await db.insert(persistedQueries).values({ hash, query }).onConflictDoNothing();
      // Pruning on every write would cost a scan per new document; one write in a hundred is enough
      // to hold the table near its cap.
      if (++writes % 100 === 0) {
        await db.execute(sql`
          delete from persisted_queries where hash in (
            select hash from persisted_queries order by created_at desc offset ${MAX_STORED}
          )`);
      }
    },
    async delete(hash) {
      await memory.delete(hash);
      await db.delete(persistedQueries).where(sql`${persistedQueries.hash} = ${hash}`);
    },
  };
  // The table holds nothing but persisted queries: Apollo's `apq:` key prefix would only pad every hash.
  return PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(cache);
}
