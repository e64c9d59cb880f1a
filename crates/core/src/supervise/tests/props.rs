//! Property tests over random histories: the scoreboard is base + Σ ledger, the ledger replays identically
//! however often and in whatever steps it is updated, histories restore exactly, and past lights reproduce.

use jiff::ToSpan;
use proptest::prelude::*;
use rust_decimal_macros::dec;

use super::*;

/// One random step: which item, who (0 admin, 1 the item's lead department, 2 leader, 3 another department),
/// how many days after the previous step, which action (an index into the actions the actor may take, or into
/// all actions), a percent, and an extension length.
type Step = (usize, u8, u8, usize, u8, u16);

fn step() -> impl Strategy<Value = Step> {
    (
        0usize..3,
        0u8..4,
        0u8..25,
        0usize..ActionKind::ALL.len(),
        0u8..=100,
        1u16..200,
    )
}

fn item_specs() -> Vec<ItemSpec> {
    let mut a = spec("a", d(2019, 6, 30), ReportingCycle::Monthly);
    a.lead_department = dept("jingxin");
    let mut b = spec("b", d(2019, 12, 31), ReportingCycle::Quarterly);
    b.lead_department = dept("kexie");
    b.co_departments = vec![dept("jingxin")];
    let mut c = spec("c", d(2019, 3, 31), ReportingCycle::Monthly);
    c.kind = ItemKind::Rectification {
        inspection: InspectionId::parse("dc").unwrap(),
        finding: FindingId::parse("f").unwrap(),
    };
    vec![a, b, c]
}

/// Applies the random steps (refusals are simply skipped) and returns the items and the last day.
fn play(steps: &[Step]) -> (Vec<SupervisedItem>, Date) {
    let mut items: Vec<SupervisedItem> = item_specs()
        .into_iter()
        .map(|s| SupervisedItem::register(s, admin(), at(2019, 1, 1), "立项").unwrap())
        .collect();
    let mut day = d(2019, 1, 1);
    for &(which, who, gap, action, percent, extension) in steps {
        day = day.checked_add(i64::from(gap).days()).unwrap();
        let item = &mut items[which];
        let actor = match who {
            0 => admin(),
            1 => Actor::department(UserId::parse("u").unwrap(), item.lead_department().clone()),
            2 => leader(),
            _ => other(),
        };
        // Mostly walk the legal actions, often the one that moves the item on (the workflow table test covers
        // the refusals); every fifth step tries any action at all.
        let allowed = item.allowed_actions(&actor);
        let forward = allowed
            .iter()
            .copied()
            .find(|k| k.target(item.state()) != item.state());
        let kind = if action % 5 == 4 || allowed.is_empty() {
            ActionKind::ALL[action]
        } else if action % 2 == 0
            && let Some(forward) = forward
        {
            forward
        } else {
            allowed[action % allowed.len()]
        };
        let action = match kind {
            ActionKind::Register => Action::Register,
            ActionKind::Assign => Action::Assign,
            ActionKind::Accept => Action::Accept,
            ActionKind::ReportProgress => report(Decimal::from(percent)),
            ActionKind::RequestClosure => Action::RequestClosure,
            ActionKind::StartReview => Action::StartReview,
            ActionKind::ApproveClosure => Action::ApproveClosure,
            ActionKind::Return => Action::Return,
            ActionKind::RequestExtension => Action::RequestExtension {
                new_deadline: item.deadline().checked_add(i64::from(extension).days()).unwrap(),
            },
            ActionKind::ApproveExtension => Action::ApproveExtension,
            ActionKind::RefuseExtension => Action::RefuseExtension,
            ActionKind::Comment => Action::Comment,
            ActionKind::Commend => Action::Commend,
        };
        let _ = item.apply(
            &Command::new(actor, day.at(9, 0, 0, 0), action).because("理由"),
            &rules().reporting,
        );
    }
    (items, day)
}

fn periods_of(entries: &[LedgerEntry]) -> Vec<Period> {
    let mut periods: Vec<Period> = entries
        .iter()
        .flat_map(|e| {
            let q = period_containing(ReportingCycle::Quarterly, e.effective_on).unwrap();
            [q, q.whole_year()]
        })
        .collect();
    periods.sort();
    periods.dedup();
    periods
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_scoreboard_is_the_base_plus_the_ledger(
        steps in prop::collection::vec(step(), 0..80),
        appeals in prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 0..4),
    ) {
        let (items, last) = play(&steps);
        let end = last.checked_add(60.days()).unwrap();
        let mut ledger = Ledger::new();
        ledger.update(&items, &rules(), end);
        // Appeal some deductions; accept or reject them.
        for (pick, accept) in appeals {
            let deductions: Vec<String> = ledger.entries().iter()
                .filter(|e| e.points < Decimal::ZERO && e.kind != ScoreEventKind::Reversal)
                .map(|e| e.key.clone()).collect();
            if deductions.is_empty() { break; }
            let key = pick.get(&deductions).clone();
            if let Ok(appeal) = ledger.file_appeal(&key, &admin(), end.at(10, 0, 0, 0), "申诉") {
                ledger.decide_appeal(&appeal.id, &admin(), end.at(11, 0, 0, 0), accept, "裁决").unwrap();
            }
        }
        let base = rules().scoring.base.value();
        let departments = [dept("jingxin"), dept("kexie")];
        for period in periods_of(ledger.entries()) {
            let board = ledger.scoreboard(period, &departments, &rules().scoring, None);
            for row in &board.rows {
                let sum: Decimal = ledger.entries().iter()
                    .filter(|e| e.department == row.department && period.contains_date(e.effective_on))
                    .map(|e| e.points).sum();
                prop_assert_eq!(row.score, base + sum);
                prop_assert_eq!(row.score, row.base + row.bonus + row.deductions + row.reversals);
                prop_assert!(row.bonus >= Decimal::ZERO && row.deductions <= Decimal::ZERO);
            }
            // Every accepted appeal restores exactly what its deduction took.
            for appeal in ledger.appeals() {
                if let Some(AppealDecision { accepted: true, reversal: Some(r), .. }) = &appeal.decision {
                    let original = ledger.entry(&appeal.entry).unwrap().points;
                    prop_assert_eq!(ledger.entry(r).unwrap().points, -original);
                }
            }
        }
    }

    #[test]
    fn the_ledger_replays_to_the_same_entries_however_it_is_updated(
        steps in prop::collection::vec(step(), 0..80),
        update_gaps in prop::collection::vec(1u8..60, 1..12),
    ) {
        let (items, last) = play(&steps);
        let end = last.checked_add(30.days()).unwrap();
        let once = derive_entries(&items, &rules(), end);
        prop_assert_eq!(&derive_entries(&items, &rules(), end), &once);

        let mut one_shot = Ledger::new();
        prop_assert_eq!(one_shot.update(&items, &rules(), end), once.clone());
        prop_assert!(one_shot.update(&items, &rules(), end).is_empty());

        // Updating on arbitrary earlier days, then at the end, appends the same entries in the same order.
        let mut stepwise = Ledger::new();
        let mut day = d(2019, 1, 1);
        for gap in update_gaps {
            day = day.checked_add(i64::from(gap).days()).unwrap();
            if day >= end { break; }
            stepwise.update(&items, &rules(), day);
        }
        stepwise.update(&items, &rules(), end);
        prop_assert_eq!(stepwise.entries(), one_shot.entries());

        // Late-report deductions match the late slots one for one.
        let late_slots: usize = items.iter()
            .map(|i| i.slot_statuses(&rules().reporting, end).iter().filter(|s| s.state.is_late()).count())
            .sum();
        let late_entries = once.iter().filter(|e| e.kind == ScoreEventKind::LateReport).count();
        prop_assert_eq!(late_slots, late_entries);
    }

    #[test]
    fn histories_restore_exactly_and_past_lights_reproduce(steps in prop::collection::vec(step(), 0..80)) {
        let (items, last) = play(&steps);
        for item in &items {
            prop_assert_eq!(&SupervisedItem::restore(item.record()).unwrap(), item);
            let json = serde_json::to_string(item).unwrap();
            prop_assert_eq!(&serde_json::from_str::<SupervisedItem>(&json).unwrap(), item);
            prop_assert_eq!(&item.as_of(last).unwrap(), item);
            // The light of any past day is the light of the item cut back to that day.
            let mut day = d(2019, 1, 1);
            while day <= last {
                let cut = item.as_of(day).unwrap();
                prop_assert_eq!(assess_schedule(item, &rules(), day), assess_schedule(&cut, &rules(), day));
                day = day.checked_add(17.days()).unwrap();
            }
            // Reported percents stay within 0–100 and closed items report no more.
            for r in item.reports() {
                prop_assert!(r.percent.value() >= dec!(0) && r.percent.value() <= dec!(100));
                prop_assert!(item.closed_on().is_none_or(|c| r.submitted_at.date() <= c));
            }
        }
    }
}
