import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from '../db/client.js';
import { regions } from '../db/schema.js';

/** `column` is the region or one of the regions below it (a district filter finds its villages). */
export function inRegionTree(column: PgColumn | SQL, regionId: string): SQL {
  return sql`${column} in (with recursive tree(id) as (
      select ${regions.id} from ${regions} where ${regions.id} = ${regionId}
      union all
      select r.id from ${regions} r join tree on r.parent_id = tree.id
    ) select id from tree)`;
}

/** A case-insensitive substring match with LIKE wildcards in the user's words taken literally. */
export function containsText(columns: PgColumn[], words: string): SQL {
  const pattern = `%${words.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`(${sql.join(
    columns.map((c) => sql`${c} ilike ${pattern}`),
    sql` or `,
  )})`;
}

export function slugify(text: string): string {
  const base = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return base || 'x';
}

/** `base`, or `base-2`, `base-3`... whichever is free in `column`. */
export async function uniqueSlug(q: Queryable, table: PgTable, column: PgColumn, text: string): Promise<string> {
  const base = slugify(text);
  const rows = (await q
    .select({ slug: column })
    .from(table as any)
    .where(sql`${column} = ${base} or ${column} like ${`${base}-%`}`)) as { slug: string }[];
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}
