DROP INDEX `worker_metrics_worker_time_idx`;--> statement-breakpoint
DROP INDEX `worker_metrics_time_idx`;--> statement-breakpoint
CREATE INDEX `worker_metrics_worker_ts_idx` ON `worker_metrics` (`worker_id`,`timestamp`);