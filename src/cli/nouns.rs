//! The subcommands of the three nouns: `orderdesk user`, `product` and `order`.

use clap::Subcommand;

use super::{PageArgs, StatusArg};

/// `orderdesk user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Register a customer
    Add {
        /// Their email (unique)
        #[arg(long)]
        email: String,
        /// Their full name
        #[arg(long)]
        name: String,
    },
    /// List customers with their number of orders
    List(PageArgs),
    /// Show one customer
    Show {
        /// The user's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
    },
    /// Change a customer's email or name
    Update {
        /// The user's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
        /// A new email
        #[arg(long)]
        email: Option<String>,
        /// A new full name
        #[arg(long)]
        name: Option<String>,
    },
    /// Delete a customer who has no orders
    Delete {
        /// The user's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
    },
}

/// `orderdesk product ...`.
#[derive(Debug, Subcommand)]
pub enum ProductCommand {
    /// Add a product
    Add {
        /// Its name
        #[arg(long)]
        name: String,
        /// Its price, such as 12.34
        #[arg(long, allow_hyphen_values = true)]
        price: String,
        /// Units in stock [default: not tracked]
        #[arg(long, allow_hyphen_values = true)]
        stock: Option<String>,
    },
    /// List products
    List(PageArgs),
    /// Show one product
    Show {
        /// The product's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
    },
    /// Change a product's name, price or stock
    Update {
        /// The product's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
        /// A new name
        #[arg(long)]
        name: Option<String>,
        /// A new price, such as 12.34 (orders already placed keep theirs)
        #[arg(long, allow_hyphen_values = true)]
        price: Option<String>,
        /// A new stock level
        #[arg(long, allow_hyphen_values = true, conflicts_with = "untracked")]
        stock: Option<String>,
        /// Stop tracking stock
        #[arg(long)]
        untracked: bool,
    },
    /// Delete a product that is on no order
    Delete {
        /// The product's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
    },
}

/// `orderdesk order ...`.
#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Place an order
    Add {
        /// The customer's id
        #[arg(long, value_name = "ID", allow_negative_numbers = true)]
        user: i64,
        /// A line as `PRODUCT_ID:QUANTITY`; repeat for more lines
        #[arg(
            long = "item",
            value_name = "PRODUCT_ID:QTY",
            required = true,
            allow_hyphen_values = true
        )]
        items: Vec<String>,
        /// The starting status
        #[arg(long, value_enum, ignore_case = true, default_value_t = StatusArg::Pending)]
        status: StatusArg,
    },
    /// Replace a pending order's lines: stock moves by the difference, products already on
    /// the order keep their price, new ones are bought at today's
    Edit {
        /// The order's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
        /// A line as `PRODUCT_ID:QUANTITY`; repeat for more lines (they replace all the lines)
        #[arg(
            long = "item",
            value_name = "PRODUCT_ID:QTY",
            required = true,
            allow_hyphen_values = true
        )]
        items: Vec<String>,
    },
    /// List orders, newest first, a page at a time
    List {
        /// Only this customer's orders
        #[arg(long, value_name = "ID", allow_negative_numbers = true)]
        user: Option<i64>,
        /// Only orders whose customer's email or name contains this text
        #[arg(long, value_name = "TEXT")]
        customer: Option<String>,
        /// Only orders in this status
        #[arg(long, value_enum, ignore_case = true)]
        status: Option<StatusArg>,
        /// Orders per page (1..=1000)
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: u64,
        /// Only orders older than this id (the last id of the previous page)
        #[arg(long, value_name = "ID")]
        before: Option<i64>,
        /// Load each order's items with a query of its own (the N+1 way), to compare with --echo
        #[arg(long)]
        lazy: bool,
    },
    /// Show an order: customer, lines, captured and current prices, history
    Show {
        /// The order's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
    },
    /// Move an order to a status: pending -> confirmed -> shipped -> delivered, or cancelled
    Status {
        /// The order's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
        /// The new status
        #[arg(value_enum, ignore_case = true)]
        status: StatusArg,
    },
    /// Cancel a pending or confirmed order; tracked stock comes back
    Cancel {
        /// The order's id
        #[arg(allow_negative_numbers = true)]
        id: i64,
    },
}
