CREATE TYPE "public"."follow_up_status" AS ENUM('OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED');--> statement-breakpoint
CREATE TYPE "public"."gathering_kind" AS ENUM('TRAINING_OF_TRAINERS', 'TRAINING', 'CIRCLE_MEETING', 'VILLAGE_PLANNING_FORUM', 'DISTRICT_PLANNING_FORUM', 'WORKSHOP', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."gathering_status" AS ENUM('PLANNED', 'HELD', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."gender" AS ENUM('FEMALE', 'MALE', 'NOT_STATED');--> statement-breakpoint
CREATE TYPE "public"."rsvp_response" AS ENUM('GOING', 'MAYBE', 'NOT_GOING');--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'GATHERING_SCHEDULED';--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'GATHERING_UPDATED';--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'ATTENDANCE_RECORDED';--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'FOLLOW_UP_CREATED';--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'FOLLOW_UP_UPDATED';--> statement-breakpoint
CREATE TABLE "attendance_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"gathering_id" uuid NOT NULL,
	"user_id" uuid,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"line_key" text NOT NULL,
	"gender" "gender" NOT NULL,
	"organisation_id" uuid,
	"affiliation" text,
	"affiliation_kind" "organisation_kind",
	"position" text,
	"village_id" uuid,
	"recorded_by_id" uuid,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attendance_records_line_key" UNIQUE("gathering_id","line_key")
);
--> statement-breakpoint
CREATE TABLE "follow_up_sdg_goals" (
	"follow_up_id" uuid NOT NULL,
	"goal" smallint NOT NULL,
	CONSTRAINT "follow_up_sdg_goals_follow_up_id_goal_pk" PRIMARY KEY("follow_up_id","goal"),
	CONSTRAINT "follow_up_sdg_goals_goal_check" CHECK ("goal" between 1 and 18)
);
--> statement-breakpoint
CREATE TABLE "follow_ups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"circle_id" uuid NOT NULL,
	"gathering_id" uuid,
	"title" text NOT NULL,
	"description" text,
	"status" "follow_up_status" DEFAULT 'OPEN' NOT NULL,
	"owner_id" uuid,
	"organisation_id" uuid,
	"due_on" date,
	"completed_at" timestamp (3) with time zone,
	"created_by_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gathering_resources" (
	"gathering_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"added_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gathering_resources_gathering_id_resource_id_pk" PRIMARY KEY("gathering_id","resource_id")
);
--> statement-breakpoint
CREATE TABLE "gathering_rsvps" (
	"gathering_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"response" "rsvp_response" NOT NULL,
	"responded_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gathering_rsvps_gathering_id_user_id_pk" PRIMARY KEY("gathering_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "gathering_sdg_goals" (
	"gathering_id" uuid NOT NULL,
	"goal" smallint NOT NULL,
	CONSTRAINT "gathering_sdg_goals_gathering_id_goal_pk" PRIMARY KEY("gathering_id","goal"),
	CONSTRAINT "gathering_sdg_goals_goal_check" CHECK ("goal" between 1 and 18)
);
--> statement-breakpoint
CREATE TABLE "gatherings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"circle_id" uuid NOT NULL,
	"kind" "gathering_kind" NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"status" "gathering_status" DEFAULT 'PLANNED' NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"venue" text,
	"region_id" uuid,
	"created_by_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gatherings_ends_after_start_check" CHECK ("gatherings"."ends_at" >= "gatherings"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "activity" ADD COLUMN "gathering_id" uuid;--> statement-breakpoint
ALTER TABLE "activity" ADD COLUMN "follow_up_id" uuid;--> statement-breakpoint
ALTER TABLE "attendance_records" ADD CONSTRAINT "attendance_records_gathering_id_gatherings_id_fk" FOREIGN KEY ("gathering_id") REFERENCES "public"."gatherings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_records" ADD CONSTRAINT "attendance_records_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_records" ADD CONSTRAINT "attendance_records_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_records" ADD CONSTRAINT "attendance_records_village_id_regions_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."regions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_records" ADD CONSTRAINT "attendance_records_recorded_by_id_users_id_fk" FOREIGN KEY ("recorded_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_sdg_goals" ADD CONSTRAINT "follow_up_sdg_goals_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_circle_id_circles_id_fk" FOREIGN KEY ("circle_id") REFERENCES "public"."circles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_gathering_id_gatherings_id_fk" FOREIGN KEY ("gathering_id") REFERENCES "public"."gatherings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gathering_resources" ADD CONSTRAINT "gathering_resources_gathering_id_gatherings_id_fk" FOREIGN KEY ("gathering_id") REFERENCES "public"."gatherings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gathering_resources" ADD CONSTRAINT "gathering_resources_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gathering_rsvps" ADD CONSTRAINT "gathering_rsvps_gathering_id_gatherings_id_fk" FOREIGN KEY ("gathering_id") REFERENCES "public"."gatherings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gathering_rsvps" ADD CONSTRAINT "gathering_rsvps_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gathering_sdg_goals" ADD CONSTRAINT "gathering_sdg_goals_gathering_id_gatherings_id_fk" FOREIGN KEY ("gathering_id") REFERENCES "public"."gatherings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gatherings" ADD CONSTRAINT "gatherings_circle_id_circles_id_fk" FOREIGN KEY ("circle_id") REFERENCES "public"."circles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gatherings" ADD CONSTRAINT "gatherings_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gatherings" ADD CONSTRAINT "gatherings_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attendance_records_page_idx" ON "attendance_records" USING btree ("gathering_id","name_key","id");--> statement-breakpoint
CREATE INDEX "attendance_records_user_id_idx" ON "attendance_records" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "attendance_records_organisation_id_idx" ON "attendance_records" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "attendance_records_village_id_idx" ON "attendance_records" USING btree ("village_id");--> statement-breakpoint
CREATE INDEX "attendance_records_recorded_by_id_idx" ON "attendance_records" USING btree ("recorded_by_id");--> statement-breakpoint
CREATE INDEX "follow_up_sdg_goals_goal_idx" ON "follow_up_sdg_goals" USING btree ("goal","follow_up_id");--> statement-breakpoint
CREATE INDEX "follow_ups_circle_created_idx" ON "follow_ups" USING btree ("circle_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "follow_ups_gathering_created_idx" ON "follow_ups" USING btree ("gathering_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "follow_ups_owner_id_idx" ON "follow_ups" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "follow_ups_organisation_id_idx" ON "follow_ups" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "follow_ups_created_by_id_idx" ON "follow_ups" USING btree ("created_by_id");--> statement-breakpoint
CREATE INDEX "gathering_resources_page_idx" ON "gathering_resources" USING btree ("gathering_id","added_at","resource_id");--> statement-breakpoint
CREATE INDEX "gathering_resources_resource_id_idx" ON "gathering_resources" USING btree ("resource_id");--> statement-breakpoint
CREATE INDEX "gathering_rsvps_user_id_idx" ON "gathering_rsvps" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "gathering_sdg_goals_goal_idx" ON "gathering_sdg_goals" USING btree ("goal","gathering_id");--> statement-breakpoint
CREATE INDEX "gatherings_circle_starts_idx" ON "gatherings" USING btree ("circle_id","starts_at","id");--> statement-breakpoint
CREATE INDEX "gatherings_starts_idx" ON "gatherings" USING btree ("starts_at","id");--> statement-breakpoint
CREATE INDEX "gatherings_region_id_idx" ON "gatherings" USING btree ("region_id");--> statement-breakpoint
CREATE INDEX "gatherings_created_by_id_idx" ON "gatherings" USING btree ("created_by_id");--> statement-breakpoint
ALTER TABLE "activity" ADD CONSTRAINT "activity_gathering_id_gatherings_id_fk" FOREIGN KEY ("gathering_id") REFERENCES "public"."gatherings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity" ADD CONSTRAINT "activity_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_gathering_id_idx" ON "activity" USING btree ("gathering_id");--> statement-breakpoint
CREATE INDEX "activity_follow_up_id_idx" ON "activity" USING btree ("follow_up_id");