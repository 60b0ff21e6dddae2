CREATE TABLE `annotator_totals` (
	`project_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`judged` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`project_id`, `user_id`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Each annotator's judgments so far, counted once; from here on they are kept in step with every judgment.
INSERT INTO `annotator_totals` (`project_id`, `user_id`, `judged`) SELECT `project_id`, `user_id`, count(*) FROM `judgments` GROUP BY `project_id`, `user_id`;
