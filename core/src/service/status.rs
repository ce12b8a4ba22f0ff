//! The status lifecycle of an order.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Error;

/// The lifecycle of an order: pending -> confirmed -> shipped -> delivered, and pending or
/// confirmed -> cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    /// Placed, not yet confirmed.
    Pending,
    /// Confirmed, to be shipped.
    Confirmed,
    /// On its way.
    Shipped,
    /// Arrived; final.
    Delivered,
    /// Cancelled, stock given back; final.
    Cancelled,
}

impl Status {
    /// Every status, in lifecycle order.
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Confirmed,
        Status::Shipped,
        Status::Delivered,
        Status::Cancelled,
    ];

    /// The name stored in the database and shown to users.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Confirmed => "confirmed",
            Status::Shipped => "shipped",
            Status::Delivered => "delivered",
            Status::Cancelled => "cancelled",
        }
    }

    /// The statuses this one may change to.
    #[must_use]
    pub fn next_allowed(self) -> &'static [Status] {
        match self {
            Status::Pending => &[Status::Confirmed, Status::Cancelled],
            Status::Confirmed => &[Status::Shipped, Status::Cancelled],
            Status::Shipped => &[Status::Delivered],
            Status::Delivered | Status::Cancelled => &[],
        }
    }

    /// The next step forward in the lifecycle (cancelling is not a step forward).
    #[must_use]
    pub fn forward(self) -> Option<Status> {
        match self {
            Status::Pending => Some(Status::Confirmed),
            Status::Confirmed => Some(Status::Shipped),
            Status::Shipped => Some(Status::Delivered),
            Status::Delivered | Status::Cancelled => None,
        }
    }

    /// Whether an order may move from `self` to `to`.
    #[must_use]
    pub fn can_become(self, to: Status) -> bool {
        self.next_allowed().contains(&to)
    }

    /// Whether a new order may start in this status.
    #[must_use]
    pub fn is_initial(self) -> bool {
        matches!(self, Status::Pending | Status::Confirmed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let wanted = s.trim().to_ascii_lowercase();
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == wanted)
            .ok_or_else(|| {
                Error::invalid(
                    "status",
                    format!(
                        "unknown status {s:?}; one of pending, confirmed, shipped, delivered, cancelled"
                    ),
                )
            })
    }
}
