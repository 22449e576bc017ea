//! Rule family `zones` (RULES.md). Not yet implemented.

use super::{Ctx, Finding};

pub fn check(_ctx: &Ctx<'_>, _out: &mut Vec<Finding>) {}
