-- 6: the audit log becomes a hash chain (docs/audit.md): every event carries the SHA-256 of the event before it
-- (prev_hash) and of its own canonical content including prev_hash (hash), so that an edited, deleted, inserted
-- or reordered event breaks the chain (RFC 6962 §2.1 in spirit; GB/T 22239-2019 二级 7.1.4.3 c): audit records protected
-- from deletion, modification and overwriting). The hashes are computed in Rust, identically on both engines:
-- events that exist when this migration runs (up to legacy_until) are chained on the first open after it.
alter table audit_event add column prev_hash text;
alter table audit_event add column hash text;

-- The chain's head: one row, locked by every writer (on PostgreSQL `select … for update`) so that the chain
-- stays linear; verify also compares it with the newest event, which notices deleted newest events.
create table audit_chain (
    audit_chain_id bigint primary key check (audit_chain_id = 1),
    head_id bigint not null,
    head_hash text not null,
    legacy_until bigint not null,
    created_at bigint not null,
    updated_at bigint not null
);
insert into audit_chain (audit_chain_id, head_id, head_hash, legacy_until, created_at, updated_at)
values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000',
        coalesce((select max(audit_event_id) from audit_event), 0), 0, 0);
