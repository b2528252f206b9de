import { pino, stdSerializers, type DestinationStream, type Logger as Pino } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Secrets that must never reach a log line, whatever a call site passes: bearer tokens in
 * headers, passwords and tokens in variables or connection params. A second line of defence:
 * access lines are built from chosen fields and never carry these in the first place.
 */
export const REDACTED_PATHS = [
  'authorization',
  'password',
  'token',
  'authToken',
  '*.authorization',
  '*.password',
  '*.token',
  '*.authToken',
  'headers.authorization',
  'req.headers.authorization',
  'variables.input.password',
  'variables.password',
  'connectionParams.authToken',
];

function wrap(p: Pino): Logger {
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
  };
}

/**
 * pino, one JSON object per line (stderr unless `destination` is given), so logs can be shipped
 * and grepped as they are. `err` fields keep their `cause` chain: drizzle wraps the driver's
 * error, and the PostgreSQL code and detail are only on the cause.
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const p = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.errWithCause },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
  return wrap(p);
}
