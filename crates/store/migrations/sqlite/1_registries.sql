-- 1: the registries the plan's data elements come from (org units, observations, enterprises and their
-- qualifications, talents, platforms, contracts, financing, fiscal support, achievements), the plan files, the
-- web's accounts and sessions, import batches and the audit log.
-- Portable types (stack.md §2.3): decimals and dates are TEXT, instants BIGINT unix milliseconds, booleans 0/1.
-- Every editable row has `version` (optimistic concurrency) and created_at/updated_at set from Rust.

create table org_unit (
    org_unit_id integer primary key autoincrement,
    code text not null,                 -- 行政区划代码 (or a park's code)
    name text not null,
    parent_code text,                   -- NULL for the root
    level text not null,                -- province | city | district | street | park …
    valid_from text not null,           -- boundary changes add a row instead of editing one
    valid_to text,                      -- inclusive last day; NULL = still valid
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (code, valid_from)
);
create index org_unit_parent on org_unit (parent_code);

create table department (
    department_id integer primary key autoincrement,
    code text not null unique,          -- the plan file's department id
    name text not null,
    org_unit_code text,
    version integer not null,
    created_at integer not null,
    updated_at integer not null
);

create table plan_file (
    plan_file_id integer primary key autoincrement,
    plan_key text not null,             -- the plan's id
    revision integer not null,          -- 1, 2, … per plan_key; the highest is current
    content text not null,              -- the plan file as uploaded (TOML)
    sha256 text not null,
    note text,
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (plan_key, revision)
);

create table observation (
    observation_id integer primary key autoincrement,
    org_unit_code text not null,
    period text not null,               -- 2019, 2019Q3, 2019H1, 2019-06
    period_start text not null,
    period_end text not null,
    data_element text not null,
    value text not null,
    source text,
    entered_by text,
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (org_unit_code, period, data_element)
);
create index observation_element on observation (data_element, period_start);

create table enterprise (
    enterprise_id integer primary key autoincrement,
    uscc text not null unique,          -- 统一社会信用代码
    name text not null,
    founded_on text,
    org_unit_code text,
    industry_code text,                 -- GB/T 4754
    high_tech_field text,               -- 国家重点支持的高新技术领域
    reported_year integer,              -- annual report the master data was last taken from
    version integer not null,
    created_at integer not null,
    updated_at integer not null
);
create index enterprise_org_unit on enterprise (org_unit_code);

create table enterprise_year (
    enterprise_year_id integer primary key autoincrement,
    uscc text not null references enterprise (uscc),
    year integer not null,
    org_unit_code text,
    employees integer,
    tech_staff integer,
    sales_revenue text,
    main_business_revenue text,
    total_revenue text,
    high_tech_revenue text,
    total_assets text,
    total_liabilities text,
    total_cost text,
    rd_expense text,
    domestic_rd_expense text,
    ip_class1 integer,
    ip_class2 integer,
    rd_institution_level text,
    achievements_transformed integer,
    above_scale_industrial integer check (above_scale_industrial in (0, 1)),
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (uscc, year)
);
create index enterprise_year_year on enterprise_year (year, org_unit_code);

create table qualification (
    qualification_id integer primary key autoincrement,
    uscc text not null references enterprise (uscc),
    kind text not null check (kind in ('high_tech', 'tech_sme')),
    number text not null,               -- 证书编号 / 入库登记编号
    issued_on text not null,
    year integer not null,
    valid_until text not null,
    revoked_on text,
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (kind, number)
);
create index qualification_uscc on qualification (uscc);
create index qualification_kind_year on qualification (kind, year);

create table enterprise_record (
    enterprise_record_id integer primary key autoincrement,
    uscc text not null references enterprise (uscc),
    kind text not null check (kind in ('rd_institution', 'incident', 'award', 'standard', 'dishonesty')),
    title text not null,
    level text,
    occurred_on text not null,
    ended_on text,
    detail text,
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (uscc, kind, title, occurred_on)
);

create table talent (
    talent_id integer primary key autoincrement,
    name text not null,
    category text not null,
    introduced_on text not null,
    employer_uscc text,
    org_unit_code text not null,
    note text,
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (name, introduced_on, org_unit_code)
);
create index talent_introduced on talent (introduced_on);

create table platform (
    platform_id integer primary key autoincrement,
    name text not null,
    kind text not null check (kind in ('industrial_tech_institute', 'maker_space', 'incubator')),
    level text,
    recognised_on text not null,
    revoked_on text,
    org_unit_code text not null,
    host_unit text,
    host_uscc text,
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (kind, name)
);

create table tech_contract (
    tech_contract_id integer primary key autoincrement,
    contract_number text not null unique,
    contract_type text not null,
    registered_on text not null,
    seller_uscc text not null,
    buyer_name text,
    turnover text not null,
    tech_turnover text,
    org_unit_code text not null,
    version integer not null,
    created_at integer not null,
    updated_at integer not null
);
create index tech_contract_registered on tech_contract (registered_on);

create table ip_pledge_financing (
    ip_pledge_financing_id integer primary key autoincrement,
    registration_number text not null unique,
    uscc text not null,
    pledgee text not null,
    amount text not null,
    registered_on text not null,
    patent_count integer,
    org_unit_code text not null,
    note text,
    version integer not null,
    created_at integer not null,
    updated_at integer not null
);

create table fiscal_support (
    fiscal_support_id integer primary key autoincrement,
    program text not null,
    recipient_name text not null,
    recipient_uscc text,
    amount text not null,
    paid_on text not null,
    department_code text,
    org_unit_code text not null,
    document_number text,
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (program, recipient_name, paid_on)
);

create table achievement (
    achievement_id integer primary key autoincrement,
    kind text not null check (kind in ('key_technology', 'new_product')),
    title text not null,
    owner_name text not null,
    owner_uscc text,
    level text,
    recognised_on text,
    evidence text,
    org_unit_code text not null,
    version integer not null,
    created_at integer not null,
    updated_at integer not null,
    unique (kind, title, owner_name)
);

create table app_user (
    app_user_id integer primary key autoincrement,
    username text not null unique,
    display_name text,
    password_hash text not null,        -- argon2id PHC string
    role text not null check (role in ('admin', 'department', 'leader', 'enterprise')),
    department_code text,
    enterprise_uscc text,
    disabled integer not null check (disabled in (0, 1)),
    version integer not null,
    created_at integer not null,
    updated_at integer not null
);

create table session (
    session_id text primary key,        -- hex SHA-256 of the cookie's token; the token itself is never stored
    app_user_id integer not null references app_user (app_user_id) on delete cascade,
    csrf_token text not null,
    created_at integer not null,
    updated_at integer not null,
    expires_at integer not null,
    last_seen_at integer not null,
    ip text,
    user_agent text
);
create index session_by_user on session (app_user_id);
create index session_expires on session (expires_at);

create table api_token (
    api_token_id integer primary key autoincrement,
    token_hash text not null unique,    -- hex SHA-256 of the bearer token
    app_user_id integer not null references app_user (app_user_id) on delete cascade,
    name text not null,
    expires_at integer,
    last_used_at integer,
    revoked integer not null check (revoked in (0, 1)),
    created_at integer not null,
    updated_at integer not null
);

create table login_throttle (
    throttle_key text primary key,      -- user:NAME or ip:ADDRESS
    failures integer not null,
    window_started_at integer not null,
    locked_until integer,
    created_at integer not null,
    updated_at integer not null
);

create table import_batch (
    import_batch_id integer primary key autoincrement,
    kind text not null,
    file_name text,
    sha256 text,
    actor text not null,
    rows_total integer not null,
    inserted integer not null,
    updated integer not null,
    unchanged integer not null,
    created_at integer not null,
    updated_at integer not null
);

create table audit_event (
    audit_event_id integer primary key autoincrement,
    created_at integer not null,
    actor text not null,
    ip text,
    action text not null,               -- create | update | delete | import | login | …
    entity text not null,
    entity_id text not null,
    before_json text,
    after_json text
);
create index audit_event_entity on audit_event (entity, entity_id);
create index audit_event_created on audit_event (created_at);
