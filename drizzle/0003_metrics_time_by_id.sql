DROP INDEX `worker_metrics_worker_time_idx`;--> statement-breakpoint
DROP INDEX `worker_metrics_time_idx`;