-- The chat keeps the replies of the offline mentor too, so that a conversation can be shown again
-- as the user saw it (a new tab, another device). They are never sent back to the model as
-- context: that history is what the model itself said.
ALTER TABLE chat_messages ADD COLUMN offline INTEGER NOT NULL DEFAULT 0 CHECK (offline IN (0, 1));
