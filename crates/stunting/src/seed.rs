//! Demo data of the stunting domain.

use keluarga_core::AppContext;
use keluarga_core::error::Result;

/// Writes the demo data unless it is already there. Returns true when it wrote.
pub async fn demo(_app: &AppContext) -> Result<bool> {
    Ok(false)
}
