//! Log-in throttling under parallel attempts and the security events of the audit log, on SQLite and (when
//! configured) PostgreSQL: the attempt is counted and the lock checked in one step before the password is
//! verified, so exactly the allowed number of attempts are verified however many arrive at once, and a locked
//! name refuses the right password too.
#![allow(clippy::unwrap_used)]

use plantrack_app::accounts::{NewUser, add_user};
use plantrack_app::auth::{ClientInfo, Password, login};
use plantrack_app::{AppError, Principal, Role};
use plantrack_store::audit::AuditQuery;
use plantrack_store::{Store, for_each_backend};

const PASSWORD: &str = "correct-horse-42";

async fn count(store: &Store, action: &str) -> i64 {
    store
        .audit_events(&AuditQuery {
            action: Some(action.into()),
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .total
}

async fn add(store: &Store, name: &str) {
    let plan = plantrack_app::plan::current_plan(store).await.unwrap();
    add_user(
        store,
        &Principal::system(),
        &plan,
        NewUser {
            username: name.into(),
            display_name: None,
            role: Role::Leader,
            department: None,
            enterprise: None,
            password: Password::new(PASSWORD),
        },
    )
    .await
    .unwrap();
}

fn from(ip: &str) -> ClientInfo {
    ClientInfo {
        ip: Some(ip.into()),
        user_agent: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_parallel_wrong_passwords_verify_exactly_five_and_then_lock_the_right_one_out() {
    for_each_backend!(|db| {
        let store = db.store.clone();
        add(&store, "leader").await;
        let mut tasks = Vec::new();
        for i in 0..100 {
            let store = store.clone();
            // From two addresses, as an attacker spreading attempts would.
            let client = from(if i % 2 == 0 { "10.0.0.1" } else { "10.0.0.2" });
            tasks.push(tokio::spawn(async move {
                login(&store, "leader", Password::new("wrong-password"), &client).await
            }));
        }
        let mut wrong = 0;
        let mut throttled = 0;
        for t in tasks {
            match t.await.unwrap() {
                Err(AppError::Invalid(_)) => wrong += 1,
                Err(AppError::Throttled { .. }) => throttled += 1,
                other => panic!("{other:?}"),
            }
        }
        // Exactly five passwords were verified (each audited as a failure); the other 95 attempts were refused
        // as locked without verifying. (The five may answer "locked" too: by the time their verification ends,
        // the name is locked.)
        assert_eq!(count(&store, "login_failed").await, 5, "{:?}", db.backend());
        assert_eq!(count(&store, "login_locked").await, 95, "{:?}", db.backend());
        assert_eq!(wrong + throttled, 100);
        assert!(throttled >= 95, "{throttled}");
        assert!(count(&store, "lockout").await >= 1);
        // The right password, from a third address, is refused while the name is locked.
        let r = login(&store, "leader", Password::new(PASSWORD), &from("10.0.0.3")).await;
        assert!(matches!(r, Err(AppError::Throttled { .. })), "{r:?}");
        assert_eq!(count(&store, "login").await, 0);
        // Another user logs in meanwhile.
        add(&store, "other").await;
        let ok = login(&store, "other", Password::new(PASSWORD), &from("10.0.0.9"))
            .await
            .unwrap();
        assert_eq!(ok.principal.ip(), Some("10.0.0.9"));
        // The successful log-in is audited with the address, and the chain holds all of it.
        let page = store
            .audit_events(&AuditQuery {
                action: Some("login".into()),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(page.items[0].ip.as_deref(), Some("10.0.0.9"));
        assert!(store.verify_audit_chain(None).await.unwrap().intact());
    });
}

#[tokio::test]
async fn failures_below_the_limit_are_forgotten_after_a_successful_log_in() {
    for_each_backend!(|db| {
        let store = &db.store;
        add(store, "leader").await;
        for _ in 0..4 {
            let r = login(
                store,
                "leader",
                Password::new("wrong-password"),
                &from("10.0.0.1"),
            )
            .await;
            assert!(matches!(r, Err(AppError::Invalid(_))), "{r:?}");
        }
        login(store, "leader", Password::new(PASSWORD), &from("10.0.0.1"))
            .await
            .unwrap();
        for _ in 0..4 {
            let r = login(
                store,
                "leader",
                Password::new("wrong-password"),
                &from("10.0.0.1"),
            )
            .await;
            assert!(matches!(r, Err(AppError::Invalid(_))), "{r:?}");
        }
        let r = login(
            store,
            "leader",
            Password::new("wrong-password"),
            &from("10.0.0.1"),
        )
        .await;
        assert!(
            matches!(r, Err(AppError::Throttled { .. })),
            "the fifth failure locks: {r:?}"
        );
        let page = store
            .audit_events(&AuditQuery {
                action: Some("login_failed".into()),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(page.total, 9);
        let e = &page.items[0];
        assert_eq!((e.actor.as_str(), e.ip.as_deref()), ("public", Some("10.0.0.1")));
        assert_eq!(e.entity_id, "leader");
        assert_eq!(e.after.as_ref().unwrap()["reason"], "wrong_password");
        // An address that failed five times with five names is locked for every name, the right password too.
        for i in 0..5 {
            let r = login(
                store,
                &format!("nobody{i}"),
                Password::new("x-password"),
                &from("10.0.0.8"),
            )
            .await;
            assert!(r.is_err());
        }
        add(store, "other").await;
        let r = login(store, "other", Password::new(PASSWORD), &from("10.0.0.8")).await;
        assert!(matches!(r, Err(AppError::Throttled { .. })), "{r:?}");
        login(store, "other", Password::new(PASSWORD), &from("10.0.0.9"))
            .await
            .unwrap();
    });
}

#[tokio::test]
async fn refused_tokens_are_audited_with_the_reason() {
    for_each_backend!(|db| {
        let store = &db.store;
        add(store, "leader").await;
        let (token, t) = plantrack_app::accounts::create_token(store, &Principal::system(), "leader", "t")
            .await
            .unwrap();
        let client = from("10.0.0.5");
        let p = plantrack_app::auth::token_principal(store, &token, &client)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.actor().ip.as_deref(), Some("10.0.0.5"));
        plantrack_app::accounts::revoke_token(store, &Principal::system(), t.id)
            .await
            .unwrap();
        assert!(
            plantrack_app::auth::token_principal(store, &token, &client)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            plantrack_app::auth::token_principal(store, &"ab".repeat(32), &client)
                .await
                .unwrap()
                .is_none()
        );
        let page = store
            .audit_events(&AuditQuery {
                action: Some("token_refused".into()),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        let seen: Vec<(String, String)> = page
            .items
            .iter()
            .map(|e| {
                (
                    e.entity_id.clone(),
                    e.after.as_ref().unwrap()["reason"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("unknown".to_owned(), "unknown".to_owned()),
                (t.id.to_string(), "revoked".to_owned())
            ]
        );
        assert!(page.items.iter().all(|e| e.ip.as_deref() == Some("10.0.0.5")));
    });
}
