//! The test harness: a spawned app over a store with the demo district and one user per role, and HTTP callers
//! signed in as each role.

use std::collections::HashMap;
use std::net::SocketAddr;

use plantrack_app::accounts::{self, NewUser};
use plantrack_app::auth::Password;
use plantrack_app::registries::{ListParams, RegistryKind};
use plantrack_app::{Principal, Role};
use plantrack_store::Store;
use plantrack_store::testing::TestDb;
use plantrack_web::{AppState, WebConfig};
use tokio::sync::oneshot;

/// The password of every test user.
pub const PASSWORD: &str = "correct-horse-42";

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// Serves `store` on a random port.
    pub async fn start(store: Store, config: WebConfig) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(store, config);
        let task = tokio::spawn(async move {
            plantrack_web::serve(state, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Server {
            base: format!("http://{addr}"),
            stop: Some(tx),
            task: Some(task),
        }
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

/// Ids the tests refer to.
#[derive(Debug, Clone, Default)]
pub struct Fixtures {
    /// The enterprise user's own enterprise.
    pub uscc: String,
    /// Another enterprise.
    pub other_uscc: String,
    /// The department user's department.
    pub dept: String,
    /// Another department.
    pub other_dept: String,
    /// A user id to edit (the leader).
    pub leader_id: i64,
    /// An API token id.
    pub token_id: i64,
    /// A row id per registry.
    pub rows: HashMap<&'static str, i64>,
}

/// A test application: the database, the server and the fixtures.
pub struct TestApp {
    /// The database (dropped at the end for PostgreSQL).
    pub db: TestDb,
    /// The server.
    pub server: Server,
    /// Fixture ids.
    pub fx: Fixtures,
}

impl TestApp {
    /// The base URL.
    pub fn base(&self) -> &str {
        &self.server.base
    }

    /// Stops the server and removes the database.
    pub async fn finish(self) {
        self.server.stop().await;
        self.db.finish().await;
    }
}

/// User names per role (the two department users report for different departments).
pub fn username(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Department => "tongji_user",
        Role::Leader => "leader",
        Role::Enterprise => "ent_user",
    }
}

/// Fills `store` with the demo district and one user per role; returns the fixtures.
pub async fn seed(store: &Store) -> Fixtures {
    let system = Principal::system();
    plantrack_app::demo::load_demo(store, &system, plantrack_app::demo::DEMO_SEED, true)
        .await
        .unwrap();
    let plan = plantrack_app::plan::current_plan(store).await.unwrap();
    let ents = plantrack_app::enterprises::search(store, &system, None, 0, 2)
        .await
        .unwrap();
    let uscc = ents.items[0].uscc.clone();
    let other_uscc = ents.items[1].uscc.clone();
    let mut fx = Fixtures {
        uscc: uscc.clone(),
        other_uscc,
        dept: "tongji".into(),
        other_dept: "jingxin".into(),
        ..Fixtures::default()
    };
    for (role, dept, ent) in [
        (Role::Admin, None, None),
        (Role::Department, Some("tongji"), None),
        (Role::Leader, None, None),
        (Role::Enterprise, None, Some(uscc.as_str())),
    ] {
        let u = accounts::add_user(
            store,
            &system,
            &plan,
            NewUser {
                username: username(role).into(),
                display_name: None,
                role,
                department: dept.map(str::to_owned),
                enterprise: ent.map(str::to_owned),
                password: Password::new(PASSWORD),
            },
        )
        .await
        .unwrap();
        if role == Role::Leader {
            fx.leader_id = u.id;
        }
    }
    accounts::add_user(
        store,
        &system,
        &plan,
        NewUser {
            username: "jingxin_user".into(),
            display_name: None,
            role: Role::Department,
            department: Some("jingxin".into()),
            enterprise: None,
            password: Password::new(PASSWORD),
        },
    )
    .await
    .unwrap();
    let (_, token) = accounts::create_token(store, &system, "leader", "fixture")
        .await
        .unwrap();
    fx.token_id = token.id;
    // An issued supervision report (通报 no. 1) for the report pages.
    plantrack_app::report::issue_report(
        plantrack_app::supervision::Ctx::new(store, &plan),
        &system,
        plantrack_core::period::Period::parse("2019Q4").unwrap(),
        &plantrack_app::report::BulletinOptions::default(),
        None,
        jiff::civil::date(2020, 1, 15).at(9, 0, 0, 0),
    )
    .await
    .unwrap();
    for kind in RegistryKind::ALL {
        let page = plantrack_app::registries::list(
            store,
            &system,
            kind,
            &ListParams {
                limit: 1,
                ..ListParams::default()
            },
        )
        .await
        .unwrap();
        let id = match page.items.first() {
            Some(r) => r.id,
            None => {
                panic!("the demo data have no {} row", kind.slug());
            }
        };
        fx.rows.insert(kind.slug(), id);
    }
    fx
}

/// A fresh SQLite application.
pub async fn sqlite_app() -> TestApp {
    app_on(TestDb::sqlite().await).await
}

/// An application over `db`.
pub async fn app_on(db: TestDb) -> TestApp {
    let fx = seed(&db.store).await;
    let server = Server::start(db.store.clone(), WebConfig::default()).await;
    TestApp { db, server, fx }
}

/// Every engine available: SQLite, and PostgreSQL when configured.
pub async fn all_apps() -> Vec<TestApp> {
    let mut out = Vec::new();
    for db in TestDb::all().await {
        out.push(app_on(db).await);
    }
    out
}

/// An HTTP client that keeps cookies and does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A caller: a cookie-keeping client, signed in as a role (or the public), with its CSRF token.
pub struct Caller {
    /// The client.
    pub http: reqwest::Client,
    /// The session's CSRF token.
    pub csrf: Option<String>,
}

/// Signs in through `POST /api/v1/session`.
pub async fn login(base: &str, user: &str) -> Caller {
    let http = client();
    let resp = http
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": user, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "log-in of {user}");
    let v: serde_json::Value = resp.json().await.unwrap();
    Caller {
        http,
        csrf: v["csrf_token"].as_str().map(str::to_owned),
    }
}

/// The public.
pub fn public() -> Caller {
    Caller {
        http: client(),
        csrf: None,
    }
}

/// The `_csrf` value of the first form on a page.
pub fn form_token(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")?;
    let rest = &html[i + 20..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The registries served under `/api/v1/{registry}` (issue 5 §4).
pub(crate) const REGISTRIES: [&str; 6] = [
    "talents",
    "platforms",
    "contracts",
    "financing",
    "funding",
    "achievements",
];
