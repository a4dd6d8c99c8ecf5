import { ERRORS, type ErrorCode } from '@huiyuan/shared';

/**
 * An error meant for the client: stable code, HTTP status from the code table,
 * and `expose` so the error middleware knows the message is safe to show.
 */
export class AppError extends Error {
  readonly status: number;
  readonly expose = true;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
