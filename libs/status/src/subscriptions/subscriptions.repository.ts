import { Injectable } from '@nestjs/common';
import type { SqlRunner } from '../read-model/sql-runner';
import { isNotificationKind, type NotificationEvent, type NotificationPayload } from './notification-message';

/**
 * The database the subscriptions code runs its SQL on: the API binds
 * TypeORM's DataSource, the status page a lazy `pg` pool (it has no TypeORM).
 */
export abstract class SubscriptionsSql implements SqlRunner {
  abstract query(sql: string, parameters?: unknown[]): Promise<unknown[]>;
}

type Row = Record<string, unknown>;

export type SubscriberType = 'email' | 'webhook';

export interface SubscriberRecord {
  readonly id: string;
  readonly type: SubscriberType;
  readonly email: string | null;
  readonly url: string | null;
  readonly componentIds: string[];
  readonly confirmedAt: Date | null;
  readonly consecutiveFailures: number;
  readonly disabledAt: Date | null;
  readonly disabledReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One delivery the sender claimed: the subscriber's address and, for notifications, the event. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly kind: 'confirmation' | 'notification';
  readonly channel: SubscriberType;
  readonly attempts: number;
  readonly subscriberId: string;
  readonly email: string | null;
  readonly url: string | null;
  readonly secret: string | null;
  /** What the confirmation mail lists: the pending choice of a confirmed subscriber, else the current one. */
  readonly confirmationComponentIds: string[];
  readonly event: NotificationEvent | null;
  /** False when the incident was made non-public after the event: such a notification is cancelled, never sent. */
  readonly stillPublic: boolean;
  readonly subscriberDisabled: boolean;
}

export interface DeliveryFailure {
  readonly id: string;
  readonly error: string;
  readonly nextAttemptAt: Date;
  readonly giveUp: boolean;
}

const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const asDateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : asDate(value));
const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

function toSubscriber(row: Row): SubscriberRecord {
  return {
    id: String(row.id),
    type: row.type === 'webhook' ? 'webhook' : 'email',
    email: row.email === null ? null : String(row.email),
    url: row.url === null ? null : String(row.url),
    componentIds: asStrings(row.component_ids),
    confirmedAt: asDateOrNull(row.confirmed_at),
    consecutiveFailures: Number(row.consecutive_failures ?? 0),
    disabledAt: asDateOrNull(row.disabled_at),
    disabledReason: row.disabled_reason === null || row.disabled_reason === undefined ? null : String(row.disabled_reason),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  };
}

const SUBSCRIBER_COLUMNS = 'id, type, email, url, component_ids, confirmed_at, consecutive_failures, disabled_at, disabled_reason, created_at, updated_at';

/** Every SQL statement of subscriptions, the outbox and the sender. Each write is one statement (atomic on its own). */
@Injectable()
export class SubscriptionsRepository {
  constructor(private readonly db: SubscriptionsSql) {}

  async listComponents(): Promise<Array<{ id: string; name: string }>> {
    const rows = (await this.db.query(`SELECT id, name FROM status_components ORDER BY position, name, id`)) as Row[];
    return rows.map((row) => ({ id: String(row.id), name: String(row.name) }));
  }

  /**
   * Creates the e-mail subscriber or changes its choice: an unconfirmed one
   * takes the new components at once; a confirmed one keeps its current
   * choice until the new one is confirmed from the mailbox (nobody else can
   * narrow what an address hears). `needsConfirmation`: a mail is owed.
   */
  async upsertEmailSubscriber(email: string, componentIds: readonly string[], now: Date): Promise<{ id: string; needsConfirmation: boolean }> {
    const rows = (await this.db.query(
      `INSERT INTO status_subscribers (type, email, component_ids, created_at, updated_at) VALUES ('email', $1, $2::varchar[], $3, $3)
       ON CONFLICT (email) WHERE type = 'email' DO UPDATE SET
         component_ids = CASE WHEN status_subscribers.confirmed_at IS NULL THEN EXCLUDED.component_ids ELSE status_subscribers.component_ids END,
         pending_component_ids = CASE WHEN status_subscribers.confirmed_at IS NOT NULL AND status_subscribers.component_ids IS DISTINCT FROM EXCLUDED.component_ids
                                      THEN EXCLUDED.component_ids ELSE NULL END,
         updated_at = EXCLUDED.updated_at
       RETURNING id, (confirmed_at IS NULL OR pending_component_ids IS NOT NULL) AS needs_confirmation`,
      [email, componentIds, now],
    )) as Row[];
    return { id: String(rows[0].id), needsConfirmation: Boolean(rows[0].needs_confirmation) };
  }

  /** Queues a confirmation mail unless one was queued for this subscriber less than `minIntervalMs` ago. */
  async queueConfirmationMail(subscriberId: string, now: Date, minIntervalMs: number): Promise<boolean> {
    const rows = (await this.db.query(
      `WITH allowed AS (
         UPDATE status_subscribers SET confirmation_requested_at = $2
          WHERE id = $1 AND (confirmation_requested_at IS NULL OR confirmation_requested_at <= $3)
          RETURNING id),
       superseded AS (
         UPDATE status_notification_outbox SET state = 'cancelled', claimed_until = NULL
          WHERE subscriber_id IN (SELECT id FROM allowed) AND kind = 'confirmation' AND state = 'pending')
       INSERT INTO status_notification_outbox (subscriber_id, kind, channel, next_attempt_at, created_at)
       SELECT id, 'confirmation', 'email', $2, $2 FROM allowed RETURNING id`,
      [subscriberId, now, new Date(now.getTime() - minIntervalMs)],
    )) as Row[];
    return rows.length > 0;
  }

  /** Applies a confirmation link: 'confirmed', or why not ('expired', 'invalid' — unknown, forged or used). Nothing changes unless confirmed. */
  async confirm(tokenHash: string, now: Date): Promise<{ result: 'confirmed'; email: string; componentIds: string[] } | { result: 'expired' | 'invalid' }> {
    const rows = (await this.db.query(
      `UPDATE status_subscribers
          SET confirmed_at = coalesce(confirmed_at, $2), component_ids = coalesce(pending_component_ids, component_ids),
              pending_component_ids = NULL, confirm_token_hash = NULL, confirm_token_expires_at = NULL, updated_at = $2
        WHERE confirm_token_hash = $1 AND confirm_token_expires_at > $2
        RETURNING email, component_ids`,
      [tokenHash, now],
    )) as Row[];
    if (rows.length > 0) return { result: 'confirmed', email: String(rows[0].email), componentIds: asStrings(rows[0].component_ids) };
    const expired = (await this.db.query(`SELECT 1 FROM status_subscribers WHERE confirm_token_hash = $1`, [tokenHash])) as Row[];
    return { result: expired.length > 0 ? 'expired' : 'invalid' };
  }

  /** The address an unsubscribe link (from one notification) belongs to, or null. */
  async findByUnsubscribeToken(tokenHash: string): Promise<{ email: string | null } | null> {
    const rows = (await this.db.query(
      `SELECT s.email FROM status_notification_outbox o JOIN status_subscribers s ON s.id = o.subscriber_id WHERE o.unsubscribe_token_hash = $1`,
      [tokenHash],
    )) as Row[];
    return rows.length > 0 ? { email: rows[0].email === null ? null : String(rows[0].email) } : null;
  }

  /** Deletes the subscriber an unsubscribe link belongs to (and its outbox rows); null when the link is unknown or already used. */
  async unsubscribe(tokenHash: string): Promise<{ email: string | null } | null> {
    const rows = (await this.db.query(
      `DELETE FROM status_subscribers s USING status_notification_outbox o
        WHERE o.unsubscribe_token_hash = $1 AND s.id = o.subscriber_id RETURNING s.email`,
      [tokenHash],
    )) as Row[];
    return rows.length > 0 ? { email: rows[0].email === null ? null : String(rows[0].email) } : null;
  }

  async createWebhookSubscriber(url: string, secret: string, componentIds: readonly string[], now: Date): Promise<SubscriberRecord> {
    const rows = (await this.db.query(
      `INSERT INTO status_subscribers (type, url, secret, component_ids, created_at, updated_at) VALUES ('webhook', $1, $2, $3::varchar[], $4, $4)
       RETURNING ${SUBSCRIBER_COLUMNS}`,
      [url, secret, componentIds, now],
    )) as Row[];
    return toSubscriber(rows[0]);
  }

  async listSubscribers(type: SubscriberType | undefined, limit: number, offset: number): Promise<{ items: SubscriberRecord[]; total: number }> {
    const rows = (await this.db.query(
      `SELECT ${SUBSCRIBER_COLUMNS}, count(*) OVER () AS total FROM status_subscribers
        WHERE ($1::varchar IS NULL OR type = $1) ORDER BY created_at, id LIMIT $2 OFFSET $3`,
      [type ?? null, limit, offset],
    )) as Row[];
    const total =
      rows.length > 0
        ? Number(rows[0].total)
        : Number(
            ((await this.db.query(`SELECT count(*) AS total FROM status_subscribers WHERE ($1::varchar IS NULL OR type = $1)`, [type ?? null])) as Row[])[0]
              .total,
          );
    return { items: rows.map(toSubscriber), total };
  }

  async getSubscriber(id: string): Promise<SubscriberRecord | null> {
    const rows = (await this.db.query(`SELECT ${SUBSCRIBER_COLUMNS} FROM status_subscribers WHERE id = $1`, [id])) as Row[];
    return rows.length > 0 ? toSubscriber(rows[0]) : null;
  }

  async deleteSubscriber(id: string): Promise<SubscriberRecord | null> {
    const rows = (await this.db.query(`DELETE FROM status_subscribers WHERE id = $1 RETURNING ${SUBSCRIBER_COLUMNS}`, [id])) as Row[];
    return rows.length > 0 ? toSubscriber(rows[0]) : null;
  }

  async existingComponentIds(): Promise<Set<string>> {
    const rows = (await this.db.query(`SELECT id FROM status_components`)) as Row[];
    return new Set(rows.map((row) => String(row.id)));
  }

  /**
   * Turns the oldest event not yet fanned out into one outbox row per
   * subscriber who wants it (confirmed e-mail, enabled webhooks, matching
   * components), in one statement; the unique (event, subscriber) key makes
   * a repeat harmless. Returns null when no event was waiting.
   */
  async fanOutNextEvent(now: Date): Promise<{ eventId: string; deliveries: number } | null> {
    const rows = (await this.db.query(
      `WITH event AS (
         SELECT id, component_ids FROM status_notification_events WHERE fanned_out_at IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED),
       queued AS (
         INSERT INTO status_notification_outbox (subscriber_id, event_id, kind, channel, next_attempt_at, created_at)
         SELECT s.id, event.id, 'notification', s.type, $1, $1 FROM event JOIN status_subscribers s
             ON s.disabled_at IS NULL AND (s.type = 'webhook' OR s.confirmed_at IS NOT NULL)
            AND (cardinality(s.component_ids) = 0 OR cardinality(event.component_ids) = 0 OR s.component_ids && event.component_ids)
         ON CONFLICT (event_id, subscriber_id) DO NOTHING RETURNING 1),
       done AS (
         UPDATE status_notification_events e SET fanned_out_at = $1 FROM event WHERE e.id = event.id RETURNING e.id)
       SELECT (SELECT id FROM done) AS event_id, (SELECT count(*) FROM queued) AS deliveries`,
      [now],
    )) as Row[];
    if (rows.length === 0 || rows[0].event_id === null) return null;
    return { eventId: String(rows[0].event_id), deliveries: Number(rows[0].deliveries) };
  }

  /**
   * Claims up to `limit` due deliveries for this sender until `leaseUntil`
   * (FOR UPDATE SKIP LOCKED: two senders never claim the same row; a row
   * whose sender died is due again once its lease ran out).
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
    const rows = (await this.db.query(
      `WITH due AS (
         SELECT id FROM status_notification_outbox
          WHERE state = 'pending' AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
          ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE status_notification_outbox o SET claimed_until = $2, attempts = o.attempts + 1 FROM due WHERE o.id = due.id
         RETURNING o.id, o.subscriber_id, o.event_id, o.kind, o.channel, o.attempts)
       SELECT c.id, c.kind, c.channel, c.attempts, c.subscriber_id, s.email, s.url, s.secret,
              coalesce(s.pending_component_ids, s.component_ids) AS confirmation_component_ids, s.disabled_at,
              e.id AS event_id, e.kind AS event_kind, e.payload, e.occurred_at,
              (e.id IS NULL OR e.subject_type <> 'incident'
                 OR EXISTS (SELECT 1 FROM incidents i WHERE i.id::text = e.subject_id AND i.visibility = 'public')) AS still_public
         FROM claimed c JOIN status_subscribers s ON s.id = c.subscriber_id
         LEFT JOIN status_notification_events e ON e.id = c.event_id
        ORDER BY c.id`,
      [now, leaseUntil, limit],
    )) as Row[];
    return rows.map((row): ClaimedDelivery => {
      const kind = isNotificationKind(row.event_kind) ? row.event_kind : null;
      return {
        id: String(row.id),
        kind: row.kind === 'confirmation' ? 'confirmation' : 'notification',
        channel: row.channel === 'webhook' ? 'webhook' : 'email',
        attempts: Number(row.attempts),
        subscriberId: String(row.subscriber_id),
        email: row.email === null ? null : String(row.email),
        url: row.url === null ? null : String(row.url),
        secret: row.secret === null ? null : String(row.secret),
        confirmationComponentIds: asStrings(row.confirmation_component_ids),
        event:
          row.event_id === null || kind === null
            ? null
            : {
                id: String(row.event_id),
                kind,
                occurredAt: asDate(row.occurred_at),
                payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as NotificationPayload,
              },
        stillPublic: Boolean(row.still_public),
        subscriberDisabled: row.disabled_at !== null,
      };
    });
  }

  /** Written before the mails go out, so a link works the moment it arrives. */
  async setUnsubscribeTokens(deliveryIds: readonly string[], tokenHashes: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db.query(
      `UPDATE status_notification_outbox o SET unsubscribe_token_hash = t.hash
         FROM unnest($1::bigint[], $2::char(64)[]) AS t(id, hash) WHERE o.id = t.id`,
      [deliveryIds, tokenHashes],
    );
  }

  /** A confirmation mail's link replaces any earlier one of the subscriber. */
  async setConfirmToken(subscriberId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.query(`UPDATE status_subscribers SET confirm_token_hash = $2, confirm_token_expires_at = $3 WHERE id = $1`, [
      subscriberId,
      tokenHash,
      expiresAt,
    ]);
  }

  async markSent(deliveryIds: readonly string[], now: Date): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db.query(
      `UPDATE status_notification_outbox SET state = 'sent', sent_at = $2, claimed_until = NULL, last_error = NULL WHERE id = ANY($1::bigint[])`,
      [deliveryIds, now],
    );
  }

  async markFailed(failures: readonly DeliveryFailure[]): Promise<void> {
    if (failures.length === 0) return;
    await this.db.query(
      `UPDATE status_notification_outbox o
          SET state = CASE WHEN f.give_up THEN 'failed' ELSE 'pending' END, next_attempt_at = f.next_at, claimed_until = NULL, last_error = f.error
         FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::boolean[]) AS f(id, error, next_at, give_up)
        WHERE o.id = f.id`,
      [failures.map((f) => f.id), failures.map((f) => f.error.slice(0, 1000)), failures.map((f) => f.nextAttemptAt), failures.map((f) => f.giveUp)],
    );
  }

  async cancel(deliveryIds: readonly string[], reason: string): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db.query(`UPDATE status_notification_outbox SET state = 'cancelled', claimed_until = NULL, last_error = $2 WHERE id = ANY($1::bigint[])`, [
      deliveryIds,
      reason,
    ]);
  }

  async recordWebhookSuccess(subscriberIds: readonly string[], now: Date): Promise<void> {
    if (subscriberIds.length === 0) return;
    await this.db.query(`UPDATE status_subscribers SET consecutive_failures = 0, updated_at = $2 WHERE id = ANY($1::uuid[]) AND consecutive_failures <> 0`, [
      subscriberIds,
      now,
    ]);
  }

  /**
   * Counts a failed delivery against a webhook; at `maxFailures` in a row it
   * is disabled and its pending deliveries are cancelled. Returns true when
   * this call disabled it.
   */
  async recordWebhookFailure(subscriberId: string, maxFailures: number, reason: string, now: Date): Promise<boolean> {
    const rows = (await this.db.query(
      `WITH counted AS (
         UPDATE status_subscribers SET consecutive_failures = consecutive_failures + 1, updated_at = $4,
                disabled_at = CASE WHEN disabled_at IS NULL AND consecutive_failures + 1 >= $2 THEN $4 ELSE disabled_at END,
                disabled_reason = CASE WHEN disabled_at IS NULL AND consecutive_failures + 1 >= $2 THEN $3 ELSE disabled_reason END
          WHERE id = $1 AND type = 'webhook'
          RETURNING id, (disabled_at = $4) AS disabled_now),
       cancelled AS (
         UPDATE status_notification_outbox SET state = 'cancelled', claimed_until = NULL, last_error = 'subscriber disabled'
          WHERE subscriber_id IN (SELECT id FROM counted WHERE disabled_now) AND state = 'pending')
       SELECT disabled_now FROM counted`,
      [subscriberId, maxFailures, `disabled after ${maxFailures} failed deliveries in a row; last: ${reason}`.slice(0, 1000), now],
    )) as Row[];
    return rows.length > 0 && Boolean(rows[0].disabled_now);
  }

  /** Deliveries waiting to go out (not yet sent, not given up), by channel. */
  async pendingCounts(): Promise<Record<SubscriberType, number>> {
    const rows = (await this.db.query(`SELECT channel, count(*) AS pending FROM status_notification_outbox WHERE state = 'pending' GROUP BY channel`)) as Row[];
    const counts: Record<SubscriberType, number> = { email: 0, webhook: 0 };
    for (const row of rows) if (row.channel === 'email' || row.channel === 'webhook') counts[row.channel] = Number(row.pending);
    return counts;
  }

  /** Events recorded but not yet fanned out. */
  async unfannedEvents(): Promise<number> {
    const rows = (await this.db.query(`SELECT count(*) AS waiting FROM status_notification_events WHERE fanned_out_at IS NULL`)) as Row[];
    return Number(rows[0].waiting);
  }
}
