DROP INDEX `items_claim_idx`;--> statement-breakpoint
ALTER TABLE `items` ADD `judgment_target` integer;--> statement-breakpoint
CREATE INDEX `items_claim_idx` ON `items` (`project_id`,`priority`,`judgment_count`,"id" desc) WHERE "items"."judgment_target" is null or "items"."judgment_count" < "items"."judgment_target" + "items"."extra_overlap";--> statement-breakpoint
ALTER TABLE `projects` ADD `min_judgments` integer;--> statement-breakpoint
ALTER TABLE `projects` ADD `max_judgments` integer;--> statement-breakpoint
ALTER TABLE `projects` ADD `stop_agreement` real;