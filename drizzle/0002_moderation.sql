CREATE TYPE "public"."content_report_reason" AS ENUM('SPAM', 'HARASSMENT', 'MISINFORMATION', 'PERSONAL_DATA', 'OFF_TOPIC', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."content_report_status" AS ENUM('OPEN', 'HIDDEN', 'DISMISSED');--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'CONTENT_REPORTED';--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'CONTENT_HIDDEN';--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'CONTENT_RESTORED';--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'CONTENT_REPORT_DISMISSED';--> statement-breakpoint
CREATE TABLE "content_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"circle_id" uuid NOT NULL,
	"thread_id" uuid,
	"post_id" uuid,
	"resource_id" uuid,
	"reporter_id" uuid NOT NULL,
	"reason" "content_report_reason" NOT NULL,
	"note" text,
	"status" "content_report_status" DEFAULT 'OPEN' NOT NULL,
	"resolved_by_id" uuid,
	"resolution_note" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp (3) with time zone,
	CONSTRAINT "content_reports_subject_reporter_key" UNIQUE NULLS NOT DISTINCT("thread_id","post_id","resource_id","reporter_id"),
	CONSTRAINT "content_reports_one_subject_check" CHECK (num_nonnulls("content_reports"."thread_id", "content_reports"."post_id", "content_reports"."resource_id") = 1)
);
--> statement-breakpoint
ALTER TABLE "activity" ADD COLUMN "report_id" uuid;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "hidden_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "hidden_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "hidden_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "content_reports" ADD CONSTRAINT "content_reports_circle_id_circles_id_fk" FOREIGN KEY ("circle_id") REFERENCES "public"."circles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_reports" ADD CONSTRAINT "content_reports_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_reports" ADD CONSTRAINT "content_reports_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_reports" ADD CONSTRAINT "content_reports_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_reports" ADD CONSTRAINT "content_reports_reporter_id_users_id_fk" FOREIGN KEY ("reporter_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_reports" ADD CONSTRAINT "content_reports_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "content_reports_queue_idx" ON "content_reports" USING btree ("circle_id","created_at","id");--> statement-breakpoint
CREATE INDEX "content_reports_post_id_idx" ON "content_reports" USING btree ("post_id");--> statement-breakpoint
CREATE INDEX "content_reports_resource_id_idx" ON "content_reports" USING btree ("resource_id");--> statement-breakpoint
CREATE INDEX "content_reports_reporter_created_idx" ON "content_reports" USING btree ("reporter_id","created_at");--> statement-breakpoint
CREATE INDEX "content_reports_resolved_by_id_idx" ON "content_reports" USING btree ("resolved_by_id");--> statement-breakpoint
ALTER TABLE "activity" ADD CONSTRAINT "activity_report_id_content_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."content_reports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_report_id_idx" ON "activity" USING btree ("report_id");