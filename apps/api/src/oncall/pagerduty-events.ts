import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@app/config';

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

export interface PagerDutyTrigger {
  readonly summary: string;
  readonly severity: 'critical' | 'error' | 'warning' | 'info';
  readonly source: string;
  readonly customDetails?: Record<string, unknown>;
}

export interface PagerDutyOutcome {
  /** `accepted`, `rejected` (4xx: nothing to retry) or `failed` (429/5xx/unreachable after the retries) */
  readonly outcome: 'accepted' | 'rejected' | 'failed';
  readonly detail: string;
  readonly attempts: number;
}

const ATTEMPTS = 4;
const BASE_BACKOFF_MS = 250;
const MAX_RETRY_AFTER_MS = 10_000;
const TIMEOUT_MS = 5_000;

/**
 * PagerDuty Events API v2 (`POST <PAGERDUTY_EVENTS_URL>/v2/enqueue`), the one
 * IO edge to PagerDuty. `dedup_key` is the incident id, so a retried trigger
 * is the same PagerDuty incident. Never throws: the outcome is returned.
 */
@Injectable()
export class PagerDutyEvents {
  constructor(private readonly config: AppConfig) {}

  async send(routingKey: string, action: PagerDutyAction, dedupKey: string, trigger?: PagerDutyTrigger): Promise<PagerDutyOutcome> {
    const body = {
      routing_key: routingKey,
      event_action: action,
      dedup_key: dedupKey,
      ...(action === 'trigger' && trigger
        ? {
            payload: {
              summary: trigger.summary.slice(0, 1024),
              severity: trigger.severity,
              source: trigger.source,
              ...(trigger.customDetails ? { custom_details: trigger.customDetails } : {}),
            },
          }
        : {}),
    };
    const url = new URL('/v2/enqueue', this.config.PAGERDUTY_EVENTS_URL).toString();
    let detail = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      let waitMs = BASE_BACKOFF_MS * 2 ** (attempt - 1);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        const text = await response.text().catch(() => '');
        if (response.status === 202 || response.ok) return { outcome: 'accepted', detail: `http ${response.status}`, attempts: attempt };
        detail = `http ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
        if (response.status !== 429 && response.status < 500) return { outcome: 'rejected', detail, attempts: attempt };
        const retryAfter = Number(response.headers.get('retry-after'));
        if (response.status === 429 && Number.isFinite(retryAfter) && retryAfter >= 0) waitMs = Math.min(MAX_RETRY_AFTER_MS, retryAfter * 1000);
      } catch (error) {
        detail = `unreachable: ${(error as Error).message}`;
      }
      if (attempt < ATTEMPTS) await sleep(waitMs);
    }
    return { outcome: 'failed', detail, attempts: ATTEMPTS };
  }
}
