-- Full-text search (see src/modules/search). Generated columns, declared here rather than in
-- src/db/schema.ts so that the by-id loaders' `select *` never ship the vectors to the server.
-- Each text is indexed with both the indonesian and the english configuration; titles and
-- names weigh A, bodies and descriptions B.
ALTER TABLE "threads" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('indonesian'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, "title"), 'A')
  || setweight(to_tsvector('indonesian'::regconfig, "body"), 'B') || setweight(to_tsvector('english'::regconfig, "body"), 'B')
) STORED;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('indonesian'::regconfig, "body"), 'B') || setweight(to_tsvector('english'::regconfig, "body"), 'B')
) STORED;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('indonesian'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, "title"), 'A')
  || setweight(to_tsvector('indonesian'::regconfig, coalesce("description", '')), 'B')
  || setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'B')
) STORED;--> statement-breakpoint
ALTER TABLE "circles" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('indonesian'::regconfig, "name"), 'A') || setweight(to_tsvector('english'::regconfig, "name"), 'A')
  || setweight(to_tsvector('indonesian'::regconfig, coalesce("description", '')), 'B')
  || setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'B')
) STORED;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('indonesian'::regconfig, "name"), 'A') || setweight(to_tsvector('english'::regconfig, "name"), 'A')
  || setweight(to_tsvector('indonesian'::regconfig, coalesce("description", '')), 'B')
  || setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'B')
) STORED;--> statement-breakpoint
CREATE INDEX "threads_search_idx" ON "threads" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "posts_search_idx" ON "posts" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "resources_search_idx" ON "resources" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "circles_search_idx" ON "circles" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "organisations_search_idx" ON "organisations" USING gin ("search_vector");
