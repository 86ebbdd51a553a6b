ALTER TABLE "messages" ADD COLUMN "routed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "resume" jsonb;--> statement-breakpoint
ALTER TABLE "workflows" ADD COLUMN "scheduled_through" timestamp with time zone;