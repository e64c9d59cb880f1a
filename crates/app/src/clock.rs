//! The day the supervision views, reminders and reports take as "today" (业务日期).
//!
//! Normally the jurisdiction's civil day. The synthetic demo district's supervision history stops on
//! [`DEMO_HISTORY_ENDS`](crate::supervision::demo::DEMO_HISTORY_ENDS); shown on any later day, every one of its
//! tasks would be years overdue and the board a wall of red. So a store holding the demo is seen on the day its
//! history ends — said on every page — unless the operator fixes another day (`plantrack serve --today`).

use jiff::civil::{Date, DateTime};
use plantrack_store::Store;

use crate::AppError;
use crate::supervision::{demo::DEMO_HISTORY_ENDS, local_now};

/// Where "today" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// China Standard Time now.
    #[default]
    System,
    /// A fixed day (the time of day still runs, so that events keep their order).
    Fixed {
        /// The day.
        day: Date,
        /// Fixed because the store holds the synthetic demo (shown as such), not by the operator.
        demo: bool,
    },
}

impl Clock {
    /// The clock for `store`: `today` when the operator gives one, else the demo's day when the store holds the
    /// demo data, else the system clock.
    pub async fn for_store(store: &Store, today: Option<Date>) -> Result<Clock, AppError> {
        if let Some(day) = today {
            return Ok(Clock::Fixed { day, demo: false });
        }
        Ok(if store.has_import_of_kind("demo").await? {
            Clock::Fixed {
                day: DEMO_HISTORY_ENDS,
                demo: true,
            }
        } else {
            Clock::System
        })
    }

    /// Now, as a civil date and time in China Standard Time.
    pub fn now(&self) -> DateTime {
        let now = local_now();
        match self {
            Clock::System => now,
            Clock::Fixed { day, .. } => day.to_datetime(now.time()),
        }
    }

    /// Today.
    pub fn today(&self) -> Date {
        self.now().date()
    }

    /// The fixed day, when there is one.
    pub fn fixed_day(&self) -> Option<Date> {
        match self {
            Clock::System => None,
            Clock::Fixed { day, .. } => Some(*day),
        }
    }

    /// Whether the day is fixed because the store holds the demo.
    pub fn is_demo(&self) -> bool {
        matches!(self, Clock::Fixed { demo: true, .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use plantrack_store::testing::TestDb;

    #[tokio::test]
    async fn a_demo_store_is_seen_on_the_day_its_history_ends() {
        let db = TestDb::sqlite().await;
        let store = &db.store;
        assert_eq!(Clock::for_store(store, None).await.unwrap(), Clock::System);
        crate::demo::ensure_demo(store).await.unwrap();
        let clock = Clock::for_store(store, None).await.unwrap();
        assert!(clock.is_demo());
        assert_eq!(clock.today(), DEMO_HISTORY_ENDS);
        // The operator's day wins, and is not labelled as the demo's.
        let fixed = Clock::for_store(store, Some(date(2020, 6, 30))).await.unwrap();
        assert_eq!(fixed.today(), date(2020, 6, 30));
        assert!(!fixed.is_demo());
        db.finish().await;
    }

    #[test]
    fn the_system_clock_is_not_fixed() {
        assert_eq!(Clock::System.fixed_day(), None);
        assert!(!Clock::System.is_demo());
    }
}
