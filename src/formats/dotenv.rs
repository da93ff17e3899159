//! .env parser (to be written).
