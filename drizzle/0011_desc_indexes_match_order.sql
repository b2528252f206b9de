-- The lists order these keys DESC, which PostgreSQL reads as DESC NULLS FIRST; drizzle's .desc() made
-- them DESC NULLS LAST, which no such ORDER BY can walk, so each page sorted all its parent's rows.
DROP INDEX "follow_ups_circle_created_idx";--> statement-breakpoint
DROP INDEX "follow_ups_gathering_created_idx";--> statement-breakpoint
DROP INDEX "resources_created_idx";--> statement-breakpoint
DROP INDEX "threads_circle_last_activity_idx";--> statement-breakpoint
CREATE INDEX "follow_ups_circle_created_idx" ON "follow_ups" USING btree ("circle_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "follow_ups_gathering_created_idx" ON "follow_ups" USING btree ("gathering_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "resources_created_idx" ON "resources" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "threads_circle_last_activity_idx" ON "threads" USING btree ("circle_id","last_activity_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);