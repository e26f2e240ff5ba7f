-- The routes version and destination policy applied to each attempt,
-- such as "v3/cctns-minimal"; empty for attempts made before this column
-- and for attempts that sent nothing.
ALTER TABLE attempts ADD COLUMN policy text NOT NULL DEFAULT '';
