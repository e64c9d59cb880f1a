//! Drafting a plan from a policy text (规划起草, issue 7): read the document (decode, normalise, extract), let a
//! person review the extracted targets, and store the accepted ones as a new *draft* plan.
//!
//! A draft is stored beside the plan in force under a key of its own (`draft_2018_2020`, `draft_2018_2020_2`, …),
//! with the store's `draft` flag: it never adds a revision to another plan and is never taken for the plan the
//! dashboard tracks (`status::current_plan` skips drafts). Putting a draft into force is a deliberate step that
//! this module does not offer; the draft is downloaded, completed where it says `REVIEW`, and loaded by hand.
//!
//! The review keeps no state in the server: the accept step gets the text again and extracts it again (the
//! extractor is deterministic), so the accepted indexes name the same targets the reviewer saw.

use plantrack_core::plan::Plan;
use plantrack_store::plans::PlanFile;
use plantrack_store::{Store, Stored};
use plantrack_text::{
    Comparator, DecodeError, DecodedText, DraftOptions, Extraction, decode, default_plan_id,
    draft_plan_toml_with, extract,
};

use crate::{AppError, FieldError, Permission, Principal};

/// A document read for review.
#[derive(Debug, Clone)]
pub struct ReadDocument {
    /// The decoded text (what the accept step sends back).
    pub decoded: DecodedText,
    /// What the extractor found in it.
    pub extraction: Extraction,
}

/// The message of a decoding refusal, split into its Chinese and English halves.
fn decode_error(field: &str, e: &DecodeError) -> AppError {
    if let DecodeError::TooLarge { limit, .. } = e {
        return AppError::TooLarge {
            limit_bytes: u64::try_from(*limit).unwrap_or(u64::MAX),
        };
    }
    let text = e.to_string();
    let (zh, en) = text.split_once(" / ").unwrap_or((&text, &text));
    AppError::invalid(field, zh, en)
}

/// Extraction is CPU work proportional to the text (about 10 ms per MB in release builds): off the async
/// workers, so that a large upload does not stall other requests.
async fn extract_blocking(text: String) -> Result<(String, Extraction), AppError> {
    tokio::task::spawn_blocking(move || {
        let e = extract(&text);
        (text, e)
    })
    .await
    .map_err(AppError::unexpected)
}

/// Reads a document: .docx, .pdf with text, .ofd, a web page, or plain text in UTF-8 (with or without BOM), UTF-16
/// with a BOM, or GBK/GB18030 (`plantrack_text::decode`); empty, blank, binary, undecodable input, old .doc/.wps
/// files and scanned PDFs are refused with the reason (`field` names the form field the bytes came from).
pub async fn read_document(who: &Principal, field: &str, bytes: &[u8]) -> Result<ReadDocument, AppError> {
    who.require(&Permission::ManagePlans)?;
    let decoded = decode(bytes).map_err(|e| decode_error(field, &e))?;
    let (text, extraction) = extract_blocking(decoded.text).await?;
    Ok(ReadDocument {
        decoded: DecodedText { text, ..decoded },
        extraction,
    })
}

/// What to store: the text as reviewed, where it came from, and the indexes of the accepted targets.
#[derive(Debug, Clone)]
pub struct AcceptRequest {
    /// The decoded text (as returned by [`read_document`]).
    pub text: String,
    /// The document's name (file name, or "pasted text"), written into the plan file's `source`.
    pub source: String,
    /// Indexes into the extraction's targets.
    pub accepted: Vec<usize>,
}

/// A draft as stored.
#[derive(Debug, Clone)]
pub struct StoredDraft {
    /// The stored plan file (key, revision 1, content, `draft` set).
    pub file: Stored<PlanFile>,
    /// The plan it reads as.
    pub plan: Plan,
}

/// Keeps a name to one line of printable characters (it goes into a TOML comment and a string).
fn clean_source(source: &str) -> String {
    let s: String = source.chars().filter(|c| !c.is_control()).take(200).collect();
    let s = s.trim();
    if s.is_empty() {
        "粘贴的文本 / pasted text".to_owned()
    } else {
        s.to_owned()
    }
}

/// Drafts a plan file from the accepted targets, checks it with the plan parser (`plantrack plan check`) and
/// stores it as a new draft plan (audited). Nothing is stored when the text is unusable, an index is wrong or
/// the draft does not read.
pub async fn accept_draft(
    store: &Store,
    who: &Principal,
    req: AcceptRequest,
) -> Result<StoredDraft, AppError> {
    who.require(&Permission::ManagePlans)?;
    let bytes = req.text.into_bytes();
    let doc = read_document(who, "text", &bytes).await?;
    let e = &doc.extraction;
    let mut accepted = req.accepted;
    accepted.sort_unstable();
    accepted.dedup();
    let mut problems = Vec::new();
    for &i in &accepted {
        match e.targets.get(i) {
            None => problems.push(FieldError::new(
                "accept",
                format!("没有第 {} 个目标（文本中共 {} 个）", i + 1, e.targets.len()),
                format!("there is no target {} (the text has {})", i + 1, e.targets.len()),
            )),
            Some(t) if t.comparator == Comparator::Multiple => problems.push(FieldError::new(
                "accept",
                format!("目标 “{}” 是相对基数的倍数，须手工定义基数，不能直接纳入", t.indicator),
                format!(
                    "target “{}” is a multiple of a base, which has to be defined by hand; it cannot be accepted as is",
                    t.indicator
                ),
            )),
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let source = clean_source(&req.source);
    let embedded = crate::status::embedded_plan_key()?;
    let base = default_plan_id(e);
    let mut tx = store.begin(who.actor()).await?;
    // The first free key; the store refuses a taken one again inside this transaction.
    let mut key = None;
    for n in 1..=1000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}_{n}")
        };
        if candidate != embedded && !tx.plan_key_taken(&candidate).await? {
            key = Some(candidate);
            break;
        }
    }
    let Some(key) = key else {
        return Err(AppError::Conflict(format!(
            "“{base}” 的草稿已太多，请先清理 / too many drafts of “{base}”"
        )));
    };
    let toml = draft_plan_toml_with(
        e,
        &source,
        DraftOptions {
            plan_id: Some(&key),
            targets: Some(&accepted),
        },
    );
    let plan = Plan::from_toml(&toml, &format!("draft {key}")).map_err(|errs| {
        AppError::Invalid(
            errs.0
                .iter()
                .map(|p| {
                    let m = p.to_string();
                    FieldError::new(
                        "plan",
                        format!("草稿未通过计划检查：{m}"),
                        format!("the draft fails the plan check: {m}"),
                    )
                })
                .collect(),
        )
    })?;
    let note = format!(
        "起草自 {source}（{} 个目标）/ drafted from {source} ({} targets)",
        plan.targets().len(),
        plan.targets().len()
    );
    let file = tx.save_draft_plan_file(&key, &toml, Some(&note)).await?;
    tx.commit().await?;
    Ok(StoredDraft { file, plan })
}

/// One stored plan for the plans list.
#[derive(Debug, Clone)]
pub struct PlanSummary {
    /// The stored file (current revision).
    pub file: Stored<PlanFile>,
    /// The plan it reads as (`None` if it no longer reads — listed, so it can still be downloaded).
    pub plan: Option<Plan>,
    /// The plan the dashboard tracks.
    pub in_force: bool,
}

/// Every stored plan with its current revision, the one in force marked. Internal users.
pub async fn stored_plans(store: &Store, who: &Principal) -> Result<Vec<PlanSummary>, AppError> {
    who.require(&Permission::ViewInternal)?;
    let in_force = crate::status::plan_file_in_force(store)
        .await?
        .map(|f| f.record.plan_key);
    Ok(store
        .plan_files()
        .await?
        .into_iter()
        .map(|f| {
            let plan = Plan::from_toml(&f.record.content, &f.record.plan_key).ok();
            PlanSummary {
                in_force: in_force.as_deref() == Some(f.record.plan_key.as_str()),
                plan,
                file: f,
            }
        })
        .collect())
}

/// One stored plan (current revision). Internal users.
pub async fn stored_plan(store: &Store, who: &Principal, key: &str) -> Result<PlanSummary, AppError> {
    who.require(&Permission::ViewInternal)?;
    let not_found = || AppError::NotFound {
        entity: "plan".into(),
        id: key.chars().take(64).collect(),
    };
    let file = store.current_plan_file(key).await?.ok_or_else(not_found)?;
    let in_force = crate::status::plan_file_in_force(store)
        .await?
        .is_some_and(|f| f.record.plan_key == file.record.plan_key);
    Ok(PlanSummary {
        plan: Plan::from_toml(&file.record.content, key).ok(),
        in_force,
        file,
    })
}

#[cfg(test)]
mod tests {
    use plantrack_store::testing::TestDb;

    use super::*;

    const SEED: &str = include_str!("../../text/tests/fixtures/seed/plan-explanation.original.txt");

    fn admin() -> Principal {
        Principal::system()
    }

    #[tokio::test]
    async fn accepted_targets_become_a_draft_beside_the_plan_in_force() {
        for db in TestDb::all().await {
            let store = &db.store;
            crate::demo::ensure_plan(store).await.unwrap();
            let before = crate::status::current_plan(store).await.unwrap();
            let d = accept_draft(
                store,
                &admin(),
                AcceptRequest {
                    text: SEED.to_owned(),
                    source: "说明.txt\n".into(),
                    accepted: vec![1, 4, 1],
                },
            )
            .await
            .unwrap();
            assert_eq!(d.file.record.plan_key, "draft_2018_2020");
            assert!(d.file.record.draft);
            let ids: Vec<String> = d.plan.targets().iter().map(|t| t.id.to_string()).collect();
            assert_eq!(ids, ["high_end_talents", "rd_institution_coverage"]);
            assert!(d.file.record.content.contains("source = \"说明.txt\""));
            // A second draft of the same period gets a key of its own.
            let again = accept_draft(
                store,
                &admin(),
                AcceptRequest {
                    text: SEED.to_owned(),
                    source: String::new(),
                    accepted: vec![],
                },
            )
            .await
            .unwrap();
            assert_eq!(again.file.record.plan_key, "draft_2018_2020_2");
            // The plan in force is still the Shuangtaizi plan.
            let after = crate::status::current_plan(store).await.unwrap();
            assert_eq!(after.origin, before.origin);
            let list = stored_plans(store, &admin()).await.unwrap();
            let keys: Vec<(&str, bool, bool)> = list
                .iter()
                .map(|s| (s.file.record.plan_key.as_str(), s.file.record.draft, s.in_force))
                .collect();
            assert_eq!(
                keys,
                [
                    ("draft_2018_2020", true, false),
                    ("draft_2018_2020_2", true, false),
                    ("shuangtaizi_2018_2020", false, true)
                ]
            );
            db.finish().await;
        }
    }

    #[tokio::test]
    async fn a_draft_never_becomes_the_plan_in_force_of_an_empty_store() {
        let db = TestDb::sqlite().await;
        accept_draft(
            &db.store,
            &admin(),
            AcceptRequest {
                text: SEED.to_owned(),
                source: "seed".into(),
                accepted: vec![0],
            },
        )
        .await
        .unwrap();
        let current = crate::status::current_plan(&db.store).await.unwrap();
        assert!(!current.origin.contains("draft"), "{}", current.origin);
        assert_eq!(current.plan.targets().len(), 8);
        db.finish().await;
    }

    #[tokio::test]
    async fn bad_input_and_bad_indexes_store_nothing() {
        let db = TestDb::sqlite().await;
        let store = &db.store;
        for (text, accepted, field) in [
            ("", vec![], "text"),
            ("  \n\t ", vec![], "text"),
            ("a\u{0}b", vec![], "text"),
            (SEED, vec![8], "accept"),
        ] {
            let err = accept_draft(
                store,
                &admin(),
                AcceptRequest {
                    text: text.to_owned(),
                    source: "x".into(),
                    accepted,
                },
            )
            .await
            .unwrap_err();
            match err {
                AppError::Invalid(list) => assert_eq!(list[0].field, field, "{list:?}"),
                other => panic!("{other:?}"),
            }
        }
        assert!(store.plan_files().await.unwrap().is_empty());
        db.finish().await;
    }

    #[tokio::test]
    async fn only_admins_draft_plans() {
        for role in [
            crate::Role::Department,
            crate::Role::Leader,
            crate::Role::Enterprise,
        ] {
            let p = Principal::User {
                id: 9,
                username: "u".into(),
                role,
                department: Some("tongji".into()),
                enterprise: None,
                ip: None,
            };
            assert!(matches!(
                read_document(&p, "text", b"x").await,
                Err(AppError::Forbidden)
            ));
        }
        assert!(matches!(
            read_document(&Principal::Public, "text", b"x").await,
            Err(AppError::Unauthenticated)
        ));
    }
}
