CREATE TYPE "public"."notification_kind" AS ENUM('MENTION', 'REPLY', 'NEW_THREAD', 'GATHERING_SCHEDULED', 'FOLLOW_UP_ASSIGNED', 'REPORT_RESOLVED', 'MEMBERSHIP_CHANGED');--> statement-breakpoint
CREATE TYPE "public"."notification_level" AS ENUM('ALL', 'MENTIONS_AND_REPLIES', 'NONE');--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recipient_id" uuid NOT NULL,
	"activity_id" bigint NOT NULL,
	"kind" "notification_kind" NOT NULL,
	"circle_id" uuid,
	"actor_id" uuid,
	"read_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "circle_members" ADD COLUMN "notification_level" "notification_level" DEFAULT 'MENTIONS_AND_REPLIES' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "handle" text;--> statement-breakpoint
-- Existing users get a handle from their display name by the rule sign-up uses (shared/handles.ts):
-- lower-case letters and digits, runs of anything else one dash, at most 26 characters, at least 3;
-- the first by creation keeps it, later ones get -2, -3...
WITH base AS (
  SELECT id, created_at,
    trim(both '-' from left(trim(both '-' from regexp_replace(
      translate(lower(display_name), 'àáâãäåāèéêëēìíîïīòóôõöōùúûüūñçýÿ', 'aaaaaaaeeeeeiiiiiooooooouuuuuncyy'),
      '[^a-z0-9]+', '-', 'g')), 26)) AS b
  FROM "users"
), fixed AS (
  SELECT id, created_at, CASE WHEN b = '' THEN 'user' WHEN length(b) < 3 THEN b || '-user' ELSE b END AS b FROM base
), numbered AS (
  SELECT id, b, row_number() OVER (PARTITION BY b ORDER BY created_at, id) AS n FROM fixed
)
UPDATE "users" u SET handle = CASE WHEN numbered.n = 1 THEN numbered.b ELSE numbered.b || '-' || numbered.n END
FROM numbered WHERE numbered.id = u.id;--> statement-breakpoint
-- A display name ending in "-2" can collide with a numbered one: those few get a suffix of their id.
UPDATE "users" u SET handle = rtrim(left(u.handle, 23), '-') || '-' || left(md5(u.id::text), 6)
FROM (SELECT id, row_number() OVER (PARTITION BY handle ORDER BY created_at, id) AS n FROM "users") d
WHERE d.id = u.id AND d.n > 1;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "handle" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_id_users_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_activity_id_activity_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activity"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_circle_id_circles_id_fk" FOREIGN KEY ("circle_id") REFERENCES "public"."circles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_recipient_activity_idx" ON "notifications" USING btree ("recipient_id","activity_id");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("recipient_id","activity_id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "notifications_activity_id_idx" ON "notifications" USING btree ("activity_id");--> statement-breakpoint
CREATE INDEX "notifications_circle_id_idx" ON "notifications" USING btree ("circle_id");--> statement-breakpoint
CREATE INDEX "notifications_actor_id_idx" ON "notifications" USING btree ("actor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_handle_idx" ON "users" USING btree ("handle");