CREATE TABLE `ai_judgments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`judge_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`verdict` text NOT NULL,
	`answer_straight` text NOT NULL,
	`answer_swapped` text NOT NULL,
	`position_consistent` integer NOT NULL,
	`latency_ms` integer NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`judge_id`) REFERENCES `judges`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ai_judgments_judge_item_idx` ON `ai_judgments` (`judge_id`,`item_id`);--> statement-breakpoint
CREATE INDEX `ai_judgments_item_idx` ON `ai_judgments` (`item_id`);--> statement-breakpoint
CREATE TABLE `judges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`endpoint_id` integer NOT NULL,
	`prompt` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `judges_name_unique` ON `judges` (`name`);