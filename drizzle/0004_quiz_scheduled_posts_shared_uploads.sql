CREATE TABLE "exam_dates" (
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"date" text NOT NULL,
	"set_at" timestamp with time zone NOT NULL,
	CONSTRAINT "exam_dates_guild_id_user_id_kind_pk" PRIMARY KEY("guild_id","user_id","kind")
);
--> statement-breakpoint
CREATE TABLE "member_settings" (
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"timezone" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "member_settings_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "quiz_answers" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"user_name" text NOT NULL,
	"post_id" integer NOT NULL,
	"question_key" text NOT NULL,
	"topic" text NOT NULL,
	"skill" text NOT NULL,
	"difficulty" text NOT NULL,
	"chosen" text NOT NULL,
	"correct" boolean NOT NULL,
	"points" integer NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	"day" text NOT NULL,
	"week" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quiz_bank_questions" (
	"bank_id" integer NOT NULL,
	"question_id" text NOT NULL,
	"topic" text NOT NULL,
	"skill" text NOT NULL,
	"difficulty" text NOT NULL,
	"question" jsonb NOT NULL,
	CONSTRAINT "quiz_bank_questions_bank_id_question_id_pk" PRIMARY KEY("bank_id","question_id")
);
--> statement-breakpoint
CREATE TABLE "quiz_banks" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"question_count" integer NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quiz_cards" (
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"question_key" text NOT NULL,
	"topic" text NOT NULL,
	"skill" text NOT NULL,
	"card" jsonb NOT NULL,
	"due" timestamp with time zone NOT NULL,
	"reviewed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "quiz_cards_guild_id_user_id_question_key_pk" PRIMARY KEY("guild_id","user_id","question_key")
);
--> statement-breakpoint
CREATE TABLE "quiz_posts" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"kind" text NOT NULL,
	"channel_id" text,
	"message_id" text,
	"question_key" text NOT NULL,
	"question" jsonb NOT NULL,
	"choice_order" jsonb NOT NULL,
	"asked_by" text,
	"slot" text,
	"opened_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"answers" integer DEFAULT 0 NOT NULL,
	"correct_answers" integer DEFAULT 0 NOT NULL,
	"shown_answers" integer DEFAULT 0 NOT NULL,
	"count_edited_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reminders" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"dm" boolean NOT NULL,
	"text" text NOT NULL,
	"schedule" jsonb NOT NULL,
	"timezone" text NOT NULL,
	"source" text DEFAULT 'member' NOT NULL,
	"next_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scheduled_runs" (
	"job" text NOT NULL,
	"scope" text NOT NULL,
	"slot" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"delayed" boolean DEFAULT false NOT NULL,
	"claimed_by" text,
	"claimed_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"sending_at" timestamp with time zone,
	"takeovers" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone,
	"message_id" text,
	"reason" text,
	CONSTRAINT "scheduled_runs_job_scope_slot_pk" PRIMARY KEY("job","scope","slot")
);
--> statement-breakpoint
CREATE TABLE "upload_files" (
	"submission_id" integer NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "upload_files_submission_id_position_pk" PRIMARY KEY("submission_id","position")
);
--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "quiz_builtin_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "quiz_open_minutes" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "daily_tip_time" text;--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "daily_quiz_time" text;--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "weekly_post_time" text;--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "posts_changed_at" jsonb;--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "voucher_months" integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE "guild_settings" ADD COLUMN "certificate_years" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "quiz_bank_questions" ADD CONSTRAINT "quiz_bank_questions_bank_id_quiz_banks_id_fk" FOREIGN KEY ("bank_id") REFERENCES "public"."quiz_banks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_files" ADD CONSTRAINT "upload_files_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "quiz_answers_once_idx" ON "quiz_answers" USING btree ("post_id","user_id");--> statement-breakpoint
CREATE INDEX "quiz_answers_member_idx" ON "quiz_answers" USING btree ("guild_id","user_id","day");--> statement-breakpoint
CREATE INDEX "quiz_answers_board_idx" ON "quiz_answers" USING btree ("guild_id","week","user_id","points","user_name");--> statement-breakpoint
CREATE UNIQUE INDEX "quiz_banks_guild_name_idx" ON "quiz_banks" USING btree ("guild_id","name");--> statement-breakpoint
CREATE INDEX "quiz_cards_due_idx" ON "quiz_cards" USING btree ("guild_id","user_id","due");--> statement-breakpoint
CREATE INDEX "quiz_posts_open_idx" ON "quiz_posts" USING btree ("closes_at") WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX "quiz_posts_guild_question_idx" ON "quiz_posts" USING btree ("guild_id","question_key","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "quiz_posts_slot_idx" ON "quiz_posts" USING btree ("guild_id","slot") WHERE slot is not null;--> statement-breakpoint
CREATE INDEX "reminders_due_idx" ON "reminders" USING btree ("next_at") WHERE next_at is not null;--> statement-breakpoint
CREATE INDEX "reminders_member_idx" ON "reminders" USING btree ("guild_id","user_id");--> statement-breakpoint
CREATE INDEX "scheduled_runs_scope_idx" ON "scheduled_runs" USING btree ("scope","job","due_at");