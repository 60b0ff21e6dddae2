ALTER TABLE `users` ADD `skills` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `items` ADD `tags` text;--> statement-breakpoint
ALTER TABLE `items` ADD `tag_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `items_tag_claim_idx` ON `items` (`project_id`,`tag_key`,`priority`,`judgment_count`,"id" desc);--> statement-breakpoint
CREATE INDEX `items_tag_priority_idx` ON `items` (`project_id`,`tag_key`,`priority`);--> statement-breakpoint
ALTER TABLE `projects` ADD `routing` text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `tags_from` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `tag_keys` text DEFAULT '[]' NOT NULL;