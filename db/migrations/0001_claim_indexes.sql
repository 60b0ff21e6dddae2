CREATE INDEX `items_claim_idx` ON `items` (`project_id`,`priority`,`judgment_count`,"id" desc);--> statement-breakpoint
CREATE INDEX `items_project_extra_idx` ON `items` (`project_id`,`extra_overlap`);--> statement-breakpoint
CREATE INDEX `items_project_gold_idx` ON `items` (`project_id`,`id`) WHERE "items"."gold" is not null;--> statement-breakpoint
CREATE INDEX `judgments_user_project_idx` ON `judgments` (`user_id`,`project_id`);