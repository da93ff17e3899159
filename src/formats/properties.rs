//! Java .properties parser (to be written).
