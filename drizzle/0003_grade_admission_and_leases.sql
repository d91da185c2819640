-- A member who raced two grades into the queue keeps the first; the later ones are failed with a
-- message the member sees, before the one-in-flight index is built.
UPDATE "submissions" SET "status" = 'failed', "error_code" = 'superseded',
  "error" = 'Another grade of yours was already in progress, so this one was not graded. Send it again.'
WHERE "id" IN (
  SELECT "id" FROM (
    SELECT "id", row_number() OVER (PARTITION BY "guild_id", "user_id" ORDER BY "id") AS "turn"
    FROM "submissions" WHERE "status" IN ('queued', 'running')
  ) AS "in_flight" WHERE "turn" > 1
);--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "crashes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "submissions_one_in_flight_idx" ON "submissions" USING btree ("guild_id","user_id") WHERE status in ('receiving', 'queued', 'running');--> statement-breakpoint
CREATE INDEX "submissions_lease_idx" ON "submissions" USING btree ("lease_expires_at") WHERE status in ('receiving', 'running');