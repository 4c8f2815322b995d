/**
 * Start-up failures that need the operator to change a setting, each with a
 * message of one line naming the cause and the variable to change.
 */
export class DatabaseStartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseStartupError';
  }
}

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  errno?: unknown;
  address?: unknown;
  port?: unknown;
  cause?: unknown;
  driverError?: unknown;
}

/** The one line to print for an error that stopped start-up (never "undefined"). */
export function explainStartupError(error: unknown): string {
  if (error instanceof DatabaseStartupError) return error.message;
  for (let current: unknown = error, depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const fields = current as ErrorFields;
    if (fields.code === '28P01' || fields.code === '28000') {
      return `PostgreSQL refused the credentials (${String(fields.message ?? 'authentication failed')}): fix the user and password in DATABASE_URL`;
    }
    if (fields.code === '3D000') {
      return `PostgreSQL has no such database (${String(fields.message ?? '')}): fix the database name in DATABASE_URL or create it`;
    }
    if (fields.code === 'ECONNREFUSED' || fields.code === 'ENOTFOUND' || fields.code === 'EHOSTUNREACH') {
      return `cannot reach PostgreSQL (${String(fields.code)}${fields.address ? ` ${String(fields.address)}${fields.port ? `:${String(fields.port)}` : ''}` : ''}): check DATABASE_URL, or unset it to use the embedded PostgreSQL`;
    }
    current = fields.driverError ?? fields.cause;
  }
  if (error instanceof Error) return error.message || error.name;
  if (error === undefined || error === null) return 'an unknown error (nothing was thrown with it); run with LOG_LEVEL=debug for details';
  return String(error);
}
