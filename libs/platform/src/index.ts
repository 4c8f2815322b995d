export {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
  ValidationFailedError,
} from './errors/domain-error';
export type { DomainErrorKind } from './errors/domain-error';
export { AllExceptionsFilter } from './errors/all-exceptions.filter';
export { asDomainError, STATUS_BY_KIND } from './errors/error-response';
export type { ErrorResponseBody } from './errors/error-response';
export { isDatabaseUnavailable } from './errors/database-unavailable';
export { isUniqueViolation } from './errors/unique-violation';
export { configureHttpApp } from './http/configure-app';
export { isDraining, startDraining } from './http/draining';
export { drainAndClose, type DrainOptions, handleShutdownSignals } from './http/graceful-shutdown';
export { installAheadOfExpress } from './http/ahead-of-express';
export type { AheadOfExpressHandler } from './http/ahead-of-express';
export type { Page, PageRequest } from './http/pagination';
export { IS_PUBLIC, Public } from './http/public.decorator';
export { createValidationPipe } from './http/validation';
export { LoggingModule } from './logging/logging.module';
export { MetricsModule } from './metrics/metrics.module';
export { MetricsRegistry } from './metrics/metrics.registry';
export { PlatformModule } from './platform.module';
export { Clock, FixedClock } from './time/clock';
export { registerSkippingInterval } from './scheduling/skipping-interval';
export type { SkippingInterval } from './scheduling/skipping-interval';
export { findUnsafeText, isUnsafeText, unsafePathSegment } from './http/text-hygiene';
export { RateLimitedError } from './errors/domain-error';
