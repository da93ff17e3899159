//! .env parser (temporary minimal version; replaced by the full parser).
use super::FlatFile;

pub fn parse_dotenv(src: &str) -> FlatFile {
    super::properties::parse_properties(src)
}
