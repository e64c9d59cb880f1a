//! Bulk writes into SQLite (批量写入): many rows packed into one BLOB parameter and read back, row by row, by
//! the table-valued function `plantrack_rows`:
//!
//! ```sql
//! insert into t (a, b) select r.c0, r.c1 from plantrack_rows(?1) r
//! ```
//!
//! Why it exists: an import writes a million rows. Bound one by one through sqlx's Any driver, each value costs
//! several allocations; sent as JSON (`jsonb_each` and `->> i`), SQLite spends a third of its time parsing the
//! text and walking each row's array from its start for every column. A packed row is read in place, each value
//! once, and handed to SQLite without conversion.
//!
//! The format (little-endian): a `u32` column count (1 to [`MAX_COLUMNS`]), then every row's values in column
//! order, each a tag byte followed by its bytes — `0` NULL; `1` integer (8 bytes); `2` text (`u32` length, UTF-8);
//! `3` blob (`u32` length, bytes). [`PackedRows`] writes it; the function refuses a malformed BLOB with an error
//! (it never reads outside it).
//!
//! The function is registered on every SQLite connection the process opens afterwards, through SQLite's
//! auto-extension hook ([`register`]): sqlx opens its connections itself, and this crate shares its SQLite
//! (`libsqlite3-sys` 0.37, bundled).

use std::ffi::{c_char, c_int};
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::OnceLock;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::vtab::{
    Context, Filters, IndexConstraintOp, IndexInfo, VTab, VTabConfig, VTabConnection, VTabCursor,
    eponymous_only_module,
};
use rusqlite::{Connection, ffi};

/// The SQL name of the table-valued function.
pub const FUNCTION: &str = "plantrack_rows";

/// The most columns a packed row may have (the function's columns are `c0` … `c63`).
pub const MAX_COLUMNS: usize = 64;

const TAG_NULL: u8 = 0;
const TAG_INT: u8 = 1;
const TAG_TEXT: u8 = 2;
const TAG_BLOB: u8 = 3;

/// Why the function could not be made available.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RowsError {
    /// SQLite refused the auto-extension.
    #[error("无法向 SQLite 注册 plantrack_rows / cannot register plantrack_rows with SQLite: {0}")]
    Register(String),
}

/// Rows being packed for one statement. Push each row's values in column order; every row has the same
/// number of columns.
#[derive(Debug, Clone)]
pub struct PackedRows {
    buf: Vec<u8>,
    columns: usize,
    values: usize,
}

impl PackedRows {
    /// An empty set of rows of `columns` columns (1 to [`MAX_COLUMNS`]; the function refuses other counts).
    pub fn new(columns: usize) -> Self {
        Self::with_capacity(columns, 0)
    }

    /// Like [`PackedRows::new`], with room for `bytes` bytes.
    pub fn with_capacity(columns: usize, bytes: usize) -> Self {
        let mut buf = Vec::with_capacity(bytes.max(4));
        buf.extend_from_slice(&u32::try_from(columns).unwrap_or(u32::MAX).to_le_bytes());
        PackedRows {
            buf,
            columns,
            values: 0,
        }
    }

    /// A NULL.
    pub fn null(&mut self) {
        self.buf.push(TAG_NULL);
        self.values += 1;
    }

    /// An integer.
    pub fn int(&mut self, value: i64) {
        self.buf.push(TAG_INT);
        self.buf.extend_from_slice(&value.to_le_bytes());
        self.values += 1;
    }

    /// A text.
    pub fn text(&mut self, value: &str) {
        self.bytes(TAG_TEXT, value.as_bytes());
    }

    /// A text written by `value`'s `Display`, straight into the buffer (no `String` in between).
    pub fn display(&mut self, value: &dyn std::fmt::Display) {
        use std::io::Write;
        self.buf.push(TAG_TEXT);
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0; 4]);
        // Writing into a Vec cannot fail; a Display that fails leaves what it wrote.
        let _ = write!(self.buf, "{value}");
        let len = u32::try_from(self.buf.len() - at - 4).unwrap_or(u32::MAX);
        self.buf[at..at + 4].copy_from_slice(&len.to_le_bytes());
        self.values += 1;
    }

    /// Room for `bytes` more bytes.
    pub fn reserve(&mut self, bytes: usize) {
        self.buf.reserve(bytes);
    }

    /// Bytes packed so far.
    pub fn byte_len(&self) -> usize {
        self.buf.len()
    }

    /// A blob.
    pub fn blob(&mut self, value: &[u8]) {
        self.bytes(TAG_BLOB, value);
    }

    fn bytes(&mut self, tag: u8, value: &[u8]) {
        // A value over 4 GiB cannot be sent in one statement anyway (SQLite's limit is 1 GB); its length is
        // written saturated and the function then refuses the BLOB as truncated.
        let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
        self.buf.push(tag);
        self.buf.extend_from_slice(&len.to_le_bytes());
        self.buf.extend_from_slice(value);
        self.values += 1;
    }

    /// Complete rows pushed so far.
    pub fn rows(&self) -> usize {
        self.values.checked_div(self.columns).unwrap_or(0)
    }

    /// Whether no value was pushed.
    pub fn is_empty(&self) -> bool {
        self.values == 0
    }

    /// The BLOB to bind.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

/// Make `plantrack_rows` available on every SQLite connection opened from now on, in this process. Call it
/// before opening the pool; calling it again does nothing.
#[allow(unsafe_code)]
pub fn register() -> Result<(), RowsError> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            // SAFETY: `init` neither opens nor closes a database and leaves the auto-extension list alone,
            // which is what `register_auto_extension` asks of it.
            unsafe { rusqlite::auto_extension::register_auto_extension(init) }.map_err(|e| e.to_string())
        })
        .clone()
        .map_err(RowsError::Register)
}

/// The auto-extension entry point SQLite calls for each new connection.
#[allow(unsafe_code)]
unsafe extern "C" fn init(
    db: *mut ffi::sqlite3,
    err: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: SQLite passes the connection being opened and its error-message slot; `load` only adds a module.
    unsafe { rusqlite::auto_extension::init_auto_extension(db, err, load) }
}

// The signature is rusqlite's `AutoExtension` (it hands the connection over by value).
#[allow(clippy::needless_pass_by_value)]
fn load(conn: Connection) -> rusqlite::Result<()> {
    load_module(&conn)
}

/// Add `plantrack_rows` to one connection (tests; the store relies on [`register`]).
pub fn load_module(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_module(c"plantrack_rows", eponymous_only_module::<RowsTab>(), None)
}

/// One value of the current row, as positions in the cursor's copy of the BLOB.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Text(Range<usize>),
    Blob(Range<usize>),
}

/// The column count and where the first row starts.
fn header(data: &[u8]) -> Result<(usize, usize), &'static str> {
    let count = data
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or("plantrack_rows: BLOB 太短 / the BLOB is too short")?;
    let columns = usize::try_from(count).unwrap_or(usize::MAX);
    if !(1..=MAX_COLUMNS).contains(&columns) {
        return Err("plantrack_rows: 列数无效 / invalid column count");
    }
    Ok((columns, 4))
}

/// Read the row starting at `at` into `cells`; the offset of the next row.
fn read_row(
    data: &[u8],
    mut at: usize,
    columns: usize,
    cells: &mut Vec<Cell>,
) -> Result<usize, &'static str> {
    const TRUNCATED: &str = "plantrack_rows: 行被截断 / truncated row";
    cells.clear();
    for _ in 0..columns {
        let tag = *data.get(at).ok_or(TRUNCATED)?;
        at += 1;
        let cell = match tag {
            TAG_NULL => Cell::Null,
            TAG_INT => {
                let bytes: [u8; 8] = data
                    .get(at..at + 8)
                    .and_then(|b| b.try_into().ok())
                    .ok_or(TRUNCATED)?;
                at += 8;
                Cell::Int(i64::from_le_bytes(bytes))
            }
            TAG_TEXT | TAG_BLOB => {
                let len: [u8; 4] = data
                    .get(at..at + 4)
                    .and_then(|b| b.try_into().ok())
                    .ok_or(TRUNCATED)?;
                at += 4;
                let len = usize::try_from(u32::from_le_bytes(len)).map_err(|_| TRUNCATED)?;
                let end = at
                    .checked_add(len)
                    .filter(|&e| e <= data.len())
                    .ok_or(TRUNCATED)?;
                let range = at..end;
                at = end;
                if tag == TAG_TEXT {
                    Cell::Text(range)
                } else {
                    Cell::Blob(range)
                }
            }
            _ => return Err("plantrack_rows: 未知的值类型 / unknown value tag"),
        };
        cells.push(cell);
    }
    Ok(at)
}

fn module_error(message: &str) -> rusqlite::Error {
    rusqlite::Error::ModuleError(message.to_owned())
}

/// The eponymous virtual table behind `plantrack_rows(blob)`: columns `c0` … `c63`, and the hidden `data`.
#[repr(C)]
struct RowsTab {
    /// rusqlite's base structure; must come first.
    base: ffi::sqlite3_vtab,
}

/// The hidden argument column.
const DATA_COLUMN: c_int = MAX_COLUMNS as c_int;

// SAFETY: `RowsTab` is `repr(C)` with `sqlite3_vtab` first, as rusqlite requires.
#[allow(unsafe_code)]
unsafe impl<'vtab> VTab<'vtab> for RowsTab {
    type Aux = ();
    type Cursor = RowsCursor<'vtab>;

    fn connect(
        db: &mut VTabConnection,
        _aux: Option<&()>,
        _args: &[&[u8]],
    ) -> rusqlite::Result<(String, Self)> {
        // It reads only its argument: harmless anywhere.
        db.config(VTabConfig::Innocuous)?;
        let columns: Vec<String> = (0..MAX_COLUMNS).map(|i| format!("c{i}")).collect();
        Ok((
            format!("create table x({}, data hidden)", columns.join(", ")),
            RowsTab {
                base: ffi::sqlite3_vtab::default(),
            },
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> rusqlite::Result<()> {
        let mut data = None;
        let mut unusable = false;
        for (i, c) in info.constraints().enumerate() {
            if c.column() == DATA_COLUMN && c.operator() == IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_EQ {
                if c.is_usable() {
                    data = Some(i);
                } else {
                    unusable = true;
                }
            }
        }
        match data {
            Some(i) => {
                let mut usage = info.constraint_usage(i);
                usage.set_argv_index(1);
                usage.set_omit(true);
                info.set_idx_num(1);
                info.set_estimated_cost(1.0);
                info.set_estimated_rows(10_000);
            }
            // A plan where the argument is not known yet is refused, so SQLite picks one where it is.
            None if unusable => {
                return Err(rusqlite::Error::SqliteFailure(
                    ffi::Error::new(ffi::SQLITE_CONSTRAINT),
                    None,
                ));
            }
            // Without an argument there are no rows.
            None => info.set_idx_num(0),
        }
        Ok(())
    }

    fn open(&'vtab mut self) -> rusqlite::Result<RowsCursor<'vtab>> {
        Ok(RowsCursor {
            base: ffi::sqlite3_vtab_cursor::default(),
            data: Vec::new(),
            columns: 0,
            next: 0,
            cells: Vec::new(),
            row_id: 0,
            eof: true,
            phantom: PhantomData,
        })
    }
}

/// A scan of one BLOB.
#[repr(C)]
struct RowsCursor<'vtab> {
    /// rusqlite's base structure; must come first.
    base: ffi::sqlite3_vtab_cursor,
    /// A copy of the argument: SQLite's value lives only during `filter`.
    data: Vec<u8>,
    columns: usize,
    /// Where the row after the current one starts.
    next: usize,
    cells: Vec<Cell>,
    row_id: i64,
    eof: bool,
    phantom: PhantomData<&'vtab RowsTab>,
}

impl RowsCursor<'_> {
    fn advance(&mut self) -> rusqlite::Result<()> {
        if self.next >= self.data.len() {
            self.eof = true;
            return Ok(());
        }
        self.next = read_row(&self.data, self.next, self.columns, &mut self.cells).map_err(module_error)?;
        self.row_id += 1;
        Ok(())
    }
}

// SAFETY: `RowsCursor` is `repr(C)` with `sqlite3_vtab_cursor` first, as rusqlite requires.
#[allow(unsafe_code)]
unsafe impl VTabCursor for RowsCursor<'_> {
    fn filter(&mut self, idx_num: c_int, _idx_str: Option<&str>, args: &Filters<'_>) -> rusqlite::Result<()> {
        self.data.clear();
        self.cells.clear();
        self.row_id = 0;
        self.eof = true;
        if idx_num == 0 {
            return Ok(());
        }
        match args.iter().next() {
            Some(ValueRef::Blob(bytes)) => self.data.extend_from_slice(bytes),
            Some(ValueRef::Null) | None => return Ok(()),
            Some(_) => {
                return Err(module_error(
                    "plantrack_rows: 参数须为 BLOB / the argument must be a BLOB",
                ));
            }
        }
        let (columns, start) = header(&self.data).map_err(module_error)?;
        self.columns = columns;
        self.next = start;
        self.eof = false;
        self.advance()
    }

    fn next(&mut self) -> rusqlite::Result<()> {
        self.advance()
    }

    fn eof(&self) -> bool {
        self.eof
    }

    fn column(&self, ctx: &mut Context, i: c_int) -> rusqlite::Result<()> {
        let cell = usize::try_from(i).ok().and_then(|i| self.cells.get(i));
        let value = match cell {
            Some(Cell::Int(v)) => ValueRef::Integer(*v),
            Some(Cell::Text(r)) => ValueRef::Text(self.data.get(r.clone()).unwrap_or_default()),
            Some(Cell::Blob(r)) => ValueRef::Blob(self.data.get(r.clone()).unwrap_or_default()),
            Some(Cell::Null) | None => ValueRef::Null,
        };
        ctx.set_result(&ToSqlOutput::Borrowed(value))
    }

    fn rowid(&self) -> rusqlite::Result<i64> {
        Ok(self.row_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rusqlite::types::Value;

    fn pack(columns: usize, rows: &[Vec<Value>]) -> Vec<u8> {
        let mut p = PackedRows::new(columns);
        for (n, row) in rows.iter().enumerate() {
            for v in row {
                match v {
                    Value::Null => p.null(),
                    Value::Integer(i) => p.int(*i),
                    // Both ways of writing a text, alternately.
                    Value::Text(s) if n % 2 == 0 => p.text(s),
                    Value::Text(s) => p.display(s),
                    Value::Blob(b) => p.blob(b),
                    Value::Real(_) => unreachable!("not generated"),
                }
            }
        }
        assert_eq!(p.rows(), rows.len());
        p.into_bytes()
    }

    fn read_back(conn: &Connection, columns: usize, blob: Vec<u8>) -> rusqlite::Result<Vec<Vec<Value>>> {
        let cols: Vec<String> = (0..columns).map(|i| format!("c{i}")).collect();
        let mut st = conn.prepare(&format!("select {} from plantrack_rows(?1)", cols.join(", ")))?;
        let rows = st.query_map([blob], |row| {
            (0..columns).map(|i| row.get::<_, Value>(i)).collect()
        })?;
        rows.collect()
    }

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().expect("in-memory database");
        load_module(&conn).expect("module");
        conn
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Integer),
            ".{0,12}".prop_map(Value::Text),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(Value::Blob),
        ]
    }

    proptest! {
        /// What is packed is what SQLite reads: every kind of value, every row, in order.
        #[test]
        fn packed_rows_read_back_unchanged(
            (columns, rows) in (1usize..=6).prop_flat_map(|n| {
                (Just(n), proptest::collection::vec(proptest::collection::vec(value(), n), 0..20))
            })
        ) {
            let conn = conn();
            prop_assert_eq!(read_back(&conn, columns, pack(columns, &rows)).expect("read"), rows);
        }

        /// Any BLOB at all is either read or refused with an error: never a crash, never a read outside it.
        #[test]
        fn arbitrary_blobs_never_crash(blob in proptest::collection::vec(any::<u8>(), 0..64)) {
            let conn = conn();
            let _ = read_back(&conn, 3, blob);
        }
    }

    #[test]
    fn malformed_blobs_are_refused_with_a_message() {
        let conn = conn();
        let good = pack(2, &[vec![Value::Integer(7), Value::Text("盘锦".into())]]);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (vec![1, 0], "too short"),
            (vec![0, 0, 0, 0], "invalid column count"),
            (65u32.to_le_bytes().to_vec(), "invalid column count"),
            (good[..good.len() - 1].to_vec(), "truncated row"),
            ([&2u32.to_le_bytes()[..], &[9]].concat(), "unknown value tag"),
        ];
        for (blob, reason) in cases {
            let err = read_back(&conn, 2, blob).expect_err(reason).to_string();
            assert!(err.contains(reason), "{err} should say {reason}");
        }
        let err = conn
            .query_row("select c0 from plantrack_rows('text')", [], |r| {
                r.get::<_, Value>(0)
            })
            .expect_err("a text argument")
            .to_string();
        assert!(err.contains("must be a BLOB"), "{err}");
    }

    #[test]
    fn no_argument_or_null_means_no_rows() {
        let conn = conn();
        let n: i64 = conn
            .query_row("select count(*) from plantrack_rows", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 0);
        let n: i64 = conn
            .query_row("select count(*) from plantrack_rows(null)", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 0);
    }

    #[test]
    fn an_upsert_reads_its_rows_from_the_blob() {
        let conn = conn();
        conn.execute_batch("create table t (k text primary key, n integer, note text)")
            .expect("schema");
        let upsert = "insert into t (k, n, note) select r.c0, r.c1, r.c2 from plantrack_rows(?1) r where true \
                      on conflict (k) do update set n = excluded.n, note = excluded.note";
        let first = pack(
            3,
            &[
                vec![Value::Text("a".into()), Value::Integer(1), Value::Null],
                vec![
                    Value::Text("b".into()),
                    Value::Integer(2),
                    Value::Text("乙".into()),
                ],
            ],
        );
        assert_eq!(conn.execute(upsert, [first]).expect("insert"), 2);
        let second = pack(
            3,
            &[vec![
                Value::Text("a".into()),
                Value::Integer(10),
                Value::Text("甲".into()),
            ]],
        );
        conn.execute(upsert, [second]).expect("update");
        let rows: Vec<(String, i64, Option<String>)> = conn
            .prepare("select k, n, note from t order by k")
            .expect("select")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            rows,
            vec![
                ("a".into(), 10, Some("甲".into())),
                ("b".into(), 2, Some("乙".into()))
            ]
        );
    }

    #[test]
    fn registered_for_connections_opened_afterwards() {
        register().expect("register");
        register().expect("registering twice is harmless");
        let conn = Connection::open_in_memory().expect("in-memory database");
        let blob = pack(1, &[vec![Value::Integer(42)]]);
        let v: i64 = conn
            .query_row("select c0 from plantrack_rows(?1)", [blob], |r| r.get(0))
            .expect("the function is there without load_module");
        assert_eq!(v, 42);
    }
}
