-- The job queue uses only Graphile Worker's public functions (add_job, remove_job): the timer
-- functions that wrote its tables directly, and the extra index on them, go.
DROP FUNCTION IF EXISTS public.switchboard_add_timer(text, json, text, timestamptz, text, smallint);
--> statement-breakpoint
DROP FUNCTION IF EXISTS public.switchboard_remove_timer(text);
--> statement-breakpoint
DROP INDEX IF EXISTS graphile_worker.jobs_queue_order_index;
