CREATE TABLE "community_tips" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"author_id" text NOT NULL,
	"author_name" text NOT NULL,
	"topic" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"snippet" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guild_settings" (
	"guild_id" text PRIMARY KEY NOT NULL,
	"timezone" text,
	"announcement_channel_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tip_rotation" (
	"guild_id" text NOT NULL,
	"topic" text NOT NULL,
	"tip_id" text NOT NULL,
	"shown_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tip_rotation_guild_id_topic_tip_id_pk" PRIMARY KEY("guild_id","topic","tip_id")
);
--> statement-breakpoint
CREATE INDEX "community_tips_guild_status_idx" ON "community_tips" USING btree ("guild_id","status","id");