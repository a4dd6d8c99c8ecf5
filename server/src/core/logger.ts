import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Secrets and personal data are redacted by path as a
 * second line of defence; the first is never putting them in log calls at all.
 */
export const REDACT_PATHS = [
  'session_key',
  '*.session_key',
  'sessionKey',
  '*.sessionKey',
  'password',
  '*.password',
  'phone',
  '*.phone',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'huiyuan' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
