//! `plantrack gen`: a synthetic province (合成数据) as import files — 辽宁省 with its 14 prefecture-level cities
//! and 100 county-level units, `enterprises` enterprises with yearly figures 2017–2020, their 高企 certificates
//! and 科小 registrations, technology contracts, introduced talents, platforms, IP-pledge financing, fiscal
//! support, achievements, and the statistics bureau's GDP, R&D expenditure and high-tech value added for every
//! org unit and year. The files are CSV with exactly the headers of the import templates, so `plantrack import
//! KIND FILE` reads every one back.
//!
//! Org units are the real GB/T 2260 codes and names of Liaoning's cities (2101 沈阳 … 2114 葫芦岛) and their
//! 100 county-level units as of 2020 (59 districts, 16 county-level cities, 17 counties, 8 autonomous
//! counties) — public geography, so that the tree and the plan's own units (211100 盘锦市, 211102 双台子区 …)
//! agree. Everything else is synthetic: every enterprise, person, platform and achievement name says 演示 and
//! every statistic's source says 合成.
//!
//! Deterministic from the seed: each enterprise draws from its own stream (`fork` of its serial number) and
//! every identifier is built from that serial, so the same seed gives byte-identical files. The enterprises are
//! generated in chunks on worker threads and written in order (streaming: memory stays bounded by a chunk).

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use jiff::civil::{Date, date};
use plantrack_core::period::Period;
use plantrack_exchange::Kind;
use plantrack_exchange::write::{CsvOut, ToRow};
use plantrack_store::enterprises::{EnterpriseYearRow, Qualification};
use plantrack_store::observations::Observation;
use plantrack_store::org::OrgUnit;
use plantrack_store::registries::{
    Achievement, AchievementKind, FiscalSupport, IpPledgeFinancing, Platform, PlatformKind, Talent,
    TechContract,
};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Firm, Rng, enterprise_name, figures, person_name, pick_industry, round2, synthetic_uscc};

/// The years of the generated figures (the plan's baseline year to its last).
pub const GEN_YEARS: RangeInclusive<i32> = 2017..=2020;

/// The province.
pub const PROVINCE: (&str, &str) = ("210000", "辽宁省");

/// A city: code, name, and its county-level units (code, name).
pub type City = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// Liaoning's prefecture-level cities and their county-level units (GB/T 2260, as of 2020).
pub const CITIES: [City; 14] = [
    (
        "210100",
        "沈阳市",
        &[
            ("210102", "和平区"),
            ("210103", "沈河区"),
            ("210104", "大东区"),
            ("210105", "皇姑区"),
            ("210106", "铁西区"),
            ("210111", "苏家屯区"),
            ("210112", "浑南区"),
            ("210113", "沈北新区"),
            ("210114", "于洪区"),
            ("210115", "辽中区"),
            ("210123", "康平县"),
            ("210124", "法库县"),
            ("210181", "新民市"),
        ],
    ),
    (
        "210200",
        "大连市",
        &[
            ("210202", "中山区"),
            ("210203", "西岗区"),
            ("210204", "沙河口区"),
            ("210211", "甘井子区"),
            ("210212", "旅顺口区"),
            ("210213", "金州区"),
            ("210214", "普兰店区"),
            ("210224", "长海县"),
            ("210281", "瓦房店市"),
            ("210283", "庄河市"),
        ],
    ),
    (
        "210300",
        "鞍山市",
        &[
            ("210302", "铁东区"),
            ("210303", "铁西区"),
            ("210304", "立山区"),
            ("210311", "千山区"),
            ("210321", "台安县"),
            ("210323", "岫岩满族自治县"),
            ("210381", "海城市"),
        ],
    ),
    (
        "210400",
        "抚顺市",
        &[
            ("210402", "新抚区"),
            ("210403", "东洲区"),
            ("210404", "望花区"),
            ("210411", "顺城区"),
            ("210421", "抚顺县"),
            ("210422", "新宾满族自治县"),
            ("210423", "清原满族自治县"),
        ],
    ),
    (
        "210500",
        "本溪市",
        &[
            ("210502", "平山区"),
            ("210503", "溪湖区"),
            ("210504", "明山区"),
            ("210505", "南芬区"),
            ("210521", "本溪满族自治县"),
            ("210522", "桓仁满族自治县"),
        ],
    ),
    (
        "210600",
        "丹东市",
        &[
            ("210602", "元宝区"),
            ("210603", "振兴区"),
            ("210604", "振安区"),
            ("210624", "宽甸满族自治县"),
            ("210681", "东港市"),
            ("210682", "凤城市"),
        ],
    ),
    (
        "210700",
        "锦州市",
        &[
            ("210702", "古塔区"),
            ("210703", "凌河区"),
            ("210711", "太和区"),
            ("210726", "黑山县"),
            ("210727", "义县"),
            ("210781", "凌海市"),
            ("210782", "北镇市"),
        ],
    ),
    (
        "210800",
        "营口市",
        &[
            ("210802", "站前区"),
            ("210803", "西市区"),
            ("210804", "鲅鱼圈区"),
            ("210811", "老边区"),
            ("210881", "盖州市"),
            ("210882", "大石桥市"),
        ],
    ),
    (
        "210900",
        "阜新市",
        &[
            ("210902", "海州区"),
            ("210903", "新邱区"),
            ("210904", "太平区"),
            ("210905", "清河门区"),
            ("210911", "细河区"),
            ("210921", "阜新蒙古族自治县"),
            ("210922", "彰武县"),
        ],
    ),
    (
        "211000",
        "辽阳市",
        &[
            ("211002", "白塔区"),
            ("211003", "文圣区"),
            ("211004", "宏伟区"),
            ("211005", "弓长岭区"),
            ("211011", "太子河区"),
            ("211021", "辽阳县"),
            ("211081", "灯塔市"),
        ],
    ),
    (
        "211100",
        "盘锦市",
        &[
            ("211102", "双台子区"),
            ("211103", "兴隆台区"),
            ("211104", "大洼区"),
            ("211122", "盘山县"),
        ],
    ),
    (
        "211200",
        "铁岭市",
        &[
            ("211202", "银州区"),
            ("211204", "清河区"),
            ("211221", "铁岭县"),
            ("211223", "西丰县"),
            ("211224", "昌图县"),
            ("211281", "调兵山市"),
            ("211282", "开原市"),
        ],
    ),
    (
        "211300",
        "朝阳市",
        &[
            ("211302", "双塔区"),
            ("211303", "龙城区"),
            ("211321", "朝阳县"),
            ("211322", "建平县"),
            ("211324", "喀喇沁左翼蒙古族自治县"),
            ("211381", "北票市"),
            ("211382", "凌源市"),
        ],
    ),
    (
        "211400",
        "葫芦岛市",
        &[
            ("211402", "连山区"),
            ("211403", "龙港区"),
            ("211404", "南票区"),
            ("211421", "绥中县"),
            ("211422", "建昌县"),
            ("211481", "兴城市"),
        ],
    ),
];

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// Enterprises (each has one row of figures per year of [`GEN_YEARS`]).
    pub enterprises: u64,
    /// Seed: the same seed gives byte-identical files.
    pub seed: u64,
}

/// One file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenFile {
    /// The import kind it is for.
    pub kind: Kind,
    /// Where it is.
    pub path: PathBuf,
    /// Data rows (header not counted).
    pub rows: u64,
    /// Size in bytes.
    pub bytes: u64,
}

/// What `plantrack gen` wrote, in import order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenSummary {
    /// The seed used.
    pub seed: u64,
    /// The files, in the order they must be imported (org units first, enterprises before what refers to them).
    pub files: Vec<GenFile>,
}

/// The kinds in the order their files must be imported.
pub const IMPORT_ORDER: [Kind; 10] = [
    Kind::OrgUnits,
    Kind::Enterprises,
    Kind::Qualifications,
    Kind::Contracts,
    Kind::Talents,
    Kind::Platforms,
    Kind::Financing,
    Kind::Funding,
    Kind::Achievements,
    Kind::Observations,
];

/// The file name of a kind (`enterprises.csv` …), what `scripts/bench-*.sh` glob for.
pub fn file_name(kind: Kind) -> String {
    format!("{}.csv", kind.name())
}

/// A county-level unit with its draw weight.
#[derive(Debug, Clone, Copy)]
struct District {
    code: &'static str,
    name: &'static str,
    city: usize,
    weight: u64,
}

fn districts() -> Vec<District> {
    let mut out = Vec::new();
    for (ci, (_, _, list)) in CITIES.iter().enumerate() {
        for (code, name) in *list {
            // Urban districts (01–20) hold most firms, county-level cities (81–) fewer, counties fewest;
            // 沈阳 and 大连 twice their share.
            let suffix: u32 = code[4..].parse().unwrap_or(21);
            let base = match suffix {
                0..=20 => 3,
                81.. => 2,
                _ => 1,
            };
            out.push(District {
                code,
                name,
                city: ci,
                weight: if ci < 2 { base * 2 } else { base },
            });
        }
    }
    out
}

/// The province, its cities and districts as org-unit rows (valid since 1900, as the plan's own units).
pub fn org_units() -> Vec<OrgUnit> {
    let since = date(1900, 1, 1);
    let mut out = vec![OrgUnit {
        code: PROVINCE.0.into(),
        name: PROVINCE.1.into(),
        parent_code: None,
        level: "province".into(),
        valid_from: since,
        valid_to: None,
    }];
    for (code, name, list) in CITIES {
        out.push(OrgUnit {
            code: code.into(),
            name: name.into(),
            parent_code: Some(PROVINCE.0.into()),
            level: "city".into(),
            valid_from: since,
            valid_to: None,
        });
        for (d, n) in list {
            out.push(OrgUnit {
                code: (*d).into(),
                name: (*n).into(),
                parent_code: Some(code.into()),
                level: "district".into(),
                valid_from: since,
                valid_to: None,
            });
        }
    }
    out
}

/// The rows one enterprise contributes to every file.
#[derive(Debug, Default)]
struct Rows {
    years: Vec<EnterpriseYearRow>,
    quals: Vec<Qualification>,
    contracts: Vec<TechContract>,
    talents: Vec<Talent>,
    financing: Vec<IpPledgeFinancing>,
    funding: Vec<FiscalSupport>,
    achievements: Vec<Achievement>,
}

/// Sums per district and year that the statistics are built from (so that GDP and R&D follow the firms).
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    revenue: Decimal,
    rd: Decimal,
    high_tech_revenue: Decimal,
}

const CONTRACT_TYPES: &[&str] = &[
    "技术开发",
    "技术开发",
    "技术转让",
    "技术许可",
    "技术咨询",
    "技术服务",
    "技术服务",
];
const BUYERS: &[&str] = &[
    "辽宁某石化集团（演示）",
    "沈阳某装备公司（演示）",
    "大连某研究院（演示）",
    "鞍山某钢铁企业（演示）",
    "北京某新材料公司（演示）",
    "山东某炼化企业（演示）",
];
const BANKS: &[&str] = &[
    "某城市商业银行（演示）",
    "某国有银行省分行（演示）",
    "某股份制银行（演示）",
];
const OTHER_TALENT: &[&str] = &["青年科技人才", "高技能人才", "博士后研究人员"];
const PLATFORM_LEVELS: &[&str] = &["国家级", "省级", "省级", "市级", "市级", "区级"];

fn ymd(year: i32, month: i8, day: i8) -> Date {
    Date::new(i16::try_from(year).unwrap_or(2020), month, day).unwrap_or(date(2020, 1, 1))
}

fn days_after(on: Date, days: i64) -> Date {
    on.checked_add(jiff::Span::new().days(days)).unwrap_or(on)
}

/// The stream of enterprise `serial` (1-based).
fn firm_rng(root: &Rng, serial: u64) -> Rng {
    root.fork(0x1000_0000 + serial)
}

/// One enterprise and all its rows.
fn enterprise(root: &Rng, serial: u64, districts: &[District], total_weight: u64) -> (usize, Rows) {
    let mut rng = firm_rng(root, serial);
    let mut pick = rng.below(total_weight);
    let mut di = 0;
    for (i, d) in districts.iter().enumerate() {
        if pick < d.weight {
            di = i;
            break;
        }
        pick -= d.weight;
    }
    let d = districts[di];
    let industry = pick_industry(&mut rng);
    let above_scale = industry.0.starts_with('C') && rng.chance(20);
    let founded = rng.day(date(1995, 1, 1), date(2016, 12, 31));
    let uscc = synthetic_uscc(d.code, serial);
    let name = enterprise_name(&mut rng, d.name, industry.2, serial);
    let mut firm = Firm {
        uscc,
        name,
        org: d.code,
        industry: industry.0,
        field: industry.3,
        founded,
        above_scale,
        revenue: if above_scale {
            Decimal::from(rng.range(2_600, 30_000))
        } else {
            Decimal::from(rng.range(60, 1_800))
        },
        employees: if above_scale {
            rng.range(120, 900)
        } else {
            rng.range(8, 150)
        },
        rd_years: BTreeSet::new(),
        sme_years: BTreeSet::new(),
        high_tech: false,
    };
    let mut rows = Rows::default();
    let tech_minded = !firm.field.is_empty();

    // 高新技术企业: a first certificate (2014–2020), renewed every three years most of the time.
    let mut high_tech_issues: Vec<Date> = Vec::new();
    if tech_minded && rng.chance(if above_scale { 25 } else { 6 }) {
        let mut year = i32::try_from(rng.range(2014, 2020)).unwrap_or(2017);
        loop {
            high_tech_issues.push(rng.day(ymd(year, 10, 15), ymd(year, 12, 10)));
            year += 3;
            if year > *GEN_YEARS.end() || !rng.chance(85) {
                break;
            }
        }
        firm.high_tech = true;
    }
    // 科技型中小企业: registrations by year (a registrant tends to register again); R&D institutions persist.
    let small = !above_scale || firm.revenue < Decimal::from(20_000);
    let mut registered_before = false;
    let mut has_rd = false;
    for year in GEN_YEARS {
        let p = match (tech_minded && small, registered_before) {
            (true, true) => 75,
            (true, false) => 18,
            (false, _) => 2,
        };
        registered_before = rng.chance(p);
        if registered_before {
            firm.sme_years.insert(year);
        }
        let tech = firm.high_tech || registered_before;
        has_rd = has_rd
            || rng.chance(if tech && above_scale {
                40
            } else if tech {
                8
            } else {
                1
            });
        if has_rd {
            firm.rd_years.insert(year);
        }
    }
    figures(&mut rng, &firm, GEN_YEARS, |r| rows.years.push(r));

    for (k, on) in high_tech_issues.iter().enumerate() {
        rows.quals.push(Qualification::high_tech(
            firm.uscc.clone(),
            format!("GR{}21{serial:09}{k}", on.year()),
            *on,
        ));
        if on.year() >= 2017 {
            rows.funding.push(FiscalSupport {
                program: "高新技术企业认定奖励（演示）".into(),
                recipient_name: firm.name.clone(),
                recipient_uscc: Some(firm.uscc.clone()),
                amount: Decimal::from(rng.range(5, 30)),
                paid_on: days_after(*on, 75),
                department_code: None,
                org_unit_code: firm.org.into(),
                document_number: Some(format!("演示财指〔{}〕{serial}号", on.year())),
            });
        }
    }
    for year in firm.sme_years.iter().copied() {
        let on = rng.day(ymd(year, 3, 1), ymd(year, 11, 30));
        rows.quals.push(Qualification::tech_sme(
            firm.uscc.clone(),
            format!("TS{year}{}{serial:09}", firm.org),
            on,
            i16::try_from(year).unwrap_or(2020),
        ));
    }

    for (yi, fig) in rows.years.iter().enumerate() {
        let year = fig.figures.year;
        let tech = firm.high_tech || firm.sme_years.contains(&year);
        let revenue = fig.figures.main_business_revenue.unwrap_or_default();
        if tech && rng.chance(25) {
            for k in 0..rng.range(1, 3) {
                let amount = round2(revenue * Decimal::new(rng.range(5, 50), 3)).max(Decimal::from(5));
                rows.contracts.push(TechContract {
                    contract_number: format!("{year}21{serial:09}{k}"),
                    contract_type: (*rng.pick(CONTRACT_TYPES)).to_owned(),
                    registered_on: rng.day(ymd(year, 1, 5), ymd(year, 12, 28)),
                    seller_uscc: firm.uscc.clone(),
                    buyer_name: Some((*rng.pick(BUYERS)).to_owned()),
                    turnover: amount,
                    tech_turnover: Some(round2(amount * Decimal::new(rng.range(600, 950), 3))),
                    org_unit_code: firm.org.into(),
                });
            }
        }
        if rng.chance(if tech { 6 } else { 1 }) {
            let category = if rng.chance(40) {
                plantrack_store::derive::HIGH_END_TALENT
            } else {
                rng.pick(OTHER_TALENT)
            };
            rows.talents.push(Talent {
                name: person_name(&mut rng, serial * 10 + yi as u64),
                category: category.to_owned(),
                introduced_on: rng.day(ymd(year, 1, 1), ymd(year, 12, 31)),
                employer_uscc: Some(firm.uscc.clone()),
                org_unit_code: firm.org.into(),
                note: Some("合成数据 / synthetic".into()),
            });
        }
        if tech && fig.figures.ip_class1.unwrap_or(0) > 0 && rng.chance(4) {
            rows.financing.push(IpPledgeFinancing {
                registration_number: format!("Y{year}21{serial:09}"),
                uscc: firm.uscc.clone(),
                pledgee: (*rng.pick(BANKS)).to_owned(),
                amount: Decimal::from(rng.range(100, 3_000)),
                registered_on: rng.day(ymd(year, 1, 10), ymd(year, 12, 20)),
                patent_count: Some(rng.range(1, 12)),
                org_unit_code: firm.org.into(),
                note: Some("合成数据 / synthetic".into()),
            });
        }
        if fig.figures.rd_institution_level.is_some() && rng.chance(10) {
            rows.funding.push(FiscalSupport {
                program: "企业研发费用后补助（演示）".into(),
                recipient_name: firm.name.clone(),
                recipient_uscc: Some(firm.uscc.clone()),
                amount: Decimal::from(rng.range(5, 50)),
                paid_on: ymd(year, 6, 28),
                department_code: None,
                org_unit_code: firm.org.into(),
                document_number: None,
            });
        }
    }
    if firm.high_tech && rng.chance(10) {
        let key = rng.chance(50);
        rows.achievements.push(Achievement {
            kind: if key {
                AchievementKind::KeyTechnology
            } else {
                AchievementKind::NewProduct
            },
            title: format!(
                "{}{}{serial}（演示）",
                industry.2,
                if key { "关键技术" } else { "新产品" }
            ),
            owner_name: firm.name.clone(),
            owner_uscc: Some(firm.uscc.clone()),
            level: Some((*rng.pick(&["国际先进", "国内领先", "填补国内空白"])).to_owned()),
            recognised_on: Some(rng.day(date(2018, 1, 1), date(2020, 12, 20))),
            evidence: Some(format!("科技成果评价报告 演示〔{serial}〕号")),
            org_unit_code: firm.org.into(),
        });
    }
    (di, rows)
}

/// Platforms of one district: institutes, maker spaces and incubators, a few revoked.
fn platforms(root: &Rng, di: usize, d: &District, out: &mut Vec<Platform>) {
    let mut rng = root.fork(0x2000 + di as u64);
    const INSTITUTES: [&str; 6] = [
        "精细化工",
        "智能制造",
        "新材料",
        "装备制造",
        "生物医药",
        "信息技术",
    ];
    let kinds = [
        (
            PlatformKind::IndustrialTechInstitute,
            "产业技术研究院",
            rng.range(1, 4),
        ),
        (PlatformKind::MakerSpace, "众创空间", rng.range(1, 3)),
        (PlatformKind::Incubator, "科技企业孵化器", rng.range(0, 2)),
    ];
    for (kind, word, n) in kinds {
        for k in 0..n {
            let recognised_on = rng.day(date(2012, 1, 1), date(2020, 12, 20));
            let revoked_on = rng.chance(10).then(|| rng.day(recognised_on, date(2020, 12, 31)));
            out.push(Platform {
                name: format!(
                    "{}{}{word}{}（演示）",
                    d.name,
                    INSTITUTES[usize::try_from(rng.below(6)).unwrap_or(0)],
                    k + 1
                ),
                kind,
                level: Some((*rng.pick(PLATFORM_LEVELS)).to_owned()),
                recognised_on,
                revoked_on,
                org_unit_code: d.code.into(),
                host_unit: Some(format!("{}某单位（演示）", d.name)),
                host_uscc: None,
            });
        }
    }
}

/// The statistics bureau's figures: for each district and year from its firms' sums, for each city and the
/// province the sum of their units (so that the figures of the tree agree).
fn statistics(root: &Rng, seed: u64, districts: &[District], sums: &[[Sums; 4]]) -> Vec<Observation> {
    let source = format!("合成数据（plantrack gen, seed {seed}），非真实统计 / synthetic");
    let years: Vec<i32> = GEN_YEARS.collect();
    // (gdp, rd, high-tech value added) per unit and year.
    let mut city = vec![[(Decimal::ZERO, Decimal::ZERO, Decimal::ZERO); 4]; CITIES.len()];
    let mut district_values = Vec::with_capacity(districts.len());
    for (di, d) in districts.iter().enumerate() {
        let mut rng = root.fork(0x3000 + di as u64);
        // What the firms do not explain: agriculture, services, public R&D (universities, institutes).
        let base_gdp = Decimal::from(rng.range(150_000, 600_000));
        let base_rd = Decimal::from(rng.range(500, 8_000));
        let mut row = [(Decimal::ZERO, Decimal::ZERO, Decimal::ZERO); 4];
        for (yi, s) in sums[di].iter().enumerate() {
            let growth = Decimal::new(100 + 6 * yi as i64, 2);
            let gdp = round2(base_gdp * growth + s.revenue * Decimal::new(rng.range(350, 500), 3));
            let rd = round2(base_rd * growth + s.rd * Decimal::new(rng.range(1_250, 1_450), 3));
            let hva = round2(s.high_tech_revenue * Decimal::new(rng.range(250, 350), 3));
            row[yi] = (gdp, rd, hva);
            let c = &mut city[d.city][yi];
            c.0 += gdp;
            c.1 += rd;
            c.2 += hva;
        }
        district_values.push(row);
    }
    let mut province = [(Decimal::ZERO, Decimal::ZERO, Decimal::ZERO); 4];
    for c in &city {
        for (yi, v) in c.iter().enumerate() {
            province[yi].0 += v.0;
            province[yi].1 += v.1;
            province[yi].2 += v.2;
        }
    }
    let mut out = Vec::new();
    let mut emit = |code: &str, values: &[(Decimal, Decimal, Decimal); 4]| {
        for (yi, (gdp, rd, hva)) in values.iter().enumerate() {
            let Ok(period) = Period::year_of(years[yi]) else {
                continue;
            };
            for (element, value) in [
                ("gdp", gdp),
                ("rd_expenditure", rd),
                ("high_tech_value_added", hva),
            ] {
                out.push(Observation::new(
                    code,
                    period,
                    element,
                    *value,
                    Some(source.clone()),
                    None,
                ));
            }
        }
    };
    emit(PROVINCE.0, &province);
    for (ci, (code, _, _)) in CITIES.iter().enumerate() {
        emit(code, &city[ci]);
    }
    for (d, values) in districts.iter().zip(&district_values) {
        emit(d.code, values);
    }
    out
}

/// One CSV file being written.
struct Out {
    kind: Kind,
    path: PathBuf,
    csv: Option<CsvOut<BufWriter<File>>>,
    rows: u64,
}

impl Out {
    fn new(dir: &Path, kind: Kind) -> Out {
        Out {
            kind,
            path: dir.join(file_name(kind)),
            csv: None,
            rows: 0,
        }
    }

    /// Write rows; the file is created with the first one (a kind without rows gets no file: an import of a
    /// file without data rows is refused).
    fn put<T: ToRow>(&mut self, rows: &[T]) -> io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let csv = match &mut self.csv {
            Some(c) => c,
            None => {
                let f = BufWriter::with_capacity(1 << 20, File::create(&self.path)?);
                self.csv.insert(CsvOut::new(self.kind, f)?)
            }
        };
        for r in rows {
            csv.row(r)?;
        }
        self.rows += rows.len() as u64;
        Ok(())
    }

    fn finish(self) -> io::Result<Option<GenFile>> {
        let Some(csv) = self.csv else {
            return Ok(None);
        };
        csv.finish()?.flush()?;
        let bytes = std::fs::metadata(&self.path)?.len();
        Ok(Some(GenFile {
            kind: self.kind,
            path: self.path,
            rows: self.rows,
            bytes,
        }))
    }
}

/// Enterprises generated per chunk (one chunk per worker at a time).
const CHUNK: u64 = 4_096;

/// Write the province's import files into `dir` (created if missing; files of the same names replaced).
pub fn write_csv_dir(dir: &Path, opts: GenOptions) -> io::Result<GenSummary> {
    std::fs::create_dir_all(dir)?;
    let root = Rng::new(opts.seed);
    let districts = districts();
    let total_weight: u64 = districts.iter().map(|d| d.weight).sum();
    let mut outs: Vec<Out> = IMPORT_ORDER.iter().map(|k| Out::new(dir, *k)).collect();
    let at = |k: Kind| IMPORT_ORDER.iter().position(|x| *x == k).unwrap_or(0);

    // Remove files of an earlier run that this one may not write (a kind without rows).
    for o in &outs {
        if o.path.exists() {
            std::fs::remove_file(&o.path)?;
        }
    }
    outs[at(Kind::OrgUnits)].put(&org_units())?;

    let mut sums = vec![[Sums::default(); 4]; districts.len()];
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 8) as u64;
    let mut next = 0u64;
    while next < opts.enterprises {
        // A round: one chunk per worker, generated in parallel, written in serial order.
        let starts: Vec<u64> = (0..workers)
            .map(|w| next + w * CHUNK)
            .filter(|s| *s < opts.enterprises)
            .collect();
        let chunks: Vec<Vec<(usize, Rows)>> = std::thread::scope(|s| {
            let handles: Vec<_> = starts
                .iter()
                .map(|&start| {
                    let (root, districts) = (&root, &districts);
                    let end = (start + CHUNK).min(opts.enterprises);
                    s.spawn(move || {
                        (start..end)
                            .map(|i| enterprise(root, i + 1, districts, total_weight))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| io::Error::other("a generator thread failed / 生成线程出错"))
                })
                .collect::<io::Result<Vec<_>>>()
        })?;
        for chunk in chunks {
            for (di, rows) in chunk {
                for fig in &rows.years {
                    let yi = usize::try_from(fig.figures.year - GEN_YEARS.start()).unwrap_or(0);
                    if let Some(s) = sums[di].get_mut(yi) {
                        let f = &fig.figures;
                        s.revenue += f.main_business_revenue.unwrap_or_default();
                        s.rd += f.rd_expense.unwrap_or_default();
                        s.high_tech_revenue += f.high_tech_revenue.unwrap_or_default();
                    }
                }
                outs[at(Kind::Enterprises)].put(&rows.years)?;
                outs[at(Kind::Qualifications)].put(&rows.quals)?;
                outs[at(Kind::Contracts)].put(&rows.contracts)?;
                outs[at(Kind::Talents)].put(&rows.talents)?;
                outs[at(Kind::Financing)].put(&rows.financing)?;
                outs[at(Kind::Funding)].put(&rows.funding)?;
                outs[at(Kind::Achievements)].put(&rows.achievements)?;
            }
        }
        next += workers * CHUNK;
    }

    let mut platform_rows = Vec::new();
    for (di, d) in districts.iter().enumerate() {
        platforms(&root, di, d, &mut platform_rows);
    }
    outs[at(Kind::Platforms)].put(&platform_rows)?;
    outs[at(Kind::Observations)].put(&statistics(&root, opts.seed, &districts, &sums))?;

    let mut files = Vec::new();
    for o in outs {
        if let Some(f) = o.finish()? {
            files.push(f);
        }
    }
    Ok(GenSummary {
        seed: opts.seed,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_province_has_14_cities_and_100_county_level_units_with_unique_codes() {
        let units = org_units();
        assert_eq!(units.iter().filter(|u| u.level == "city").count(), 14);
        assert_eq!(units.iter().filter(|u| u.level == "district").count(), 100);
        let codes: BTreeSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes.len(), 115);
        for (code, _, list) in CITIES {
            for (d, _) in list {
                assert_eq!(&d[..4], &code[..4], "{d} is under {code}");
            }
        }
    }

    #[test]
    fn an_enterprise_is_the_same_whoever_generates_it_and_names_say_synthetic() {
        let root = Rng::new(5);
        let ds = districts();
        let total: u64 = ds.iter().map(|d| d.weight).sum();
        let (da, a) = enterprise(&root, 42, &ds, total);
        let (db, b) = enterprise(&root, 42, &ds, total);
        assert_eq!(da, db);
        assert_eq!(a.years, b.years);
        assert_eq!(a.quals, b.quals);
        assert_eq!(a.years.len(), 4);
        assert!(a.years.iter().all(|r| r.enterprise.name.contains("演示")));
        let (_, c) = enterprise(&root, 43, &ds, total);
        assert_ne!(a.years[0].enterprise.uscc, c.years[0].enterprise.uscc);
    }
}
