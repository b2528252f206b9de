import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { users } from '../db/schema.js';
import { BadInputError } from '../errors.js';

/** Lower-case letters and digits, single dashes inside; 3 to 30 characters. */
export const HANDLE_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const HANDLE_MIN = 3;
export const HANDLE_MAX = 30;
// Room for "-NNN" after a base, so a numbered handle still fits in HANDLE_MAX.
const BASE_MAX = 26;

/** The most handles one text notifies: more is a broadcast, not a mention. */
export const MAX_MENTIONS = 20;

export function assertHandle(handle: string, field = 'handle'): void {
  if (handle.length < HANDLE_MIN || handle.length > HANDLE_MAX) {
    throw new BadInputError(field, `must be ${HANDLE_MIN} to ${HANDLE_MAX} characters`);
  }
  if (!HANDLE_PATTERN.test(handle)) {
    throw new BadInputError(field, 'may hold only lower-case letters, digits and single dashes between them');
  }
}

/**
 * A handle's base from a display name: "Rina Wulandari" -> "rina-wulandari". The migration that
 * gave existing users their handles applies the same rule in SQL.
 */
export function handleBase(displayName: string): string {
  const base = displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, BASE_MAX)
    .replace(/-+$/, '');
  if (base === '') return 'user';
  return base.length < HANDLE_MIN ? `${base}-user` : base;
}

/** `base`, or `base-2`, `base-3`... whichever no user holds yet. */
export async function freeHandle(q: Queryable, displayName: string): Promise<string> {
  const base = handleBase(displayName);
  const rows = await q
    .select({ handle: users.handle })
    .from(users)
    .where(sql`${users.handle} = ${base} or ${users.handle} ~ ${`^${base}-[0-9]+$`}`);
  const taken = new Set(rows.map((r) => r.handle));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * The handles a text mentions, first appearance first, at most MAX_MENTIONS. A mention is "@"
 * not preceded by a letter, digit or dash (so an email address is none) followed by a handle;
 * it ends at the first character that cannot continue a handle, so "@rina-wulandari." and
 * "@rina-wulandari," mention rina-wulandari. Letter case is ignored: handles are lower-case.
 */
export function mentionedHandles(text: string): string[] {
  const found: string[] = [];
  for (const m of text.toLowerCase().matchAll(/(?<![a-z0-9-])@([a-z0-9]+(?:-[a-z0-9]+)*)/g)) {
    const handle = m[1].slice(0, HANDLE_MAX);
    if (handle.length >= HANDLE_MIN && !found.includes(handle)) found.push(handle);
    if (found.length === MAX_MENTIONS) break;
  }
  return found;
}
