-- The example's own table, created after the auth-d1 migrations (0001, 0002) it refers to.
-- Deleting a user deletes their notes. Timestamps are ISO 8601 text, like the auth tables.
CREATE TABLE `note` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`text` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
CREATE INDEX `note_user_id_created_at_idx` ON `note` (`user_id`, `created_at`);
