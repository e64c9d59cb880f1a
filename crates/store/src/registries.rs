//! The smaller registries (台账): introduced talents, platforms, technology contracts, IP-pledge financing,
//! fiscal support paid out, and achievements (the qualitative goals' key technologies and new products).
//! Each is a [`Record`](crate::Record): list/get/create/update/delete and import go through the generic
//! operations; natural keys make re-imports idempotent.

use crate::record::record;
use crate::sql::store_code;
pub use plantrack_core::registry::{
    Achievement, AchievementKind, FiscalSupport, IpPledgeFinancing, Platform, PlatformKind, Talent,
    TechContract,
};

record!(Talent, "talent", key(name, introduced_on, org_unit_code), search(name, category),
    order "introduced_on desc", { name, category, introduced_on, employer_uscc, org_unit_code, note });
record!(Platform, "platform", key(kind, name), search(name, host_unit), order "recognised_on desc",
    { name, kind, level, recognised_on, revoked_on, org_unit_code, host_unit, host_uscc });
record!(TechContract, "tech_contract", key(contract_number), search(contract_number, buyer_name, seller_uscc),
    order "registered_on desc",
    { contract_number, contract_type, registered_on, seller_uscc, buyer_name, turnover, tech_turnover, org_unit_code });
record!(IpPledgeFinancing, "ip_pledge_financing", key(registration_number),
    search(registration_number, uscc, pledgee), order "registered_on desc",
    { registration_number, uscc, pledgee, amount, registered_on, patent_count, org_unit_code, note });
record!(FiscalSupport, "fiscal_support", key(program, recipient_name, paid_on),
    search(program, recipient_name, document_number), order "paid_on desc",
    { program, recipient_name, recipient_uscc, amount, paid_on, department_code, org_unit_code, document_number });
record!(Achievement, "achievement", key(kind, title, owner_name), search(title, owner_name),
    order "title", { kind, title, owner_name, owner_uscc, level, recognised_on, evidence, org_unit_code });
store_code!(PlatformKind);
store_code!(AchievementKind);
