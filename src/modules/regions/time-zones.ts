import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { regions } from '../../db/schema.js';
import { BadInputError } from '../../errors.js';

export const WIB = 'Asia/Jakarta';
export const WITA = 'Asia/Makassar';
export const WIT = 'Asia/Jayapura';

/**
 * Indonesia's three zones by Kemendagri province code (the first two digits of every region
 * code below it). Provinces not listed (Sumatra, Java, West and Central Kalimantan) are WIB.
 */
const ZONE_BY_PROVINCE_CODE: Record<string, string> = {
  // WITA: Bali, Nusa Tenggara, South/East/North Kalimantan, Sulawesi.
  '51': WITA,
  '52': WITA,
  '53': WITA,
  '63': WITA,
  '64': WITA,
  '65': WITA,
  '71': WITA,
  '72': WITA,
  '73': WITA,
  '74': WITA,
  '75': WITA,
  '76': WITA,
  // WIT: Maluku and the Papua provinces.
  '81': WIT,
  '82': WIT,
  '91': WIT,
  '92': WIT,
  '93': WIT,
  '94': WIT,
  '95': WIT,
  '96': WIT,
};

// For provinces whose code was not recorded.
const ZONE_BY_PROVINCE_NAME: Record<string, string> = {
  bali: WITA,
  'nusa tenggara barat': WITA,
  'nusa tenggara timur': WITA,
  'kalimantan selatan': WITA,
  'kalimantan timur': WITA,
  'kalimantan utara': WITA,
  'sulawesi utara': WITA,
  'sulawesi tengah': WITA,
  'sulawesi selatan': WITA,
  'sulawesi tenggara': WITA,
  gorontalo: WITA,
  'sulawesi barat': WITA,
  maluku: WIT,
  'maluku utara': WIT,
  papua: WIT,
  'papua barat': WIT,
  'papua selatan': WIT,
  'papua tengah': WIT,
  'papua pegunungan': WIT,
  'papua barat daya': WIT,
};

/** The zone of a province, from its code or else its name. */
export function provinceZone(province: { code: string | null; name: string }): string {
  const byCode = province.code ? ZONE_BY_PROVINCE_CODE[province.code.slice(0, 2)] : undefined;
  return byCode ?? ZONE_BY_PROVINCE_NAME[province.name.trim().toLowerCase()] ?? WIB;
}

/** The zone of any region, derived from its province; null when the region is not found. */
export async function regionZone(q: Queryable, regionId: string): Promise<string | null> {
  const { rows } = (await q.execute(sql`with recursive up(id, parent_id, level, name, code) as (
      select id, parent_id, level, name, code from ${regions} where id = ${regionId}
      union all
      select r.id, r.parent_id, r.level, r.name, r.code from ${regions} r join up on r.id = up.parent_id
    ) select level, name, code from up where parent_id is null`)) as unknown as { rows: { level: string; name: string; code: string | null }[] };
  if (!rows[0]) return null;
  // A tree whose top is not a province (a district entered alone) still has a code to go by.
  return provinceZone(rows[0]);
}

/** An IANA zone name as the runtime knows it (canonical spelling), or BAD_USER_INPUT. */
export function assertTimeZone(zone: string, field = 'timeZone'): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    throw new BadInputError(field, `${JSON.stringify(zone.slice(0, 64))} is not a known IANA time zone, e.g. Asia/Makassar`);
  }
}
