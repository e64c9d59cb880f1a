-- 5: plans drafted from a policy text (issue 7) are stored beside the plan in force, marked as drafts, so that a
-- draft never becomes the plan the dashboard tracks without someone deciding so.
alter table plan_file add column draft integer not null default 0 check (draft in (0, 1));
