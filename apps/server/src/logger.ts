import pino from 'pino';

export type Logger = pino.Logger;

/** JSON logs; secrets are redacted wherever they could appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'req.headers.authorization',
        'req.headers.cookie',
        '*.apiKey',
        '*.accessToken',
        '*.authToken',
        '*.secret',
        '*.appSecret',
        '*.botToken',
      ],
      censor: '[redacted]',
    },
  });
}
