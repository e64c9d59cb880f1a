//! The optional outgoing e-mail hook for reminders (催办邮件). Off by default; when on, [`send_reminders`] mails
//! each configured user the inbox lines not yet mailed that day (one mail per user, each reminder at most once a
//! day) and records what was sent, audited.
//!
//! The SMTP client is a minimal plain exchange (EHLO, MAIL, RCPT, DATA, QUIT; RFC 5321) over `std::net`: the
//! hook talks to the jurisdiction's own relay on the intranet, which needs no TLS or authentication, and a crate
//! such as lettre would add some twenty crates to the build for features we do not use. The message is UTF-8
//! (subject RFC 2047 base64, body base64), so Chinese text arrives intact; addresses are checked so that no
//! header can be injected.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::civil::Date;
use plantrack_core::supervise::{Reminder, SupervisedItem, period_label_zh};
use serde::{Deserialize, Serialize};

use super::views::{InboxLine, inbox_lines};
use super::{Ctx, load_items};
use crate::{AppError, Principal, Role};

/// SMTP settings (`[mail]` in the configuration). Off unless `enabled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailSettings {
    /// Send reminder mails at all.
    pub enabled: bool,
    /// SMTP relay host.
    pub host: String,
    /// SMTP port (25 for a relay).
    pub port: u16,
    /// Sender address.
    pub from: String,
    /// Name given in EHLO.
    pub helo: String,
    /// Seconds to wait for the relay at each step.
    pub timeout_secs: u64,
    /// Who gets mail: user name → address.
    pub recipients: BTreeMap<String, String>,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            enabled: false,
            host: "127.0.0.1".into(),
            port: 25,
            from: "plantrack@localhost".into(),
            helo: "plantrack".into(),
            timeout_secs: 10,
            recipients: BTreeMap::new(),
        }
    }
}

/// A mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Recipient address.
    pub to: String,
    /// Subject (UTF-8).
    pub subject: String,
    /// Plain-text body (UTF-8).
    pub body: String,
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address that is not a plain `local@domain`.
    #[error("邮件地址无效 / invalid mail address: {0:?}")]
    BadAddress(String),
    /// Network trouble.
    #[error("无法连接邮件服务器 / mail relay unreachable: {0}")]
    Io(#[from] std::io::Error),
    /// The relay refused a step.
    #[error("邮件服务器拒绝 / the mail relay refused {step}: {reply}")]
    Refused {
        /// The command refused.
        step: &'static str,
        /// The relay's reply.
        reply: String,
    },
}

fn check_address(addr: &str) -> Result<&str, MailError> {
    let ok = addr
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty())
        && !addr
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c));
    if ok {
        Ok(addr)
    } else {
        Err(MailError::BadAddress(addr.to_owned()))
    }
}

/// Reads one SMTP reply (multi-line replies end with `NNN text`); returns its code and text.
fn reply(reader: &mut impl BufRead) -> Result<(u16, String), MailError> {
    let mut text = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(MailError::Io(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed",
            )));
        }
        text.push_str(&line);
        let code = line.get(..3).and_then(|c| c.parse::<u16>().ok());
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok((code.unwrap_or(0), text.trim_end().to_owned()));
        }
    }
}

fn expect(reader: &mut impl BufRead, step: &'static str, ok: &[u16]) -> Result<(), MailError> {
    let (code, text) = reply(reader)?;
    if ok.contains(&code) {
        Ok(())
    } else {
        Err(MailError::Refused { step, reply: text })
    }
}

/// The message text: headers and a base64 body, lines ending CRLF.
fn message_text(from: &str, mail: &Mail, date: &str) -> String {
    let body = STANDARD.encode(mail.body.as_bytes());
    let mut wrapped = String::new();
    for chunk in body.as_bytes().chunks(76) {
        wrapped.push_str(&String::from_utf8_lossy(chunk));
        wrapped.push_str("\r\n");
    }
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: =?UTF-8?B?{subject}?=\r\nDate: {date}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{wrapped}",
        to = mail.to,
        subject = STANDARD.encode(mail.subject.as_bytes()),
    )
}

/// Sends one mail through the relay (blocking; call it off the async runtime).
pub fn send(settings: &MailSettings, mail: &Mail) -> Result<(), MailError> {
    let from = check_address(&settings.from)?;
    let to = check_address(&mail.to)?;
    let timeout = Duration::from_secs(settings.timeout_secs.max(1));
    let addr = (settings.host.as_str(), settings.port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no address for the relay"))?;
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    expect(&mut reader, "greeting", &[220])?;
    write!(writer, "EHLO {}\r\n", settings.helo)?;
    expect(&mut reader, "EHLO", &[250])?;
    write!(writer, "MAIL FROM:<{from}>\r\n")?;
    expect(&mut reader, "MAIL FROM", &[250])?;
    write!(writer, "RCPT TO:<{to}>\r\n")?;
    expect(&mut reader, "RCPT TO", &[250, 251])?;
    write!(writer, "DATA\r\n")?;
    expect(&mut reader, "DATA", &[354])?;
    let date = jiff::Timestamp::now()
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string();
    // Base64 lines never start with '.', so no dot-stuffing is needed; headers are ours.
    writer.write_all(message_text(from, mail, &date).as_bytes())?;
    writer.write_all(b".\r\n")?;
    expect(&mut reader, "message", &[250])?;
    write!(writer, "QUIT\r\n")?;
    // The relay's goodbye does not matter: the message was accepted.
    let _ = reply(&mut reader);
    Ok(())
}

fn line_text(line: &InboxLine) -> String {
    let e = &line.entry;
    let what = match &e.reminder {
        Reminder::AwaitingAcceptance { assigned_on } => format!("已于 {assigned_on} 交办，待签收"),
        Reminder::ReportDueSoon {
            period,
            due,
            days_left,
        } => {
            format!(
                "{} 进展应于 {due} 前报送（还有 {days_left} 天）",
                period_label_zh(*period)
            )
        }
        Reminder::ReportOverdue {
            period,
            due,
            days_overdue,
        } => {
            format!(
                "{} 进展应于 {due} 前报送，已逾期 {days_overdue} 天",
                period_label_zh(*period)
            )
        }
        Reminder::DeadlineSoon { deadline, days_left } => {
            format!("距办结时限 {deadline} 还有 {days_left} 天")
        }
        Reminder::DeadlineOverdue {
            deadline,
            days_overdue,
        } => {
            format!("已超过办结时限 {deadline} {days_overdue} 天")
        }
        Reminder::Returned { reason, .. } => format!("被退回：{reason}"),
        Reminder::AwaitingReview => "办结申请待复核".into(),
        Reminder::AwaitingClosureDecision => "复核完毕，待批准办结".into(),
        Reminder::AwaitingExtensionDecision { requested } => format!("延期申请（至 {requested}）待审批"),
    };
    format!("【{}】{}：{}", e.item, e.title, what)
}

/// What [`send_reminders`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MailSummary {
    /// Mails sent (one per user).
    pub mails: usize,
    /// Reminders in them.
    pub reminders: usize,
    /// Users whose mail failed, with the reason (nothing recorded for them: tried again next run).
    pub failed: Vec<(String, String)>,
}

/// Mails each configured recipient their reminders of `today` not yet mailed today. Does nothing when off.
pub async fn send_reminders(
    ctx: Ctx<'_>,
    settings: &MailSettings,
    today: Date,
) -> Result<MailSummary, AppError> {
    let mut summary = MailSummary::default();
    if !settings.enabled {
        return Ok(summary);
    }
    let items: Vec<SupervisedItem> = load_items(ctx).await?.into_iter().map(|l| l.item).collect();
    for (username, address) in &settings.recipients {
        let Some(user) = ctx.store.user_by_username(username).await? else {
            summary
                .failed
                .push((username.clone(), "没有该用户 / no such user".into()));
            continue;
        };
        let Ok(role) = user.record.role.to_string().parse::<Role>() else {
            continue;
        };
        if user.record.disabled {
            continue;
        }
        let principal = Principal::User {
            id: user.id,
            username: username.clone(),
            role,
            department: user.record.department_code.clone(),
            enterprise: user.record.enterprise_uscc.clone(),
            ip: None,
        };
        let Ok(lines) = inbox_lines(ctx, &principal, &items, today).await else {
            continue;
        };
        let receipts = ctx.store.reminder_receipts(username).await?;
        let due: Vec<&InboxLine> = lines
            .iter()
            .filter(|l| receipts.get(&l.key).and_then(|r| r.mailed_on) != Some(today))
            .collect();
        if due.is_empty() {
            continue;
        }
        let mail = Mail {
            to: address.clone(),
            subject: format!("督办提醒（{today}）：{} 项待办", due.len()),
            body: format!(
                "{}\n\n以上为 {today} 的督办提醒，请登录系统办理。\n",
                due.iter().map(|l| line_text(l)).collect::<Vec<_>>().join("\n")
            ),
        };
        let sent = {
            let settings = settings.clone();
            tokio::task::spawn_blocking(move || send(&settings, &mail))
                .await
                .map_err(AppError::unexpected)?
        };
        match sent {
            Ok(()) => {
                let mut tx = ctx.store.begin(plantrack_store::Actor::system()).await?;
                for l in &due {
                    tx.record_reminder_mailed(username, &l.key, today).await?;
                }
                tx.commit().await?;
                summary.mails += 1;
                summary.reminders += due.len();
            }
            Err(e) => summary.failed.push((username.clone(), e.to_string())),
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;

    use jiff::civil::date;
    use plantrack_store::accounts::{AppUser, Role as StoredRole};
    use plantrack_store::for_each_backend;

    use super::*;
    use crate::supervision::demo::demo_admin;
    use crate::supervision::register_plan_tasks;

    /// A local SMTP sink: accepts `sessions` sessions, answers every command, and sends each message's text.
    fn sink(sessions: usize) -> (u16, mpsc::Receiver<(String, String)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for _ in 0..sessions {
                let (stream, _) = listener.accept().unwrap();
                let mut out = stream.try_clone().unwrap();
                let mut lines = BufReader::new(stream);
                out.write_all(b"220 sink ESMTP\r\n").unwrap();
                let mut rcpt = String::new();
                loop {
                    let mut line = String::new();
                    if lines.read_line(&mut line).unwrap() == 0 {
                        break;
                    }
                    let upper = line.to_ascii_uppercase();
                    if upper.starts_with("EHLO") {
                        out.write_all(b"250-sink\r\n250 8BITMIME\r\n").unwrap();
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt = line.trim().to_owned();
                        out.write_all(b"250 ok\r\n").unwrap();
                    } else if upper.starts_with("DATA") {
                        out.write_all(b"354 go ahead\r\n").unwrap();
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            lines.read_line(&mut l).unwrap();
                            if l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        tx.send((rcpt.clone(), data)).unwrap();
                        out.write_all(b"250 queued\r\n").unwrap();
                    } else if upper.starts_with("QUIT") {
                        out.write_all(b"221 bye\r\n").unwrap();
                        break;
                    } else {
                        out.write_all(b"250 ok\r\n").unwrap();
                    }
                }
            }
        });
        (port, rx)
    }

    fn body_of(message: &str) -> String {
        let (_, body) = message.split_once("\r\n\r\n").unwrap();
        let joined: String = body.lines().collect();
        String::from_utf8(STANDARD.decode(joined).unwrap()).unwrap()
    }

    #[test]
    fn a_mail_reaches_the_relay_with_its_chinese_text_intact() {
        let (port, rx) = sink(1);
        let settings = MailSettings {
            enabled: true,
            port,
            from: "duchashi@example.gov.cn".into(),
            ..MailSettings::default()
        };
        send(
            &settings,
            &Mail {
                to: "jx@example.gov.cn".into(),
                subject: "督办提醒".into(),
                body: "请于本月5日前报送进展。\n.\n".into(),
            },
        )
        .unwrap();
        let (rcpt, data) = rx.recv().unwrap();
        assert_eq!(rcpt, "RCPT TO:<jx@example.gov.cn>");
        assert!(data.contains("Subject: =?UTF-8?B?"), "{data}");
        assert_eq!(body_of(&data), "请于本月5日前报送进展。\n.\n");
    }

    #[test]
    fn addresses_that_could_inject_headers_are_refused() {
        let settings = MailSettings::default();
        let mail = Mail {
            to: "a@b.cn\r\nBcc: x@y.cn".into(),
            subject: "s".into(),
            body: "b".into(),
        };
        assert!(matches!(send(&settings, &mail), Err(MailError::BadAddress(_))));
    }

    #[tokio::test]
    async fn reminders_are_mailed_once_a_day_and_not_at_all_when_off() {
        let plan = plantrack_core::plan::embedded::shuangtaizi().unwrap();
        for_each_backend!(|db| {
            let ctx = Ctx::new(&db.store, &plan);
            register_plan_tasks(ctx, &demo_admin(), true, date(2019, 1, 8).at(9, 0, 0, 0))
                .await
                .unwrap();
            let mut tx = db.store.begin(plantrack_store::Actor::system()).await.unwrap();
            tx.insert(&AppUser {
                username: "jx".into(),
                display_name: None,
                password_hash: "x".into(),
                role: StoredRole::Department,
                department_code: Some("jingxin".into()),
                enterprise_uscc: None,
                disabled: false,
            })
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let today = date(2019, 1, 9);
            let mut settings = MailSettings {
                recipients: [("jx".to_owned(), "jx@example.gov.cn".to_owned())].into(),
                ..MailSettings::default()
            };
            // Off by default: nothing is sent.
            assert_eq!(
                send_reminders(ctx, &settings, today).await.unwrap(),
                MailSummary::default()
            );

            let (port, rx) = sink(1);
            settings.enabled = true;
            settings.port = port;
            let summary = send_reminders(ctx, &settings, today).await.unwrap();
            assert_eq!(summary.mails, 1, "{summary:?}");
            assert!(summary.reminders >= 1);
            let (_, data) = rx.recv().unwrap();
            assert!(body_of(&data).contains("待签收"), "{}", body_of(&data));
            // The same day again: everything was mailed already, no connection is made.
            let again = send_reminders(ctx, &settings, today).await.unwrap();
            assert_eq!(again.mails, 0);
            assert!(again.failed.is_empty());
        });
    }
}
