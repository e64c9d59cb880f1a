-- 2: supervision (督导检查, issue 6). A supervised item (督办事项) is event-sourced in core::supervise: the store
-- keeps its spec and every workflow step (who, when, why) append-only, plus the current state and deadline
-- denormalised on the item row for listings and the optimistic `version` check (one step = one version).
-- Progress reports and extension requests are steps; their evidence files are BLOBs in
-- supervision_attachment. Inspections keep their round (scope, findings, rectification orders) as JSON; the
-- rectification items themselves are supervised items. The scoring ledger (考核台账) is append-only; appeals are
-- decided once. Issued reports (通报) freeze the figures they used (snapshot_json) so that they can be shown
-- exactly as issued. Reminder receipts remember what a user has read and which reminders were mailed.
-- Portable types as in 1: decimals and civil dates/times as TEXT, instants integer unix ms, booleans 0/1.

create table supervised_item (
    supervised_item_id integer primary key autoincrement,
    plan_key text not null,
    item_key text not null,             -- core ItemId: the plan task's id, or an admin/rectification item's id
    kind text not null check (kind in ('task', 'adhoc', 'rectification')),
    title text not null,
    lead_department text not null,      -- 牵头单位 (plan department id)
    state text not null,                -- current workflow state (registered … closed), from the steps
    deadline text not null,             -- deadline in force (after approved extensions)
    inspection_key text,                -- for rectification items: the inspection round
    spec_json text not null,            -- core ItemSpec as registered (立项)
    steps integer not null,              -- steps recorded (the last seq)
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (plan_key, item_key)
);
create index supervised_item_department on supervised_item (plan_key, lead_department);

create table supervision_step (
    supervision_step_id integer primary key autoincrement,
    supervised_item_id integer not null references supervised_item (supervised_item_id),
    seq integer not null,                -- 1 = 立项
    at text not null,                   -- civil date-time of the jurisdiction, ISO 8601
    actor_user text not null,
    actor_role text not null check (actor_role in ('admin', 'department', 'leader')),
    actor_department text,
    action text not null,               -- register, assign, accept, report_progress, return …
    from_state text,
    to_state text not null,
    reason text not null,
    step_json text not null,            -- core Transition as recorded (payload and outcome)
    created_at integer not null,
    unique (supervised_item_id, seq)
);

create table supervision_attachment (
    supervision_attachment_id integer primary key autoincrement,
    plan_key text not null,
    item_key text not null,
    file_name text not null,
    media_type text not null,           -- checked against the allowed types before it gets here
    size_bytes integer not null,
    sha256 text not null,
    content blob not null,
    uploaded_by text not null,
    version integer not null,
    created_at integer not null,
    updated_at integer not null
);
create index supervision_attachment_item on supervision_attachment (plan_key, item_key);

create table inspection (
    inspection_id integer primary key autoincrement,
    plan_key text not null,
    inspection_key text not null,
    title text not null,
    started_on text not null,
    ended_on text,
    round_json text not null,           -- core InspectionRound (scope, findings, rectification orders)
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (plan_key, inspection_key)
);

create table score_entry (
    score_entry_id integer primary key autoincrement,
    plan_key text not null,
    entry_key text not null,            -- deterministic key (late_report/ITEM/PERIOD …): derived once
    department text not null,
    kind text not null,
    points text not null,               -- signed decimal: + bonus, − deduction
    effective_on text not null,         -- the day the fact happened (its period)
    recorded_on text not null,          -- the day it became known
    item_key text,
    reverses text,                      -- a reversal's entry
    appeal_key text,                    -- a reversal's appeal
    detail text not null,
    created_at integer not null,
    unique (plan_key, entry_key)
);
create index score_entry_department on score_entry (plan_key, department, effective_on);

create table score_appeal (
    score_appeal_id integer primary key autoincrement,
    plan_key text not null,
    appeal_key text not null,           -- appeal/N
    entry_key text not null,
    department text not null,
    decided integer not null check (decided in (0, 1)),
    appeal_json text not null,          -- core Appeal, with its decision once decided
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (plan_key, appeal_key)
);

create table supervision_report (
    supervision_report_id integer primary key autoincrement,
    plan_key text not null,
    report_no integer not null,          -- 1, 2, … per plan (通报 number)
    period text not null,               -- 2019Q4, 2019-11, 2019
    issued_on text not null,
    issued_by text not null,
    title text not null,
    snapshot_json text not null,        -- every figure the report used, frozen at issue
    sha256 text not null,
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (plan_key, report_no)
);

create table reminder_receipt (
    reminder_receipt_id integer primary key autoincrement,
    user_name text not null,
    reminder_key text not null,         -- ITEM/reminder/PERIOD-or-date: one line of an inbox
    read_at integer,
    mailed_on text,                     -- the day it was last mailed (one mail per reminder per day)
    created_at integer not null,
    updated_at integer not null,
    unique (user_name, reminder_key)
);
