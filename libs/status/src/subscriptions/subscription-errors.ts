import { DomainError, ValidationFailedError } from '@app/platform';

/** The closed list of codes the subscriptions part of the status lib throws. */
export type SubscriptionErrorCode =
  | 'invalid_email'
  | 'unknown_components'
  | 'invalid_webhook_url'
  | 'private_webhook_target'
  | 'invalid_subscriber_type'
  | 'invalid_webhook_secret'
  | 'subscriptions_unavailable'
  | 'subscriber_not_found';

export class SubscriptionInputError extends ValidationFailedError {
  constructor(code: SubscriptionErrorCode, field: string, message: string, details?: unknown) {
    super(message, { code, field, details, namespace: 'status' });
  }
}

/** E-mail subscriptions need SMTP_URL; without it the page does not offer them and the route says why. */
export class SubscriptionsUnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
  constructor() {
    super('subscriptions_unavailable', 'E-mail subscriptions are not offered here: the operator has not configured an SMTP server (SMTP_URL)', {
      namespace: 'status',
    });
  }
}

export class SubscriberNotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(id: string) {
    super('subscriber_not_found', `Subscriber '${id}' does not exist`, { field: 'id', namespace: 'status' });
  }
}
