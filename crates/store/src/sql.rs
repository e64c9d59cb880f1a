//! Conversions between domain values and the few types sqlx's Any driver carries (i64, text, bytes), and a
//! tiny statement builder that numbers `$n` placeholders (sqlx's `QueryBuilder<Any>` emits `?`, which
//! PostgreSQL refuses).
//!
//! Storage rules (stack.md §2.3): decimals as canonical TEXT (`Decimal::normalize`, so equal values are equal
//! text and re-imports compare cleanly), dates as TEXT `YYYY-MM-DD`, instants as BIGINT unix milliseconds,
//! booleans as 0/1 integers.

use jiff::Timestamp;
use jiff::civil::Date;
use plantrack_sqlite_rows::PackedRows;
use rust_decimal::Decimal;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe, Row};

use crate::{Backend, StoreError};

/// One bound value, typed so that a NULL reaches PostgreSQL with the right type.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// TEXT (also decimals and dates).
    Text(Option<String>),
    /// BIGINT / INTEGER (also booleans and instants).
    Int(Option<i64>),
    /// BLOB / BYTEA.
    Blob(Option<Vec<u8>>),
}

impl Param {
    /// The value as JSON, for the audit log and the logical backup.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Param::Text(Some(s)) => Value::String(s.clone()),
            Param::Int(Some(i)) => Value::from(*i),
            Param::Blob(Some(b)) => Value::String(hex::encode(b)),
            _ => Value::Null,
        }
    }
}

/// Bind values in order.
pub(crate) fn bind<'q>(
    mut q: Query<'q, Any, AnyArguments>,
    params: impl IntoIterator<Item = Param>,
) -> Query<'q, Any, AnyArguments> {
    for p in params {
        q = match p {
            Param::Text(v) => q.bind(v),
            Param::Int(v) => q.bind(v),
            Param::Blob(v) => q.bind(v),
        };
    }
    q
}

/// A statement with numbered placeholders. SQL text comes only from constants in this crate; values are bound.
#[derive(Debug, Default)]
pub(crate) struct Stmt {
    pub sql: String,
    pub params: Vec<Param>,
}

impl Stmt {
    pub fn new(sql: impl Into<String>) -> Self {
        Stmt {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    /// Append SQL text.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Append a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl ToParam) -> &mut Self {
        self.params.push(value.to_param());
        self.sql.push('$');
        self.sql.push_str(&self.params.len().to_string());
        self
    }

    /// Append a placeholder bound to an already converted value.
    pub fn bind_param(&mut self, value: Param) -> &mut Self {
        self.params.push(value);
        self.sql.push('$');
        self.sql.push_str(&self.params.len().to_string());
        self
    }

    /// The statement for `backend`. PostgreSQL gets the `$n` placeholders as written. SQLite gets anonymous
    /// `?` placeholders with the values in order of appearance (repeated `$n` bound again): sqlx binds SQLite
    /// parameters by asking `sqlite3_bind_parameter_name` for each, which is linear in the number of named
    /// parameters — a 500-row insert with `$n` names ran 50× slower than with `?`.
    /// Like [`Stmt::query`], moving the values (bulk statements carry thousands).
    pub fn into_query(self, backend: Backend) -> Query<'static, Any, AnyArguments> {
        match backend {
            Backend::Postgres => bind(sqlx::query(AssertSqlSafe(self.sql)), self.params),
            Backend::Sqlite => {
                let (sql, order) = anonymous_placeholders(&self.sql);
                if order.iter().enumerate().all(|(i, &n)| i == n) && order.len() == self.params.len() {
                    bind(sqlx::query(AssertSqlSafe(sql)), self.params)
                } else {
                    let params: Vec<Param> = order
                        .into_iter()
                        .filter_map(|i| self.params.get(i).cloned())
                        .collect();
                    bind(sqlx::query(AssertSqlSafe(sql)), params)
                }
            }
        }
    }

    pub fn query(&self, backend: Backend) -> Query<'_, Any, AnyArguments> {
        match backend {
            Backend::Postgres => bind(
                sqlx::query(AssertSqlSafe(self.sql.as_str())),
                self.params.iter().cloned(),
            ),
            Backend::Sqlite => {
                let (sql, order) = anonymous_placeholders(&self.sql);
                let params = order.into_iter().filter_map(|i| self.params.get(i).cloned());
                bind(sqlx::query(AssertSqlSafe(sql)), params)
            }
        }
    }
}

/// Replace `$n` placeholders outside quoted literals by `?`; return the SQL and, per `?`, the 0-based index
/// of the value it takes.
pub(crate) fn anonymous_placeholders(sql: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(sql.len());
    let mut order = Vec::new();
    let bytes = sql.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    let mut start = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'$' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let mut j = i + 1;
                let mut n = 0usize;
                while let Some(d) = bytes.get(j).filter(|d| d.is_ascii_digit()) {
                    n = n * 10 + usize::from(d - b'0');
                    j += 1;
                }
                out.push_str(&sql[start..i]);
                out.push('?');
                order.push(n.saturating_sub(1));
                i = j;
                start = j;
                continue;
            }
            None => {}
        }
        i += 1;
    }
    out.push_str(&sql[start..]);
    (out, order)
}

/// A Rust value that can be bound.
pub trait ToParam {
    /// Convert to a bound value.
    fn to_param(&self) -> Param;

    /// Append the value to rows packed for SQLite's bulk path: what [`ToParam::to_param`] binds, written
    /// straight into the buffer by the common types (no `String` per value).
    fn pack(&self, out: &mut PackedRows) {
        pack_param(&self.to_param(), out);
    }
}

/// Append a bound value to packed rows.
pub(crate) fn pack_param(value: &Param, out: &mut PackedRows) {
    match value {
        Param::Text(Some(s)) => out.text(s),
        Param::Int(Some(n)) => out.int(*n),
        Param::Blob(Some(b)) => out.blob(b),
        Param::Text(None) | Param::Int(None) | Param::Blob(None) => out.null(),
    }
}

/// A Rust value that can be read from a named column.
pub trait FromColumn: Sized {
    /// Read column `col` of `row`.
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError>;
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Param {
        (*self).to_param()
    }

    fn pack(&self, out: &mut PackedRows) {
        (*self).pack(out);
    }
}

impl ToParam for Param {
    fn to_param(&self) -> Param {
        self.clone()
    }
}

impl ToParam for str {
    fn to_param(&self) -> Param {
        Param::Text(Some(self.to_owned()))
    }

    fn pack(&self, out: &mut PackedRows) {
        out.text(self);
    }
}

impl ToParam for String {
    fn to_param(&self) -> Param {
        Param::Text(Some(self.clone()))
    }

    fn pack(&self, out: &mut PackedRows) {
        out.text(self);
    }
}

impl ToParam for i64 {
    fn to_param(&self) -> Param {
        Param::Int(Some(*self))
    }

    fn pack(&self, out: &mut PackedRows) {
        out.int(*self);
    }
}

impl ToParam for i32 {
    fn to_param(&self) -> Param {
        Param::Int(Some(i64::from(*self)))
    }

    fn pack(&self, out: &mut PackedRows) {
        out.int(i64::from(*self));
    }
}

impl ToParam for bool {
    fn to_param(&self) -> Param {
        Param::Int(Some(i64::from(*self)))
    }

    fn pack(&self, out: &mut PackedRows) {
        out.int(i64::from(*self));
    }
}

impl ToParam for Decimal {
    fn to_param(&self) -> Param {
        Param::Text(Some(decimal_text(*self)))
    }

    fn pack(&self, out: &mut PackedRows) {
        out.display(&CanonicalDecimal(*self));
    }
}

impl ToParam for Date {
    fn to_param(&self) -> Param {
        Param::Text(Some(self.to_string()))
    }

    fn pack(&self, out: &mut PackedRows) {
        out.display(self);
    }
}

impl ToParam for Timestamp {
    fn to_param(&self) -> Param {
        Param::Int(Some(self.as_millisecond()))
    }
}

impl ToParam for Vec<u8> {
    fn to_param(&self) -> Param {
        Param::Blob(Some(self.clone()))
    }
}

impl<T: ToParam + NullParam> ToParam for Option<T> {
    fn to_param(&self) -> Param {
        match self {
            Some(v) => v.to_param(),
            None => T::null(),
        }
    }

    fn pack(&self, out: &mut PackedRows) {
        match self {
            Some(v) => v.pack(out),
            None => out.null(),
        }
    }
}

/// The typed NULL for a Rust type.
pub trait NullParam {
    /// NULL of this type's column type.
    fn null() -> Param;
}

macro_rules! null_as {
    ($variant:ident: $($t:ty),*) => {$(
        impl NullParam for $t {
            fn null() -> Param { Param::$variant(None) }
        }
    )*};
}
null_as!(Text: String, Decimal, Date);
null_as!(Int: i64, i32, bool, Timestamp);
null_as!(Blob: Vec<u8>);

/// Canonical decimal text: equal values give equal text (`1.50` and `1.5` both store as `1.5`).
pub fn decimal_text(d: Decimal) -> String {
    CanonicalDecimal(d).to_string()
}

/// A decimal as its canonical text: the normalised value, as rust_decimal writes it.
pub(crate) struct CanonicalDecimal(pub(crate) Decimal);

impl std::fmt::Display for CanonicalDecimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0.normalize();
        // Amounts fit 64 bits: write the digits once and place the point (rust_decimal's Display divides its
        // 96-bit mantissa digit by digit; an import of a million rows writes ten million amounts).
        let Ok(mut m) = u64::try_from(d.mantissa().unsigned_abs()) else {
            return write!(f, "{d}");
        };
        let negative = d.is_sign_negative() && m != 0;
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b'0' + (m % 10) as u8;
            m /= 10;
            if m == 0 {
                break;
            }
        }
        let digits = std::str::from_utf8(&buf[start..]).map_err(|_| std::fmt::Error)?;
        let scale = d.scale() as usize;
        if negative {
            f.write_str("-")?;
        }
        if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            f.write_str(int)?;
            if !frac.is_empty() {
                f.write_str(".")?;
                f.write_str(frac)?;
            }
        } else {
            f.write_str("0.")?;
            for _ in digits.len()..scale {
                f.write_str("0")?;
            }
            f.write_str(digits)?;
        }
        Ok(())
    }
}

pub(crate) fn bad_stored(col: &str, what: &str, value: &str) -> StoreError {
    StoreError::invalid(
        "",
        col,
        format!("存储值不是{what} / stored value is not a {what}: {value:?}"),
    )
}

fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

impl FromColumn for String {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        Ok(row.try_get::<String, _>(col)?)
    }
}

impl FromColumn for i64 {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        Ok(row.try_get::<i64, _>(col)?)
    }
}

impl FromColumn for i32 {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        let v = row.try_get::<i64, _>(col)?;
        i32::try_from(v).map_err(|_| bad_stored(col, "32-bit integer", &v.to_string()))
    }
}

impl FromColumn for bool {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        Ok(row.try_get::<i64, _>(col)? != 0)
    }
}

impl FromColumn for Vec<u8> {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        Ok(row.try_get::<Vec<u8>, _>(col)?)
    }
}

impl FromColumn for Timestamp {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        let ms = row.try_get::<i64, _>(col)?;
        Timestamp::from_millisecond(ms).map_err(|_| bad_stored(col, "instant", &ms.to_string()))
    }
}

impl FromColumn for Decimal {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        let s = row.try_get::<String, _>(col)?;
        parse_decimal(col, &s)
    }
}

impl FromColumn for Date {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        let s = row.try_get::<String, _>(col)?;
        parse_date(col, &s)
    }
}

pub(crate) fn parse_decimal(col: &str, s: &str) -> Result<Decimal, StoreError> {
    s.parse::<Decimal>().map_err(|_| bad_stored(col, "decimal", s))
}

pub(crate) fn parse_date(col: &str, s: &str) -> Result<Date, StoreError> {
    s.parse::<Date>().map_err(|_| bad_stored(col, "date", s))
}

macro_rules! opt_from_column {
    ($($t:ty),*) => {$(
        impl FromColumn for Option<$t> {
            fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
                opt_via::<$t>(row, col)
            }
        }
    )*};
}
opt_from_column!(Decimal, Date);

fn opt_via<T: FromStrColumn>(row: &AnyRow, col: &str) -> Result<Option<T>, StoreError> {
    match opt_text(row, col)? {
        None => Ok(None),
        Some(s) => T::parse_col(col, &s).map(Some),
    }
}

trait FromStrColumn: Sized {
    fn parse_col(col: &str, s: &str) -> Result<Self, StoreError>;
}
impl FromStrColumn for Decimal {
    fn parse_col(col: &str, s: &str) -> Result<Self, StoreError> {
        parse_decimal(col, s)
    }
}
impl FromStrColumn for Date {
    fn parse_col(col: &str, s: &str) -> Result<Self, StoreError> {
        parse_date(col, s)
    }
}

impl FromColumn for Option<String> {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        opt_text(row, col)
    }
}

impl FromColumn for Option<i64> {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(col)?)
    }
}

impl FromColumn for Option<i32> {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        match row.try_get::<Option<i64>, _>(col)? {
            None => Ok(None),
            Some(v) => i32::try_from(v)
                .map(Some)
                .map_err(|_| bad_stored(col, "32-bit integer", &v.to_string())),
        }
    }
}

impl FromColumn for Option<Vec<u8>> {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        Ok(row.try_get::<Option<Vec<u8>>, _>(col)?)
    }
}

impl FromColumn for Option<bool> {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(col)?.map(|v| v != 0))
    }
}

impl FromColumn for Option<Timestamp> {
    fn from_column(row: &AnyRow, col: &str) -> Result<Self, StoreError> {
        match row.try_get::<Option<i64>, _>(col)? {
            None => Ok(None),
            Some(ms) => Timestamp::from_millisecond(ms)
                .map(Some)
                .map_err(|_| bad_stored(col, "instant", &ms.to_string())),
        }
    }
}

/// Read a column into any supported type.
pub(crate) fn get<T: FromColumn>(row: &AnyRow, col: &str) -> Result<T, StoreError> {
    T::from_column(row, col)
}

/// A text enumeration stored by its stable code (`high_tech`, `maker_space` …).
pub trait CodeEnum: Sized + Copy + 'static {
    /// Every value, for CHECK lists and parsing.
    const ALL: &'static [Self];
    /// The stored code.
    fn code(self) -> &'static str;
    /// Parse a stored code.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

/// Store a core code enumeration (`plantrack_core::registry::Code`) by its code.
macro_rules! store_code {
    ($name:ty) => {
        impl $crate::sql::ToParam for $name {
            fn to_param(&self) -> $crate::sql::Param {
                $crate::sql::Param::Text(Some(plantrack_core::registry::Code::code(*self).to_owned()))
            }
        }

        impl $crate::sql::NullParam for $name {
            fn null() -> $crate::sql::Param {
                $crate::sql::Param::Text(None)
            }
        }

        impl $crate::sql::FromColumn for $name {
            fn from_column(row: &sqlx::any::AnyRow, col: &str) -> Result<Self, $crate::StoreError> {
                let s = <String as $crate::sql::FromColumn>::from_column(row, col)?;
                <$name as plantrack_core::registry::Code>::from_code(&s).ok_or_else(|| {
                    $crate::StoreError::invalid(
                        stringify!($name),
                        col,
                        format!("未知代码 / unknown code {s:?}"),
                    )
                })
            }
        }

        impl $crate::sql::FromColumn for Option<$name> {
            fn from_column(row: &sqlx::any::AnyRow, col: &str) -> Result<Self, $crate::StoreError> {
                match <Option<String> as $crate::sql::FromColumn>::from_column(row, col)? {
                    None => Ok(None),
                    Some(s) => <$name as plantrack_core::registry::Code>::from_code(&s)
                        .map(Some)
                        .ok_or_else(|| {
                            $crate::StoreError::invalid(
                                stringify!($name),
                                col,
                                format!("未知代码 / unknown code {s:?}"),
                            )
                        }),
                }
            }
        }
    };
}
pub(crate) use store_code;

/// Declare a text enumeration stored by code, with serde as the code.
macro_rules! code_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $code)] $variant),+ }

        impl $crate::sql::CodeEnum for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::sql::CodeEnum::code(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::StoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$name as $crate::sql::CodeEnum>::from_code(s).ok_or_else(|| {
                    $crate::StoreError::invalid(stringify!($name), "code",
                        format!("未知代码 / unknown code {s:?}"))
                })
            }
        }

        impl $crate::sql::ToParam for $name {
            fn to_param(&self) -> $crate::sql::Param {
                $crate::sql::Param::Text(Some($crate::sql::CodeEnum::code(*self).to_owned()))
            }
        }

        impl $crate::sql::NullParam for $name {
            fn null() -> $crate::sql::Param { $crate::sql::Param::Text(None) }
        }

        impl $crate::sql::FromColumn for $name {
            fn from_column(row: &sqlx::any::AnyRow, col: &str) -> Result<Self, $crate::StoreError> {
                let s = <String as $crate::sql::FromColumn>::from_column(row, col)?;
                s.parse()
            }
        }

        impl $crate::sql::FromColumn for Option<$name> {
            fn from_column(row: &sqlx::any::AnyRow, col: &str) -> Result<Self, $crate::StoreError> {
                match <Option<String> as $crate::sql::FromColumn>::from_column(row, col)? {
                    None => Ok(None),
                    Some(s) => s.parse().map(Some),
                }
            }
        }
    };
}
pub(crate) use code_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_anonymous_in_order_of_use() {
        let (sql, order) = anonymous_placeholders("select $1, '$2', \"$3\", $2 || $10, $1");
        assert_eq!(sql, "select ?, '$2', \"$3\", ? || ?, ?");
        assert_eq!(order, [0, 1, 9, 0]);
    }

    proptest::proptest! {
        /// The fast decimal text is rust_decimal's own text of the normalised value, for every sign and scale.
        #[test]
        fn decimal_text_is_displays_text(m in proptest::prelude::any::<i64>(), big in proptest::prelude::any::<i128>(), scale in 0u32..=28) {
            for d in [Decimal::new(m, scale), Decimal::from_i128_with_scale(big % 10i128.pow(28), scale)] {
                proptest::prop_assert_eq!(decimal_text(d), d.normalize().to_string());
            }
        }
    }

    #[test]
    fn decimal_text_of_edge_values() {
        for (d, text) in [
            (Decimal::new(150, 2), "1.5"),
            (Decimal::new(-5, 3), "-0.005"),
            (Decimal::new(0, 4), "0"),
            (Decimal::new(-0, 2), "0"),
            (Decimal::new(123_400, 2), "1234"),
            (Decimal::MAX, "79228162514264337593543950335"),
            ("-0.00".parse().expect("decimal"), "0"),
            // (rust_decimal too: normalising drops the sign of zero)
        ] {
            assert_eq!(decimal_text(d), text);
            assert_eq!(d.normalize().to_string(), text);
        }
    }
}
