-- The append lock of the activity log (src/realtime/activity-log.ts), taken by the database at
-- the start of every INSERT into activity, before the identity hands out an id: a statement
-- trigger fires before the first row is formed, so the lock and the insert are one round trip
-- instead of two, and no code path can insert without it. Held until commit, it makes the
-- cursor order the commit order. 7426002 is the lock's key, used for nothing else.
CREATE FUNCTION "activity_append_lock"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7426002);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "activity_append_lock" BEFORE INSERT ON "activity" FOR EACH STATEMENT EXECUTE FUNCTION "activity_append_lock"();
