-- Change notices for the response cache (src/shared/response-cache.ts): every committed write to a
-- table a query can read NOTIFYs hub_data, and every instance empties its cache when it hears it.
-- A statement trigger, so a write costs one NOTIFY however many rows it touches, and PostgreSQL
-- folds identical notices of one transaction into one, delivered only if it commits. Left out:
-- sessions (every request moves last_used_at; the fields reading them are never cached),
-- rate_limits, live_sockets, idempotency_keys and persisted_queries, which no query reads.
-- A table added later needs the trigger too: test/response-cache.test.ts lists the tables without it.
CREATE FUNCTION "hub_data_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('hub_data', '');
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "regions" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "users" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organisations" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organisation_members" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "circles" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "circle_organisations" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "circle_members" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "circle_sdg_goals" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "threads" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "thread_sdg_goals" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "posts" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "reactions" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "resources" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "resource_circles" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "resource_sdg_goals" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "gatherings" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "gathering_sdg_goals" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "gathering_resources" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "gathering_rsvps" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "attendance_records" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "follow_ups" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "follow_up_sdg_goals" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "content_reports" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "activity" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "notifications" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();--> statement-breakpoint
CREATE TRIGGER "hub_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "circle_reads" FOR EACH STATEMENT EXECUTE FUNCTION "hub_data_changed"();
