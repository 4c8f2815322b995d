import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationFailedError } from './domain-error';

class PureLibError extends DomainError {
  readonly kind = 'validation' as const;
  constructor(message: string) {
    super('invalid_window', message, { field: 'window', namespace: 'slo' });
  }
}

/** Shaped like a domain error but not one: the filter recognises errors by class only. */
class LookalikeError extends Error {
  readonly code = 'invalid_window';
  readonly kind = 'validation';
  readonly field = 'window';
}

describe('AllExceptionsFilter.toResponse', () => {
  const filter = new AllExceptionsFilter();
  // The 500 path logs the cause; keep test output quiet but make sure it is called.
  const logged: unknown[] = [];
  (filter as unknown as { logger: { error: (...args: unknown[]) => void; warn: () => void } }).logger = {
    error: (...args) => logged.push(args),
    warn: () => undefined,
  };

  it.each([
    [new ValidationFailedError('slug is bad', { field: 'slug' }), 400, { error: 'validation_failed', message: 'slug is bad', field: 'slug' }],
    [new NotFoundError('Team', 'x'), 404, { error: 'team_not_found', message: "Team 'x' does not exist" }],
    [new ConflictError('team_exists', 'exists', { field: 'slug' }), 409, { error: 'team_exists', message: 'exists', field: 'slug' }],
    [new ForbiddenError(), 403, { error: 'forbidden', message: expect.any(String) }],
    [new UnauthorizedError(), 401, { error: 'unauthorized', message: expect.any(String) }],
    [new PureLibError('window must be Nd'), 400, { error: 'invalid_window', message: 'window must be Nd', field: 'window' }],
    [new NotFoundException('Cannot GET /x'), 404, { error: 'not_found', message: 'Cannot GET /x' }],
    [new PayloadTooLargeException(), 413, { error: 'payload_too_large', message: expect.any(String) }],
    [
      new BadRequestException('Unexpected token', { cause: new SyntaxError('Unexpected token') }),
      400,
      { error: 'malformed_json', message: expect.stringContaining('JSON') },
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      503,
      { error: 'database_unavailable', message: expect.any(String) },
    ],
  ])('maps %p to %i', (exception, status, body) => {
    const response = filter.toResponse(exception);
    expect(response.status).toBe(status);
    expect(response.body).toEqual(body);
  });

  it('takes the 500 path for an error that only looks like a domain error', () => {
    const response = filter.toResponse(new LookalikeError('window must be Nd'), 'req-7');
    expect(response.status).toBe(500);
    expect(response.body.error).toBe('internal_error');
    expect((logged.at(-1) as [{ requestId: unknown }])[0].requestId).toBe('req-7');
  });

  it('turns an unknown error into a 500 with an error id that is logged with the cause', () => {
    const cause = new TypeError('undefined is not a function');
    const response = filter.toResponse(cause);
    expect(response.status).toBe(500);
    expect(response.body.error).toBe('internal_error');
    expect(response.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.message).not.toContain('undefined is not a function');
    expect(JSON.stringify(logged.at(-1))).toContain(response.body.errorId as string);
    expect((logged.at(-1) as [{ err: unknown }])[0].err).toBe(cause);
  });
});
