DROP INDEX `webhook_deliveries_parked_idx`;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_parked_idx` ON `webhook_deliveries` (`target`,`id`) WHERE "webhook_deliveries"."parked" = 1;