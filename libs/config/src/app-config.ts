import { join } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { emptyToUndefined, toBool, toInt } from './env-transforms';
import { describeConfigErrors, InvalidConfigError } from './invalid-config-error';

export { InvalidConfigError };

/**
 * The one validated configuration schema. Every variable Ballast reads is a
 * property here; nothing else in the code base reads `process.env`.
 */
export class EnvironmentSchema {
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// or postgresql:// connection URL' })
  DATABASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsString()
  DATA_DIR: string = './.data';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer port' })
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT: number = 54329;

  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  PROMETHEUS_URL: string = 'http://127.0.0.1:9090';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer port' })
  @Min(0)
  @Max(65535)
  API_PORT: number = 3000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer port' })
  @Min(0)
  @Max(65535)
  STATUS_PAGE_PORT: number = 3001;

  @Transform(emptyToUndefined)
  @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  API_ADMIN_TOKEN?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^xoxb-/, { message: 'must be a bot token starting with xoxb-' })
  SLACK_BOT_TOKEN?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(8)
  SLACK_SIGNING_SECRET?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^xapp-/, { message: 'must be an app-level token starting with xapp-' })
  SLACK_APP_TOKEN?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  SLACK_API_URL?: string;

  @Transform(emptyToUndefined)
  @Matches(/^\/[a-z0-9_-]+$/, { message: 'must be a slash command such as /incident' })
  SLACK_COMMAND: string = '/incident';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(1)
  @Max(3600)
  SLO_EVAL_INTERVAL_S: number = 60;

  /** Once the last good SLO figures are this old and Prometheus still fails, the SLO reads `stale` instead of `error`. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(1)
  @Max(86400)
  SLO_STALE_AFTER_S: number = 300;

  /** Prometheus requests one replica's SLO evaluation has in flight (each evaluates up to 10 SLOs in steady state). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(64)
  SLO_EVAL_CONCURRENCY: number = 4;

  /** Days of SLO evaluation history kept (older than 2 days it is thinned to one evaluation per hour). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of days' })
  @Min(1)
  @Max(3650)
  SLO_HISTORY_RETENTION_DAYS: number = 400;

  /** Time limit of one Prometheus HTTP request (queries of SLO evaluations, backfills and selector checks). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100)
  @Max(300000)
  PROMETHEUS_TIMEOUT_MS: number = 10000;

  /** Minutes without an update before an open SEV1 incident's channel gets a reminder; 0 turns reminders off for that severity. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes (0 = never)' })
  @Min(0)
  @Max(10080)
  REMINDER_SEV1_MIN: number = 15;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes (0 = never)' })
  @Min(0)
  @Max(10080)
  REMINDER_SEV2_MIN: number = 30;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes (0 = never)' })
  @Min(0)
  @Max(10080)
  REMINDER_SEV3_MIN: number = 60;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes (0 = never)' })
  @Min(0)
  @Max(10080)
  REMINDER_SEV4_MIN: number = 0;

  /** How often the scheduler looks for incidents owing a reminder. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(5)
  @Max(3600)
  REMINDER_CHECK_INTERVAL_S: number = 60;

  /** How often the Slack side of incidents that Slack failed for (channel, invite, headline) is retried. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(5)
  @Max(3600)
  SLACK_RETRY_INTERVAL_S: number = 60;

  /** How long an incident's row must have been untouched before the retry job redoes its Slack side (its first attempt may still be waiting on Retry-After). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(5)
  @Max(86400)
  SLACK_RETRY_IDLE_S: number = 120;

  /** How often the scheduler checks whether the weekly digest is due. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(5)
  @Max(3600)
  DIGEST_CHECK_INTERVAL_S: number = 600;

  @Transform(emptyToUndefined)
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @Transform(emptyToUndefined)
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 100kb or 1mb' })
  HTTP_BODY_LIMIT: string = '256kb';

  /**
   * Which proxies' X-Forwarded-* headers are believed (Express `trust proxy`):
   * `loopback` (default), `false`, `true`, a hop count, or a comma-separated
   * list of addresses/CIDRs. Decides whether a request counts as HTTPS (the
   * dashboard cookie is then `Secure`).
   */
  @Transform(emptyToUndefined)
  @Matches(/^(true|false|\d{1,2}|[0-9A-Za-z.:/, _-]{1,500})$/, {
    message: 'must be true, false, a hop count, or a comma-separated list of addresses, CIDRs or loopback/linklocal/uniquelocal',
  })
  TRUST_PROXY: string = 'loopback';

  /** An SLO selector matching more series than this (checked with Prometheus when it is saved) is refused with 400. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of series' })
  @Min(1)
  SLO_MAX_SERIES: number = 10000;

  /** POST /api/v1/slos/:id/evaluate per token and minute (429 with Retry-After beyond). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of requests' })
  @Min(1)
  @Max(10000)
  SLO_EVALUATE_PER_MINUTE: number = 6;

  /**
   * When set (e.g. `team`), every team without its own metricLabels must carry
   * `<label>="<team slug>"` in each PromQL selector of its SLOs.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'must be a Prometheus label name such as team' })
  SLO_REQUIRED_TEAM_LABEL?: string;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 10000;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SCHEDULER_ENABLED: boolean = true;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  PUBLIC_STATUS_URL?: string;

  /** Public base URL of the API app (its dashboards), for links in Slack such as the weekly digest's; unset: no link. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  PUBLIC_API_URL?: string;

  @Transform(emptyToUndefined)
  @IsString()
  STATUS_PAGE_NAME: string = 'Ballast';

  /** Day of the week (UTC) on which each team's weekly digest is posted to its Slack channel. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value))
  @IsIn(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'], { message: 'must be a day of the week such as monday' })
  DIGEST_DAY: string = 'monday';

  /** Hour (UTC, 0-23) of the weekly digest. */
  @Transform(toInt)
  @IsInt({ message: 'must be an hour 0-23 (UTC)' })
  @Min(0)
  @Max(23)
  DIGEST_HOUR_UTC: number = 9;

  /** Team for Alertmanager groups without a `team` label (unset: such groups are rejected with 400). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'must be a team slug' })
  ALERTMANAGER_DEFAULT_TEAM?: string;

  /** Severity for Alertmanager groups whose `severity` label is missing or unknown. */
  @Transform(emptyToUndefined)
  @IsIn(['SEV1', 'SEV2', 'SEV3', 'SEV4'])
  ALERTMANAGER_DEFAULT_SEVERITY: string = 'SEV3';

  /** Safety-net rebuild of the status page snapshot; changes arrive sooner through LISTEN/NOTIFY. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(1)
  @Max(3600)
  STATUS_PAGE_REFRESH_S: number = 15;

  /** Log lines: `pretty` (human-readable, pino-pretty), `json` (one JSON object per line), or `auto` (pretty on a terminal, JSON otherwise). */
  @Transform(emptyToUndefined)
  @IsIn(['auto', 'pretty', 'json'], { message: 'must be auto, pretty or json' })
  LOG_FORMAT: string = 'auto';

  /** Where the status page keeps its last snapshot, to serve it after a restart while PostgreSQL is down. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  STATUS_PAGE_SNAPSHOT_FILE?: string;

  /** SMTP server for status page e-mail subscriptions (`smtp://user:pass@host:port`, `smtps://...`); unset: no e-mail subscriptions are offered. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'must be an smtp:// or smtps:// URL such as smtp://user:pass@host:587' })
  SMTP_URL?: string;

  /** Sender of status page e-mails (`Name <address>` or an address). */
  @Transform(emptyToUndefined)
  @Matches(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, { message: 'must be an e-mail address, optionally as "Name <address>"' })
  MAIL_FROM: string = 'Ballast status <status@localhost>';

  /** Webhook subscribers may target loopback and private addresses (tests, internal receivers). */
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE: boolean = false;

  /** Consecutive failed deliveries after which a webhook subscriber is disabled. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of failures' })
  @Min(1)
  @Max(1000)
  SUBSCRIBER_WEBHOOK_MAX_FAILURES: number = 10;

  /** First retry delay of a notification that did not deliver; doubles with each attempt (capped at one hour). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(10)
  @Max(3_600_000)
  SUBSCRIBER_RETRY_BASE_MS: number = 30_000;

  /** Delivery attempts of one notification before it is given up and counted as failed. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of attempts' })
  @Min(1)
  @Max(100)
  SUBSCRIBER_MAX_ATTEMPTS: number = 12;

  /** How often the scheduler looks for status notifications to fan out and send. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(50)
  @Max(600_000)
  SUBSCRIBER_SEND_INTERVAL_MS: number = 1000;

  /** Subscription requests (POST /subscribe) one client IP may make per 10 minutes. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of requests' })
  @Min(1)
  @Max(100_000)
  SUBSCRIBE_RATE_LIMIT: number = 10;

  /** How often the scheduler sends due escalation steps of unacknowledged pages and posts on-call handoffs. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(1)
  @Max(3600)
  PAGING_CHECK_INTERVAL_S: number = 15;

  /** Hours after resolution before an incident's Slack channel is archived (0 = never); re-opening cancels it. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of hours (0 = never)' })
  @Min(0)
  @Max(8760)
  SLACK_ARCHIVE_AFTER_HOURS: number = 24;

  /** Base URL of the PagerDuty Events API v2 (teams with a pagerdutyRoutingKey trigger/acknowledge/resolve there). */
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  PAGERDUTY_EVENTS_URL: string = 'https://events.pagerduty.com';
  /** A postmortem is required when an incident consumed at least this share of any SLO's error budget (SRE Workbook policy: 0.2). */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value))
  @IsNumber({}, { message: 'must be a share between 0 and 1, e.g. 0.2' })
  @Min(0.001, { message: 'must be a share between 0 and 1, e.g. 0.2' })
  @Max(1, { message: 'must be a share between 0 and 1, e.g. 0.2' })
  POSTMORTEM_BUDGET_SHARE: number = 0.2;

  /** Hours between reminders of a required postmortem that is not yet published with a P0 follow-up. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of hours' })
  @Min(1)
  @Max(720)
  POSTMORTEM_REMINDER_HOURS: number = 24;
}

export type AppConfigValues = Readonly<Omit<EnvironmentSchema, never>>;

/**
 * Validates the environment and returns a frozen, typed configuration.
 * Throws InvalidConfigError naming every bad variable and what was expected.
 */
export function loadConfig(environment: Record<string, string | undefined>): AppConfig {
  const known = Object.keys(new EnvironmentSchema());
  known.push('PUBLIC_API_URL');
  const relevant: Record<string, string | undefined> = {};
  for (const key of [
    ...known,
    'ALERTMANAGER_DEFAULT_TEAM',
    'DATABASE_URL',
    'API_ADMIN_TOKEN',
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_APP_TOKEN',
    'SLACK_API_URL',
    'PUBLIC_STATUS_URL',
    'STATUS_PAGE_SNAPSHOT_FILE',
    'SMTP_URL',
    'PUBLIC_API_URL',
  ]) {
    if (environment[key] !== undefined) relevant[key] = environment[key];
  }
  const parsed = plainToInstance(EnvironmentSchema, relevant, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { forbidUnknownValues: false });
  if (errors.length > 0) throw new InvalidConfigError(describeConfigErrors(errors));
  return Object.freeze(Object.assign(new AppConfig(), parsed));
}

/** Injectable, immutable configuration: use it as a constructor dependency. */
export class AppConfig extends EnvironmentSchema {
  /** The status page's persisted snapshot: STATUS_PAGE_SNAPSHOT_FILE, or `<DATA_DIR>/status-page/snapshot.json`. */
  get statusPageSnapshotFile(): string {
    return this.STATUS_PAGE_SNAPSHOT_FILE ?? join(this.DATA_DIR, 'status-page', 'snapshot.json');
  }

  get slackEnabled(): boolean {
    return Boolean(this.SLACK_BOT_TOKEN && (this.SLACK_SIGNING_SECRET || this.SLACK_APP_TOKEN));
  }
}
