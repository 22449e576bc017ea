//! Protection levels (RULES.md "Levels"). Not yet implemented.

use super::{Ctx, Level, Levels};

pub fn derive(_ctx: &Ctx<'_>) -> Levels {
    let none = |l| Level { level: l, drivers: Vec::new() };
    Levels { water: none("simple"), gas: none("low"), burst: none("none") }
}
