ALTER TABLE "community_tips" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "guild_settings" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "guild_settings" ALTER COLUMN "updated_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "submissions" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "tip_rotation" ALTER COLUMN "shown_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "week_closures" ALTER COLUMN "closed_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "weekly_problem_sets" ALTER COLUMN "set_at" DROP DEFAULT;