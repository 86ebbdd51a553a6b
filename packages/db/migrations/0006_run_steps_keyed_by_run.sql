-- run_steps' uuid primary key goes; the unique (run_id, seq) index becomes the primary key in place,
-- without a rebuild. A step's id stays, unindexed.
ALTER TABLE "run_steps" DROP CONSTRAINT "run_steps_pkey";--> statement-breakpoint
ALTER TABLE "run_steps" ADD CONSTRAINT "run_steps_pkey" PRIMARY KEY USING INDEX "run_steps_run_seq_key";
