//! Inspection rounds and their rectification items.

use rust_decimal_macros::dec;

use super::*;

fn draft() -> InspectionDraft {
    InspectionDraft {
        id: InspectionId::parse("dc_2019q2").unwrap(),
        title: "2019年第二季度重点任务督查".into(),
        started_on: d(2019, 6, 10),
        ended_on: Some(d(2019, 6, 14)),
        scope: InspectionScope {
            items: vec![ItemId::parse("t1").unwrap()],
            targets: vec![TargetId::parse("tech_smes").unwrap()],
            departments: vec![dept("jingxin"), dept("kexie")],
        },
        findings: vec![Finding {
            id: FindingId::parse("f1").unwrap(),
            description: "科技型中小企业入库培育台账不全".into(),
            department: dept("jingxin"),
            item: Some(ItemId::parse("t1").unwrap()),
            rectifications: vec![RectificationSpec {
                id: ItemId::parse("zg1").unwrap(),
                title: "补齐培育台账".into(),
                owner: dept("jingxin"),
                deadline: d(2019, 7, 31),
                cycle: ReportingCycle::Monthly,
            }],
        }],
    }
}

#[test]
fn a_round_is_checked_before_it_is_recorded() {
    assert!(InspectionRound::new(draft()).is_ok());
    let mut bad = draft();
    bad.ended_on = Some(d(2019, 6, 9));
    assert!(
        InspectionRound::new(bad)
            .unwrap_err()
            .to_string()
            .contains("早于开始日期")
    );
    let mut bad = draft();
    bad.scope = InspectionScope::default();
    assert!(InspectionRound::new(bad).is_err());
    let mut bad = draft();
    bad.findings[0].department = dept("renshe");
    let err = InspectionRound::new(bad).unwrap_err();
    assert_eq!(err.code(), "supervise.invalid_inspection");
    assert!(
        err.to_string().contains("renshe") && err.to_string().contains("dc_2019q2"),
        "{err}"
    );
    let mut bad = draft();
    bad.findings[0].rectifications[0].deadline = d(2019, 6, 1);
    assert!(InspectionRound::new(bad).is_err());
    let mut bad = draft();
    let again = bad.findings[0].clone();
    bad.findings.push(again);
    assert!(InspectionRound::new(bad).is_err());
    // Deserialising checks too.
    let mut json = serde_json::to_value(draft()).unwrap();
    json["title"] = serde_json::Value::String(String::new());
    assert!(serde_json::from_value::<InspectionRound>(json).is_err());
}

#[test]
fn rectification_items_are_supervised_until_closed() {
    let round = InspectionRound::new(draft()).unwrap();
    let specs = round.rectification_specs();
    assert_eq!(specs.len(), 1);
    assert!(
        matches!(&specs[0].kind, ItemKind::Rectification { inspection, finding }
        if inspection.as_str() == "dc_2019q2" && finding.as_str() == "f1")
    );
    let mut item =
        SupervisedItem::register(specs[0].clone(), admin(), at(2019, 6, 15), "督查发现问题").unwrap();
    let r = rules();
    let summary = round.summary(&[], &r, d(2019, 6, 15));
    assert_eq!(
        (summary.rectifications, summary.not_registered, summary.complete),
        (1, 1, false)
    );

    run(&mut item, admin(), at(2019, 6, 15), Action::Assign, "");
    run(&mut item, lead(), at(2019, 6, 16), Action::Accept, "");
    run(&mut item, lead(), at(2019, 7, 3), report(dec!(50)), "");
    let summary = round.summary(std::slice::from_ref(&item), &r, d(2019, 8, 1));
    assert_eq!((summary.open, summary.overdue, summary.complete), (1, 1, false));
    assert_eq!(summary.lines[0].light, Some(ScheduleLight::Red));
    // An unclosed rectification item past its deadline costs the rectification deduction.
    let entries = derive_entries(std::slice::from_ref(&item), &r, d(2019, 8, 1));
    assert!(
        entries
            .iter()
            .any(|e| e.key == "rectification_overdue/zg1" && e.points == dec!(-3))
    );

    run(
        &mut item,
        lead(),
        at(2019, 8, 2),
        Action::RequestClosure,
        "台账已补齐",
    );
    run(&mut item, admin(), at(2019, 8, 3), Action::StartReview, "");
    run(&mut item, admin(), at(2019, 8, 5), Action::ApproveClosure, "销号");
    let summary = round.summary(std::slice::from_ref(&item), &r, d(2019, 8, 5));
    assert_eq!(
        (summary.closed, summary.open, summary.overdue, summary.complete),
        (1, 0, 0, true)
    );
    assert_eq!(summary.lines[0].closed_on, Some(d(2019, 8, 5)));
}
