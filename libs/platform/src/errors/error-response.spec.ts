import { DOMAIN_ERROR_KINDS, DomainError, DomainErrorKind, RateLimitedError, ValidationFailedError } from './domain-error';
import { asDomainError, domainErrorBody, httpStatusOf, reportInternalError } from './error-response';

class KindError extends DomainError {
  constructor(
    readonly kind: DomainErrorKind,
    field?: string,
  ) {
    super(`some_${kind}`, `a ${kind} error`, { field, namespace: 'test' });
  }
}

describe('httpStatusOf', () => {
  it.each<[DomainErrorKind, number]>([
    ['validation', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['unprocessable', 422],
    ['rate_limited', 429],
    ['unavailable', 503],
  ])('maps %s to %i', (kind, status) => {
    expect(httpStatusOf(kind)).toBe(status);
  });

  it('has a status for every kind, and only 4xx/503', () => {
    expect(DOMAIN_ERROR_KINDS).toHaveLength(8);
    for (const kind of DOMAIN_ERROR_KINDS) expect([400, 401, 403, 404, 409, 422, 429, 503]).toContain(httpStatusOf(kind));
  });

  it('refuses a kind outside the union (a value cast past the compiler)', () => {
    expect(() => httpStatusOf('teapot' as DomainErrorKind)).toThrow(/teapot/);
  });
});

describe('asDomainError', () => {
  it('recognises DomainErrors by class, never by shape', () => {
    const domain = new ValidationFailedError('bad', { field: 'slug' });
    expect(asDomainError(domain)).toBe(domain);
    const lookalike = Object.assign(new Error('looks like one'), { code: 'invalid_window', kind: 'validation', field: 'window' });
    expect(asDomainError(lookalike)).toBeUndefined();
    expect(asDomainError({ code: 'x', kind: 'validation', message: 'm' })).toBeUndefined();
  });
});

describe('domainErrorBody', () => {
  it('is { error: code, message, field } with details only when there are some', () => {
    expect(domainErrorBody(new KindError('conflict', 'slug'))).toEqual({ error: 'some_conflict', message: 'a conflict error', field: 'slug' });
    expect(domainErrorBody(new KindError('not_found'))).toEqual({ error: 'some_not_found', message: 'a not_found error' });
    expect(domainErrorBody(new RateLimitedError('slow down', 3))).toEqual({ error: 'rate_limited', message: 'slow down', details: { retryAfterSeconds: 3 } });
  });

  it('namespaces the code per lib for logs (qualifiedCode) without changing the wire code', () => {
    const error = new KindError('validation', 'name');
    expect(error.qualifiedCode).toBe('test.some_validation');
    expect(new ValidationFailedError('bad').qualifiedCode).toBe('common.validation_failed');
    expect(error.name).toBe('KindError');
  });
});

describe('reportInternalError', () => {
  it('logs the cause with a fresh error id and the request id, and answers a generic body quoting the error id', () => {
    const logged: Array<[Record<string, unknown>, string]> = [];
    const cause = new TypeError('secret detail');
    const report = reportInternalError({ error: (context, message) => logged.push([context, message]) }, cause, { requestId: 'req-1', url: '/x' });
    expect(report.status).toBe(500);
    expect(report.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.body).toEqual({ error: 'internal_error', message: expect.stringContaining(report.errorId), errorId: report.errorId });
    expect(report.body.message).not.toContain('secret detail');
    expect(logged).toHaveLength(1);
    expect(logged[0][0]).toEqual({ errorId: report.errorId, requestId: 'req-1', err: cause });
    expect(logged[0][1]).toContain('/x');
  });
});
