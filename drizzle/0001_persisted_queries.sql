CREATE TABLE "persisted_queries" (
	"hash" text PRIMARY KEY NOT NULL,
	"query" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
