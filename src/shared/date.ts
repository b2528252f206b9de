import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date as YYYY-MM-DD (2021-02-30 is not one), or null. */
export function parseCalendarDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] && +m[1] >= 1 ? value : null;
}

function coerce(value: unknown): string {
  const date = parseCalendarDate(value);
  if (date === null) {
    throw new GraphQLError(`is not a calendar date: expected YYYY-MM-DD, got ${JSON.stringify(value)?.slice(0, 40)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

/** Dates without a time (a follow-up's due date): a day in the calendar, not an instant. */
export const CalendarDate = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : coerce(value)),
  parseValue: coerce,
  parseLiteral: (ast) => coerce(ast.kind === Kind.STRING ? ast.value : undefined),
});
