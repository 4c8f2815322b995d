import type { SubscriberRecord } from '@app/status';

/** A subscriber as the admin API shows it (never its secret after creation, never token hashes). */
export function presentSubscriber(subscriber: SubscriberRecord) {
  return {
    id: subscriber.id,
    type: subscriber.type,
    ...(subscriber.type === 'email' ? { email: subscriber.email } : { url: subscriber.url }),
    components: subscriber.componentIds,
    confirmed: subscriber.type === 'webhook' || subscriber.confirmedAt !== null,
    confirmedAt: subscriber.confirmedAt?.toISOString() ?? null,
    failureCount: subscriber.consecutiveFailures,
    disabled: subscriber.disabledAt !== null,
    disabledAt: subscriber.disabledAt?.toISOString() ?? null,
    disabledReason: subscriber.disabledReason,
    createdAt: subscriber.createdAt.toISOString(),
    updatedAt: subscriber.updatedAt.toISOString(),
  };
}
