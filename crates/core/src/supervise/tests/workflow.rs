//! The workflow: every state × action × role, and the refusals of bad input.

use rust_decimal_macros::dec;

use super::*;

/// Expected transitions, written out from the workflow (立项 → 交办 → 签收 → 办理 → 申请办结 → 复核 → 办结,
/// with 退回 and 延期申请): `-` illegal, `=` legal and the state stays, otherwise the state reached.
const TRANSITIONS: &str = "
                     Reg  Asg  Acc  Ipr  Ret  CRq  URv  Cls
register             -    -    -    -    -    -    -    -
assign               Asg  -    -    -    -    -    -    -
accept               -    Acc  -    -    -    -    -    -
report_progress      -    -    Ipr  Ipr  Ipr  -    -    -
request_closure      -    -    CRq  CRq  CRq  -    -    -
start_review         -    -    -    -    -    URv  -    -
approve_closure      -    -    -    -    -    -    Cls  -
return               -    -    -    Ret  -    Ret  Ret  -
request_extension    -    =    =    =    =    -    -    -
approve_extension    =    =    =    =    =    =    =    -
refuse_extension     =    =    =    =    =    =    =    -
comment              =    =    =    =    =    =    =    =
commend              =    =    =    =    =    =    =    =
";

/// Who may act, written out from the roles of the issue: admins do everything; a department acts only on its
/// own items (co-departments may comment); leaders comment and approve.
const ROLES: &str = "
                     admin lead co   other leader
register             y     -    -    -     -
assign               y     -    -    -     -
accept               y     y    -    -     -
report_progress      y     y    -    -     -
request_closure      y     y    -    -     -
start_review         y     -    -    -     -
approve_closure      y     -    -    -     y
return               y     -    -    -     y
request_extension    y     y    -    -     -
approve_extension    y     -    -    -     y
refuse_extension     y     -    -    -     y
comment              y     y    y    -     y
commend              y     -    -    -     y
";

fn state_code(code: &str) -> State {
    match code {
        "Reg" => State::Registered,
        "Asg" => State::Assigned,
        "Acc" => State::Accepted,
        "Ipr" => State::InProgress,
        "Ret" => State::Returned,
        "CRq" => State::ClosureRequested,
        "URv" => State::UnderReview,
        "Cls" => State::Closed,
        other => panic!("unknown state code {other}"),
    }
}

fn action_kind(name: &str) -> ActionKind {
    serde_json::from_value(serde_json::Value::String(name.into())).unwrap()
}

fn table(text: &str) -> (Vec<String>, Vec<(ActionKind, Vec<String>)>) {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect();
    let rows = lines
        .map(|l| {
            let mut cells = l.split_whitespace();
            let kind = action_kind(cells.next().unwrap());
            (kind, cells.map(String::from).collect())
        })
        .collect();
    (header, rows)
}

/// An item in `state` on 2019-02-05 at the latest, with or without a pending extension request.
fn item_in(state: State, pending: bool) -> Option<SupervisedItem> {
    let ext = || Action::RequestExtension {
        new_deadline: d(2020, 6, 30),
    };
    let mut item = SupervisedItem::register(
        spec("t1", d(2019, 12, 31), ReportingCycle::Monthly),
        admin(),
        at(2019, 1, 2),
        "立项",
    )
    .unwrap();
    let step = |item: &mut SupervisedItem, day: i8, action: Action| {
        run(item, admin(), at(2019, 2, day), action, "理由")
    };
    if state == State::Registered {
        return (!pending).then_some(item);
    }
    step(&mut item, 1, Action::Assign);
    if state == State::Assigned {
        if pending {
            step(&mut item, 2, ext());
        }
        return Some(item);
    }
    step(&mut item, 2, Action::Accept);
    if state == State::Accepted {
        if pending {
            step(&mut item, 3, ext());
        }
        return Some(item);
    }
    step(&mut item, 3, report(dec!(40)));
    if pending {
        step(&mut item, 3, ext());
    }
    match state {
        State::InProgress => Some(item),
        State::Returned => {
            step(&mut item, 4, Action::Return);
            Some(item)
        }
        State::ClosureRequested | State::UnderReview | State::Closed => {
            step(&mut item, 4, Action::RequestClosure);
            if state == State::ClosureRequested {
                return Some(item);
            }
            step(&mut item, 5, Action::StartReview);
            if state == State::UnderReview {
                return Some(item);
            }
            if pending {
                return None; // closure clears a pending extension
            }
            step(&mut item, 5, Action::ApproveClosure);
            Some(item)
        }
        _ => unreachable!(),
    }
}

fn command_for(kind: ActionKind, actor: Actor) -> Command {
    let action = match kind {
        ActionKind::Register => Action::Register,
        ActionKind::Assign => Action::Assign,
        ActionKind::Accept => Action::Accept,
        ActionKind::ReportProgress => report(dec!(50)),
        ActionKind::RequestClosure => Action::RequestClosure,
        ActionKind::StartReview => Action::StartReview,
        ActionKind::ApproveClosure => Action::ApproveClosure,
        ActionKind::Return => Action::Return,
        ActionKind::RequestExtension => Action::RequestExtension {
            new_deadline: d(2020, 3, 31),
        },
        ActionKind::ApproveExtension => Action::ApproveExtension,
        ActionKind::RefuseExtension => Action::RefuseExtension,
        ActionKind::Comment => Action::Comment,
        ActionKind::Commend => Action::Commend,
    };
    Command::new(actor, at(2019, 3, 1), action).because("理由")
}

#[test]
fn every_state_action_and_role_is_allowed_or_refused_as_the_tables_say() {
    let (states, transitions) = table(TRANSITIONS);
    let (roles, permissions) = table(ROLES);
    let actors = [admin(), lead(), co(), other(), leader()];
    assert_eq!(roles, ["admin", "lead", "co", "other", "leader"]);
    assert_eq!(transitions.len(), ActionKind::ALL.len());
    let mut checked = 0;
    for (column, state) in states.iter().map(|s| state_code(s)).enumerate() {
        for pending in [false, true] {
            let Some(item) = item_in(state, pending) else {
                continue;
            };
            assert_eq!(item.state(), state);
            assert_eq!(item.pending_extension().is_some(), pending);
            for (kind, cells) in &transitions {
                let allowed_roles = &permissions.iter().find(|(k, _)| k == kind).unwrap().1;
                for (actor, allowed) in actors.iter().zip(allowed_roles) {
                    let mut after = item.clone();
                    let result = after.apply(&command_for(*kind, actor.clone()), &rules().reporting);
                    let cell = cells[column].as_str();
                    let context = format!("{state:?} pending={pending} {kind:?} by {actor}");
                    // Besides the tables: one extension request at a time, and a decision needs one.
                    let extension_ok = match kind {
                        ActionKind::RequestExtension => !pending,
                        ActionKind::ApproveExtension | ActionKind::RefuseExtension => pending,
                        _ => true,
                    };
                    let expected_ok = allowed == "y" && cell != "-" && extension_ok;
                    match &result {
                        Ok(t) => {
                            assert!(expected_ok, "{context}: accepted but should be refused");
                            let to = if cell == "=" { state } else { state_code(cell) };
                            assert_eq!(t.to, to, "{context}");
                            assert_eq!(after.state(), to, "{context}");
                            assert_eq!(t.from, Some(state));
                            assert_eq!(&t.actor, actor);
                            assert_eq!(t.reason, "理由");
                            assert_eq!(after.history().len(), item.history().len() + 1);
                        }
                        Err(e) => {
                            assert!(!expected_ok, "{context}: refused: {e}");
                            assert_eq!(after, item, "{context}: a refusal changed the item");
                            let message = e.to_string();
                            assert!(message.contains("t1"), "{context}: {message}");
                            if allowed != "y" {
                                assert!(e.is_forbidden(), "{context}: {message}");
                            } else if *kind == ActionKind::ReportProgress && state == State::Closed {
                                assert_eq!(e.code(), "supervise.report_on_closed_item");
                            } else if cell == "-" {
                                assert_eq!(e.code(), "supervise.illegal_transition", "{context}");
                            }
                            if matches!(
                                e,
                                SuperviseError::Forbidden { .. } | SuperviseError::IllegalTransition { .. }
                            ) {
                                // Names the state and the action, in Chinese and in English.
                                assert!(
                                    message.contains(state.name_zh()) && message.contains(state.name_en()),
                                    "{message}"
                                );
                                assert!(
                                    message.contains(kind.name_zh()) && message.contains(kind.name_en()),
                                    "{message}"
                                );
                            }
                        }
                    }
                    // The buttons a page would show agree with what apply accepts.
                    assert_eq!(
                        item.allowed_actions(actor).contains(kind),
                        result.is_ok(),
                        "{context}"
                    );
                    checked += 1;
                }
            }
        }
    }
    // 8 states + 6 with a pending extension, 13 actions, 5 roles.
    assert_eq!(checked, 14 * 13 * 5);
}

#[test]
fn a_refusal_message_names_item_state_action_and_the_lead_department() {
    let item = item_in(State::InProgress, false).unwrap();
    let err = item
        .check(
            &command_for(ActionKind::ReportProgress, other()),
            &rules().reporting,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "督办事项 t1（办理）：部门（renshe）无权「反馈进展」（该事项牵头单位为 jingxin） / item t1 (in progress): \
         department (renshe) may not report progress (the item is led by jingxin)"
    );
    let err = item
        .check(&command_for(ActionKind::Assign, admin()), &rules().reporting)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "督办事项 t1 当前为「办理」，不能「交办」 / item t1 is in progress: cannot assign"
    );
    let closed = item_in(State::Closed, false).unwrap();
    let err = closed
        .check(
            &command_for(ActionKind::ReportProgress, lead()),
            &rules().reporting,
        )
        .unwrap_err();
    assert!(err.to_string().contains("已办结，不再接受进展反馈"), "{err}");
}

#[test]
fn only_admins_register_and_a_bad_spec_is_refused() {
    let s = spec("t9", d(2019, 12, 31), ReportingCycle::Monthly);
    let err = SupervisedItem::register(s.clone(), leader(), at(2019, 1, 1), "").unwrap_err();
    assert!(err.is_forbidden() && err.to_string().contains("未立项"), "{err}");
    let mut bad = s.clone();
    bad.title = "  ".into();
    assert_eq!(
        SupervisedItem::register(bad, admin(), at(2019, 1, 1), "")
            .unwrap_err()
            .code(),
        "supervise.invalid_item"
    );
    let mut bad = s.clone();
    bad.co_departments.push(dept("jingxin"));
    assert!(SupervisedItem::register(bad, admin(), at(2019, 1, 1), "").is_err());
    let mut bad = s.clone();
    bad.milestones.push(Milestone {
        title: "晚".into(),
        due: d(2020, 1, 1),
        expected_percent: None,
    });
    assert!(
        SupervisedItem::register(bad, admin(), at(2019, 1, 1), "")
            .unwrap_err()
            .to_string()
            .contains("晚于办结时限")
    );
    let mut bad = s;
    bad.milestones.push(Milestone {
        title: "a".into(),
        due: d(2019, 3, 1),
        expected_percent: Some(pct(dec!(50))),
    });
    bad.milestones.push(Milestone {
        title: "b".into(),
        due: d(2019, 6, 1),
        expected_percent: Some(pct(dec!(40))),
    });
    assert!(SupervisedItem::register(bad, admin(), at(2019, 1, 1), "").is_err());
}

#[test]
fn reasons_are_required_where_a_decision_must_be_explained() {
    let item = item_in(State::InProgress, false).unwrap();
    for kind in [
        ActionKind::Return,
        ActionKind::RequestExtension,
        ActionKind::Comment,
        ActionKind::Commend,
    ] {
        let mut command = command_for(kind, admin());
        command.reason = "   ".into();
        let err = item.check(&command, &rules().reporting).unwrap_err();
        assert_eq!(err.code(), "supervise.reason_required", "{kind:?}");
        assert!(err.to_string().contains(kind.name_zh()));
    }
    let pending = item_in(State::InProgress, true).unwrap();
    let mut command = command_for(ActionKind::RefuseExtension, leader());
    command.reason = String::new();
    assert_eq!(
        pending.check(&command, &rules().reporting).unwrap_err().code(),
        "supervise.reason_required"
    );
    // Approving needs no reason.
    let mut command = command_for(ActionKind::ApproveExtension, leader());
    command.reason = String::new();
    assert!(pending.check(&command, &rules().reporting).is_ok());
}

#[test]
fn extensions_must_move_the_deadline_later_and_not_into_the_past() {
    let mut item = accepted_item("t2", d(2019, 1, 2), d(2019, 6, 30), ReportingCycle::Monthly);
    let ask = |new: Date, on: DateTime| {
        Command::new(lead(), on, Action::RequestExtension { new_deadline: new }).because("需要更多时间")
    };
    let rule = rules().reporting;
    // A new deadline before today is refused, even when it is after the current deadline.
    let err = item
        .check(&ask(d(2019, 7, 9), at(2019, 7, 10)), &rule)
        .unwrap_err();
    assert_eq!(err.code(), "supervise.extension_in_past");
    assert!(
        err.to_string().contains("2019-07-09") && err.to_string().contains("2019-07-10"),
        "{err}"
    );
    // Today itself is not in the past.
    assert!(item.check(&ask(d(2019, 7, 10), at(2019, 7, 10)), &rule).is_ok());
    // Not later than the current deadline.
    assert_eq!(
        item.check(&ask(d(2019, 6, 30), at(2019, 5, 1)), &rule)
            .unwrap_err()
            .code(),
        "supervise.extension_not_later"
    );
    assert!(item.check(&ask(d(2019, 7, 1), at(2019, 5, 1)), &rule).is_ok());

    item.apply(&ask(d(2019, 9, 30), at(2019, 5, 1)), &rule).unwrap();
    assert_eq!(item.pending_extension().unwrap().requested, d(2019, 9, 30));
    assert_eq!(
        item.check(&ask(d(2019, 10, 30), at(2019, 5, 2)), &rule)
            .unwrap_err()
            .code(),
        "supervise.extension_already_pending"
    );
    // Refusal keeps the deadline; a new request is then possible.
    run(
        &mut item,
        leader(),
        at(2019, 5, 3),
        Action::RefuseExtension,
        "理由不充分",
    );
    assert_eq!(item.deadline(), d(2019, 6, 30));
    assert!(item.pending_extension().is_none());
    item.apply(&ask(d(2019, 8, 31), at(2019, 5, 4)), &rule).unwrap();
    // Approval on a day after the requested date is refused; on the day itself it is granted.
    let approve = |on: DateTime| Command::new(admin(), on, Action::ApproveExtension);
    assert_eq!(
        item.check(&approve(at(2019, 9, 1)), &rule).unwrap_err().code(),
        "supervise.extension_in_past"
    );
    let t = item.apply(&approve(at(2019, 8, 31)), &rule).unwrap();
    assert_eq!(
        t.outcome,
        Outcome::DeadlineExtended {
            from: d(2019, 6, 30),
            to: d(2019, 8, 31)
        }
    );
    assert_eq!(item.deadline(), d(2019, 8, 31));
    assert_eq!(
        item.deadline_changes(),
        vec![(d(2019, 1, 2), d(2019, 6, 30)), (d(2019, 8, 31), d(2019, 8, 31))]
    );
}

#[test]
fn steps_cannot_be_dated_before_the_previous_one() {
    let item = accepted_item("t3", d(2019, 3, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let err = item
        .check(
            &Command::new(lead(), at(2019, 2, 28), report(dec!(10))),
            &rules().reporting,
        )
        .unwrap_err();
    assert_eq!(err.code(), "supervise.time_goes_backwards");
}

#[test]
fn report_periods_are_chosen_by_the_documented_rule_or_checked_when_given() {
    let rule = rules().reporting;
    let mut item = accepted_item("t4", d(2019, 1, 10), d(2019, 12, 31), ReportingCycle::Monthly);
    // January's report on 3 February: January (due 5 February) is the earliest open slot.
    let t = item
        .apply(&Command::new(lead(), at(2019, 2, 3), report(dec!(5))), &rule)
        .unwrap();
    assert_eq!(t.action, report_for("2019-01", dec!(5)));
    // Returned: the resubmission goes to the returned report's period and is not late.
    run(&mut item, admin(), at(2019, 2, 4), Action::Return, "数据不实");
    let t = item
        .apply(&Command::new(lead(), at(2019, 2, 20), report(dec!(6))), &rule)
        .unwrap();
    assert_eq!(t.action, report_for("2019-01", dec!(6)));
    assert!(item.reports()[1].resubmission);
    // Skipping February: on 10 March, February is past due and March is open: March is chosen.
    let t = item
        .apply(&Command::new(lead(), at(2019, 3, 10), report(dec!(20))), &rule)
        .unwrap();
    assert_eq!(t.action, report_for("2019-03", dec!(20)));
    // Explicitly for February: accepted (late).
    item.apply(
        &Command::new(lead(), at(2019, 3, 11), report_for("2019-02", dec!(20))),
        &rule,
    )
    .unwrap();
    // A future period and a period outside the item are refused.
    let future = Command::new(lead(), at(2019, 3, 12), report_for("2019-04", dec!(20)));
    assert_eq!(
        item.check(&future, &rule).unwrap_err().code(),
        "supervise.report_for_future_period"
    );
    let outside = Command::new(lead(), at(2019, 3, 12), report_for("2018-12", dec!(20)));
    assert_eq!(
        item.check(&outside, &rule).unwrap_err().code(),
        "supervise.unknown_reporting_slot"
    );
    // Every period covered so far: a further report is a supplement to the latest started period.
    let t = item
        .apply(&Command::new(lead(), at(2019, 3, 13), report(dec!(21))), &rule)
        .unwrap();
    assert_eq!(t.action, report_for("2019-03", dec!(21)));

    let states: Vec<(String, SlotState)> = item
        .slot_statuses(&rule, d(2019, 3, 13))
        .into_iter()
        .map(|s| (s.slot.period.to_string(), s.state))
        .collect();
    assert_eq!(
        states[..3],
        [
            (
                "2019-01".into(),
                SlotState::OnTime {
                    submitted_on: d(2019, 2, 3)
                }
            ),
            (
                "2019-02".into(),
                SlotState::Late {
                    submitted_on: d(2019, 3, 11)
                }
            ),
            (
                "2019-03".into(),
                SlotState::OnTime {
                    submitted_on: d(2019, 3, 10)
                }
            ),
        ]
    );
    assert_eq!(states.len(), 12);
}

#[test]
fn history_round_trips_and_tampering_is_detected() {
    let item = item_in(State::Closed, false).unwrap();
    let json = serde_json::to_string(&item).unwrap();
    let back: SupervisedItem = serde_json::from_str(&json).unwrap();
    assert_eq!(back, item);
    assert_eq!(SupervisedItem::restore(item.record()).unwrap(), item);

    let mut tampered = item.record();
    tampered.history[3].to = State::Closed;
    assert_eq!(
        SupervisedItem::restore(tampered).unwrap_err().code(),
        "supervise.history_mismatch"
    );
    let mut swapped = item.record();
    swapped.history.swap(2, 3);
    assert!(SupervisedItem::restore(swapped).is_err());
    let mut headless = item.record();
    headless.history.remove(0);
    assert_eq!(
        SupervisedItem::restore(headless).unwrap_err().code(),
        "supervise.history_without_registration"
    );
    let mut wrong_role = item.record();
    wrong_role.history[1].actor = leader();
    assert!(SupervisedItem::restore(wrong_role).unwrap_err().is_forbidden());
}

#[test]
fn the_item_as_of_a_past_day_is_its_history_up_to_that_day() {
    let item = item_in(State::Closed, false).unwrap();
    assert!(item.as_of(d(2019, 1, 1)).is_none());
    assert_eq!(item.as_of(d(2019, 1, 2)).unwrap().state(), State::Registered);
    assert_eq!(item.as_of(d(2019, 2, 3)).unwrap().state(), State::InProgress);
    assert_eq!(
        item.as_of(d(2019, 2, 4)).unwrap().state(),
        State::ClosureRequested
    );
    assert_eq!(item.as_of(d(2030, 1, 1)).unwrap(), item);
    assert_eq!(item.closed_on(), Some(d(2019, 2, 5)));
}

#[test]
fn a_plan_task_becomes_an_item_spec_that_registers() {
    let plan = crate::plan::embedded::shuangtaizi().unwrap();
    let mut count = 0;
    for task in plan.tasks() {
        let spec = ItemSpec::for_plan_task(task);
        assert_eq!(spec.id.as_str(), task.id.as_str());
        assert_eq!(spec.lead_department, task.lead);
        assert_eq!(spec.deadline, task.deadline);
        assert_eq!(
            spec.kind,
            ItemKind::Task {
                task: task.id.clone()
            }
        );
        SupervisedItem::register(spec, admin(), at(2018, 6, 1), "年度重点工作").unwrap();
        count += 1;
    }
    assert!(count > 0);
}
