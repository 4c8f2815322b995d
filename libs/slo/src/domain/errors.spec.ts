import { DomainError } from '@app/platform/core';
import {
  MetricLabelsRequiredError,
  OpenSloImportError,
  PrometheusQueryError,
  PrometheusResultError,
  PrometheusUnavailableError,
  SloError,
  SloNotFoundError,
  SloValidationError,
} from './errors';

describe('SLO domain errors', () => {
  it.each<[SloError, string, string, string | undefined]>([
    [new SloValidationError('window', 'window must be Nd'), 'validation_failed', 'validation', 'window'],
    [new OpenSloImportError([{ document: 0, path: 'spec', message: 'missing' }]), 'openslo_import_rejected', 'validation', undefined],
    [new PrometheusResultError('NaN'), 'prometheus_result_invalid', 'unavailable', undefined],
    [new PrometheusUnavailableError('timeout', 'slow'), 'prometheus_unavailable', 'unavailable', undefined],
    [new PrometheusQueryError('bad_data', 'parse error', 400), 'prometheus_query_failed', 'unavailable', undefined],
    [new SloNotFoundError('abc'), 'slo_not_found', 'not_found', undefined],
    [new MetricLabelsRequiredError('indicator.total', 'lacks team="payments"'), 'metric_labels_required', 'forbidden', 'indicator.total'],
  ])('%s is a DomainError of namespace slo with code %s, kind %s, field %s', (error, code, kind, field) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(code);
    expect(error.qualifiedCode).toBe(`slo.${code}`);
    expect(error.kind).toBe(kind);
    expect(error.field).toBe(field);
    expect(error.name).toBe(error.constructor.name);
  });

  it('keeps the cause and the import issues as details', () => {
    const cause = new Error('socket hang up');
    expect(new PrometheusUnavailableError('unreachable', 'down', { cause }).cause).toBe(cause);
    const issues = [{ document: 1, path: 'kind', message: 'unknown kind' }];
    expect(new OpenSloImportError(issues).details).toEqual(issues);
  });
});
