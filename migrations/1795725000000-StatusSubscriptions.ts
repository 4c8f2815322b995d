import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Status page subscriptions: e-mail and webhook subscribers, the public
 * notification events derived from the data by triggers, and the outbox (one
 * row per subscriber and event) the sender works through.
 *
 * Events are derived at COMMIT (deferred constraint triggers), so whoever
 * writes — API, Slack, the status job, a replica — an event is recorded once
 * (unique event_key; an update announced with its incident's creation or
 * resolution is not announced again: unique update_id), and an incident that
 * gets its first public update in the same transaction is one notification.
 * Only public fields are ever copied into an event: the title, status and
 * affected components of a public incident, the body of a public update of a
 * public incident, and a maintenance's public name and text.
 */
export class StatusSubscriptions1795725000000 implements MigrationInterface {
  name = 'StatusSubscriptions1795725000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "status_subscribers" (
            "id" uuid NOT NULL DEFAULT gen_random_uuid(),
            "type" character varying(16) NOT NULL,
            "email" character varying(254),
            "url" text,
            "secret" character varying(200),
            "component_ids" character varying(12)[] NOT NULL DEFAULT '{}',
            "pending_component_ids" character varying(12)[],
            "confirmed_at" TIMESTAMP WITH TIME ZONE,
            "confirm_token_hash" character(64),
            "confirm_token_expires_at" TIMESTAMP WITH TIME ZONE,
            "confirmation_requested_at" TIMESTAMP WITH TIME ZONE,
            "consecutive_failures" integer NOT NULL DEFAULT 0,
            "disabled_at" TIMESTAMP WITH TIME ZONE,
            "disabled_reason" text,
            "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT "PK_status_subscribers" PRIMARY KEY ("id"),
            CONSTRAINT "CHK_status_subscribers_type" CHECK (("type" = 'email' AND "email" IS NOT NULL) OR ("type" = 'webhook' AND "url" IS NOT NULL AND "secret" IS NOT NULL)))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_status_subscribers_email" ON "status_subscribers" ("email") WHERE "type" = 'email'`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_status_subscribers_confirm_token" ON "status_subscribers" ("confirm_token_hash") WHERE "confirm_token_hash" IS NOT NULL`,
    );

    await queryRunner.query(`CREATE TABLE "status_notification_events" (
            "id" BIGSERIAL NOT NULL,
            "event_key" character varying(200) NOT NULL,
            "kind" character varying(32) NOT NULL,
            "subject_type" character varying(16) NOT NULL,
            "subject_id" character varying(64) NOT NULL,
            "update_id" uuid,
            "component_ids" character varying(12)[] NOT NULL DEFAULT '{}',
            "payload" jsonb NOT NULL,
            "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
            "fanned_out_at" TIMESTAMP WITH TIME ZONE,
            CONSTRAINT "PK_status_notification_events" PRIMARY KEY ("id"),
            CONSTRAINT "UQ_status_notification_events_key" UNIQUE ("event_key"))`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_status_notification_events_update" ON "status_notification_events" ("update_id") WHERE "update_id" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_status_notification_events_unfanned" ON "status_notification_events" ("id") WHERE "fanned_out_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_status_notification_events_subject" ON "status_notification_events" ("subject_type", "subject_id")`);

    await queryRunner.query(`CREATE TABLE "status_notification_outbox" (
            "id" BIGSERIAL NOT NULL,
            "subscriber_id" uuid NOT NULL,
            "event_id" bigint,
            "kind" character varying(16) NOT NULL,
            "channel" character varying(16) NOT NULL,
            "state" character varying(16) NOT NULL DEFAULT 'pending',
            "attempts" integer NOT NULL DEFAULT 0,
            "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            "claimed_until" TIMESTAMP WITH TIME ZONE,
            "last_error" text,
            "unsubscribe_token_hash" character(64),
            "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            "sent_at" TIMESTAMP WITH TIME ZONE,
            CONSTRAINT "PK_status_notification_outbox" PRIMARY KEY ("id"),
            CONSTRAINT "UQ_status_notification_outbox_event_subscriber" UNIQUE ("event_id", "subscriber_id"),
            CONSTRAINT "CHK_status_notification_outbox_kind" CHECK (("kind" = 'notification') = ("event_id" IS NOT NULL)),
            CONSTRAINT "FK_status_notification_outbox_subscriber" FOREIGN KEY ("subscriber_id") REFERENCES "status_subscribers"("id") ON DELETE CASCADE,
            CONSTRAINT "FK_status_notification_outbox_event" FOREIGN KEY ("event_id") REFERENCES "status_notification_events"("id") ON DELETE CASCADE)`);
    await queryRunner.query(
      `CREATE INDEX "IDX_status_notification_outbox_due" ON "status_notification_outbox" ("next_attempt_at", "id") WHERE "state" = 'pending'`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_status_notification_outbox_subscriber" ON "status_notification_outbox" ("subscriber_id")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_status_notification_outbox_unsubscribe" ON "status_notification_outbox" ("unsubscribe_token_hash") WHERE "unsubscribe_token_hash" IS NOT NULL`,
    );

    // What an incident owes its subscribers, read at commit time (current rows, not the trigger's NEW).
    await queryRunner.query(`CREATE FUNCTION ballast_incident_notifications(p_incident uuid, p_update uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  inc record;
  latest_id uuid;
  comps character varying(12)[];
  comp_json jsonb;
  announced boolean;
  incident_json jsonb;
  update_json jsonb;
BEGIN
  SELECT id, title, status, visibility, resolved_at INTO inc FROM incidents WHERE id = p_incident;
  IF NOT FOUND OR inc.visibility <> 'public' THEN RETURN; END IF;
  announced := EXISTS (SELECT 1 FROM status_notification_events WHERE subject_type = 'incident' AND subject_id = p_incident::text);
  -- Stored already resolved and never announced (imported history): nothing to tell anyone.
  IF NOT announced AND (inc.status = 'resolved' OR inc.resolved_at IS NOT NULL) THEN RETURN; END IF;
  SELECT coalesce(array_agg(a.component_id ORDER BY a.component_id), '{}'),
         coalesce(jsonb_agg(jsonb_build_object('id', a.component_id, 'name', c.name, 'status', a.status) ORDER BY a.component_id), '[]'::jsonb)
    INTO comps, comp_json
    FROM incident_affected_components a JOIN status_components c ON c.id = a.component_id
   WHERE a.incident_id = p_incident;
  incident_json := jsonb_build_object('id', inc.id, 'title', inc.title, 'status', inc.status, 'resolvedAt', inc.resolved_at);
  -- The newest public update that no event carries yet.
  SELECT e.id, jsonb_build_object('id', e.id, 'body', e.body, 'status', coalesce(e.status_at_event, inc.status), 'occurredAt', e.occurred_at)
    INTO latest_id, update_json
    FROM incident_timeline_events e
   WHERE e.incident_id = p_incident AND e.kind = 'public_update' AND e.public = true
     AND NOT EXISTS (SELECT 1 FROM status_notification_events n WHERE n.update_id = e.id)
   ORDER BY e.occurred_at DESC, e.created_at DESC, e.id DESC LIMIT 1;

  IF NOT announced THEN
    INSERT INTO status_notification_events (event_key, kind, subject_type, subject_id, update_id, component_ids, payload)
    VALUES ('incident:' || p_incident || ':created', 'incident.created', 'incident', p_incident::text, latest_id, comps,
            jsonb_build_object('incident', incident_json, 'update', update_json, 'components', comp_json))
    ON CONFLICT DO NOTHING;
    latest_id := NULL;
    update_json := NULL;
  END IF;

  IF inc.status = 'resolved' OR inc.resolved_at IS NOT NULL THEN
    INSERT INTO status_notification_events (event_key, kind, subject_type, subject_id, update_id, component_ids, payload)
    VALUES ('incident:' || p_incident || ':resolved:' || coalesce(extract(epoch FROM inc.resolved_at)::text, 'unset'), 'incident.resolved', 'incident', p_incident::text, latest_id, comps,
            jsonb_build_object('incident', incident_json, 'update', update_json, 'components', comp_json))
    ON CONFLICT DO NOTHING;
  END IF;

  IF p_update IS NOT NULL AND NOT EXISTS (SELECT 1 FROM status_notification_events WHERE update_id = p_update) THEN
    INSERT INTO status_notification_events (event_key, kind, subject_type, subject_id, update_id, component_ids, payload)
    SELECT 'incident:' || p_incident || ':update:' || e.id, 'incident.update', 'incident', p_incident::text, e.id, comps,
           jsonb_build_object('incident', incident_json,
                              'update', jsonb_build_object('id', e.id, 'body', e.body, 'status', coalesce(e.status_at_event, inc.status), 'occurredAt', e.occurred_at),
                              'components', comp_json)
      FROM incident_timeline_events e
     WHERE e.id = p_update AND e.incident_id = p_incident AND e.kind = 'public_update' AND e.public = true
    ON CONFLICT DO NOTHING;
  END IF;
END $$`);
    await queryRunner.query(`CREATE FUNCTION ballast_incident_notify_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'incident_timeline_events' THEN
    PERFORM ballast_incident_notifications(NEW.incident_id, NEW.id);
  ELSE
    PERFORM ballast_incident_notifications(NEW.id, NULL);
  END IF;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE CONSTRAINT TRIGGER "status_notify_incident_insert" AFTER INSERT ON "incidents" DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW WHEN (NEW.visibility = 'public') EXECUTE FUNCTION ballast_incident_notify_trigger()`);
    await queryRunner.query(`CREATE CONSTRAINT TRIGGER "status_notify_incident_update" AFTER UPDATE ON "incidents" DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW WHEN (NEW.visibility = 'public' AND (OLD.visibility IS DISTINCT FROM NEW.visibility OR OLD.status IS DISTINCT FROM NEW.status OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at))
            EXECUTE FUNCTION ballast_incident_notify_trigger()`);
    await queryRunner.query(`CREATE CONSTRAINT TRIGGER "status_notify_public_update" AFTER INSERT OR UPDATE ON "incident_timeline_events" DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW WHEN (NEW.kind = 'public_update' AND NEW.public = true) EXECUTE FUNCTION ballast_incident_notify_trigger()`);

    await queryRunner.query(`CREATE FUNCTION ballast_maintenance_notifications(p_maintenance character varying) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  m record;
  comps character varying(12)[];
  comp_json jsonb;
  event_kind text;
BEGIN
  SELECT id, name, body, status, scheduled_for, scheduled_until, started_at, completed_at INTO m FROM status_maintenances WHERE id = p_maintenance;
  IF NOT FOUND THEN RETURN; END IF;
  event_kind := CASE m.status WHEN 'scheduled' THEN 'scheduled' WHEN 'in_progress' THEN 'started' WHEN 'verifying' THEN 'started' WHEN 'completed' THEN 'completed' END;
  IF event_kind IS NULL THEN RETURN; END IF;
  -- The end of a maintenance nobody was told about (stored already completed) is not news.
  IF event_kind = 'completed' AND NOT EXISTS (SELECT 1 FROM status_notification_events WHERE subject_type = 'maintenance' AND subject_id = m.id) THEN RETURN; END IF;
  SELECT coalesce(array_agg(mc.component_id ORDER BY mc.component_id), '{}'),
         coalesce(jsonb_agg(jsonb_build_object('id', mc.component_id, 'name', c.name) ORDER BY mc.component_id), '[]'::jsonb)
    INTO comps, comp_json
    FROM status_maintenance_components mc JOIN status_components c ON c.id = mc.component_id
   WHERE mc.maintenance_id = m.id;
  INSERT INTO status_notification_events (event_key, kind, subject_type, subject_id, component_ids, payload)
  VALUES ('maintenance:' || m.id || ':' || event_kind, 'maintenance.' || event_kind, 'maintenance', m.id, comps,
          jsonb_build_object('maintenance', jsonb_build_object('id', m.id, 'name', m.name, 'body', m.body, 'status', m.status,
                                                               'scheduledFor', m.scheduled_for, 'scheduledUntil', m.scheduled_until,
                                                               'startedAt', m.started_at, 'completedAt', m.completed_at),
                             'components', comp_json))
  ON CONFLICT DO NOTHING;
END $$`);
    await queryRunner.query(`CREATE FUNCTION ballast_maintenance_notify_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ballast_maintenance_notifications(NEW.id);
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE CONSTRAINT TRIGGER "status_notify_maintenance_insert" AFTER INSERT ON "status_maintenances" DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION ballast_maintenance_notify_trigger()`);
    await queryRunner.query(`CREATE CONSTRAINT TRIGGER "status_notify_maintenance_update" AFTER UPDATE ON "status_maintenances" DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION ballast_maintenance_notify_trigger()`);

    // What exists before subscriptions did was announced, as far as the triggers are concerned: no flood at upgrade.
    await queryRunner.query(`INSERT INTO status_notification_events (event_key, kind, subject_type, subject_id, payload, fanned_out_at)
            SELECT 'incident:' || id || ':created', 'incident.created', 'incident', id::text, '{}'::jsonb, now() FROM incidents WHERE visibility = 'public'
            ON CONFLICT DO NOTHING`);
    await queryRunner.query(`INSERT INTO status_notification_events (event_key, kind, subject_type, subject_id, payload, fanned_out_at)
            SELECT 'incident:' || id || ':resolved:' || coalesce(extract(epoch FROM resolved_at)::text, 'unset'), 'incident.resolved', 'incident', id::text, '{}'::jsonb, now()
              FROM incidents WHERE visibility = 'public' AND (status = 'resolved' OR resolved_at IS NOT NULL)
            ON CONFLICT DO NOTHING`);
    await queryRunner.query(`INSERT INTO status_notification_events (event_key, kind, subject_type, subject_id, update_id, payload, fanned_out_at)
            SELECT 'incident:' || incident_id || ':update:' || id, 'incident.update', 'incident', incident_id::text, id, '{}'::jsonb, now()
              FROM incident_timeline_events WHERE kind = 'public_update' AND public = true
            ON CONFLICT DO NOTHING`);
    await queryRunner.query(`INSERT INTO status_notification_events (event_key, kind, subject_type, subject_id, payload, fanned_out_at)
            SELECT 'maintenance:' || id || ':' || s.kind, 'maintenance.' || s.kind, 'maintenance', id, '{}'::jsonb, now()
              FROM status_maintenances CROSS JOIN (VALUES ('scheduled'), ('started'), ('completed')) AS s(kind)
            ON CONFLICT DO NOTHING`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "status_notify_maintenance_update" ON "status_maintenances"`);
    await queryRunner.query(`DROP TRIGGER "status_notify_maintenance_insert" ON "status_maintenances"`);
    await queryRunner.query(`DROP TRIGGER "status_notify_public_update" ON "incident_timeline_events"`);
    await queryRunner.query(`DROP TRIGGER "status_notify_incident_update" ON "incidents"`);
    await queryRunner.query(`DROP TRIGGER "status_notify_incident_insert" ON "incidents"`);
    await queryRunner.query(`DROP FUNCTION ballast_maintenance_notify_trigger()`);
    await queryRunner.query(`DROP FUNCTION ballast_maintenance_notifications(character varying)`);
    await queryRunner.query(`DROP FUNCTION ballast_incident_notify_trigger()`);
    await queryRunner.query(`DROP FUNCTION ballast_incident_notifications(uuid, uuid)`);
    await queryRunner.query(`DROP TABLE "status_notification_outbox"`);
    await queryRunner.query(`DROP TABLE "status_notification_events"`);
    await queryRunner.query(`DROP TABLE "status_subscribers"`);
  }
}
