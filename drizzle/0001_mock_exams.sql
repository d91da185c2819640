CREATE TABLE "submissions" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"user_name" text NOT NULL,
	"problem_id" text NOT NULL,
	"weight" integer NOT NULL,
	"week" text NOT NULL,
	"timed" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"points" integer,
	"metric" text,
	"metric_value" double precision,
	"file_name" text NOT NULL,
	"file_sha256" text NOT NULL,
	"file_size" integer NOT NULL,
	"format" text,
	"backend" text,
	"timings" jsonb,
	"result" jsonb,
	"error_code" text,
	"error" text,
	"files_path" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"reply_to" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "timed_attempts" (
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"week" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	CONSTRAINT "timed_attempts_guild_id_user_id_week_pk" PRIMARY KEY("guild_id","user_id","week")
);
--> statement-breakpoint
CREATE TABLE "week_closures" (
	"guild_id" text NOT NULL,
	"week" text NOT NULL,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"announced_at" timestamp with time zone,
	CONSTRAINT "week_closures_guild_id_week_pk" PRIMARY KEY("guild_id","week")
);
--> statement-breakpoint
CREATE TABLE "weekly_problem_sets" (
	"guild_id" text NOT NULL,
	"week" text NOT NULL,
	"problem_ids" jsonb NOT NULL,
	"set_by" text NOT NULL,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "weekly_problem_sets_guild_id_week_pk" PRIMARY KEY("guild_id","week")
);
--> statement-breakpoint
CREATE TABLE "weekly_standings" (
	"guild_id" text NOT NULL,
	"week" text NOT NULL,
	"board" text NOT NULL,
	"user_id" text NOT NULL,
	"user_name" text NOT NULL,
	"rank" integer NOT NULL,
	"score" double precision NOT NULL,
	"points_by_problem" jsonb NOT NULL,
	CONSTRAINT "weekly_standings_guild_id_week_board_user_id_pk" PRIMARY KEY("guild_id","week","board","user_id")
);
--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "mock_exam_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "winner_role_id" text;--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "grade_visibility" text DEFAULT 'ephemeral' NOT NULL;--> statement-breakpoint
CREATE INDEX "submissions_board_idx" ON "submissions" USING btree ("guild_id","week","user_id","problem_id","points","weight","timed","user_name");--> statement-breakpoint
CREATE INDEX "submissions_queue_idx" ON "submissions" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "submissions_member_idx" ON "submissions" USING btree ("guild_id","user_id","problem_id","file_sha256");