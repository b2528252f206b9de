-- Full-text search over gatherings, in the pattern of 0006_search: a generated column declared
-- here (not in src/db/schema.ts, so `select *` loaders never ship it), indonesian + english,
-- the title weighing A and the description and venue B, with a GIN index.
ALTER TABLE "gatherings" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('indonesian'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, "title"), 'A')
  || setweight(to_tsvector('indonesian'::regconfig, coalesce("description", '')), 'B')
  || setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'B')
  || setweight(to_tsvector('indonesian'::regconfig, coalesce("venue", '')), 'B')
  || setweight(to_tsvector('english'::regconfig, coalesce("venue", '')), 'B')
) STORED;--> statement-breakpoint
CREATE INDEX "gatherings_search_idx" ON "gatherings" USING gin ("search_vector");
